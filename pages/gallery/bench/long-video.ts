import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The bench's long video: 20 minutes of 1080p in a three-rendition ladder of 2-second
// fMP4 segments (600 per rendition, the case the video worker's bench signs), made once
// with ffmpeg and kept outside git in node_modules/.cache, so a re-run starts at once.
// Test-pattern content and low bitrates: what is measured is how start and seek scale
// with length, not picture quality.

export const LONG_VIDEO_SECONDS = 1200;
export const LONG_SEGMENT_SECONDS = 2;

const RENDITIONS = [
  { name: '1080p', height: 1080, kbps: 1200 },
  { name: '720p', height: 720, kbps: 700 },
  { name: '360p', height: 360, kbps: 250 },
] as const;

export type LongVideo = { dir: string; files: { name: string; size: number }[] };

/** The ladder's folder, made by ffmpeg on first use (minutes on a small machine). */
export async function ensureLongVideo(cacheDir: string): Promise<LongVideo> {
  const dir = join(cacheDir, 'long-video');
  if (!existsSync(join(dir, 'master.m3u8'))) {
    const work = `${dir}.partial`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    console.log(`bench: making the 20-minute test video once (cached in ${dir})…`);
    await ffmpeg(longVideoArgs(), work);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  }
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { name: relative(dir, path), size: statSync(path).size };
    })
    // The master last: once it is stored, everything it names is.
    .sort((a, b) => Number(a.name === 'master.m3u8') - Number(b.name === 'master.m3u8'));
  return { dir, files };
}

export function longVideoArgs(): string[] {
  const gop = 25 * LONG_SEGMENT_SECONDS;
  const split = `[0:v]split=${RENDITIONS.length}${RENDITIONS.map((_, i) => `[s${i}]`).join('')}`;
  const scaled = RENDITIONS.map((r, i) => `[s${i}]scale=-2:${r.height},setsar=1[v${i}]`);
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=s=1920x1080:r=25:d=${LONG_VIDEO_SECONDS}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:d=${LONG_VIDEO_SECONDS}`],
    ...['-filter_complex', [split, ...scaled].join(';')],
    ...RENDITIONS.flatMap((_, i) => ['-map', `[v${i}]`, '-map', '1:a']),
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'main', '-pix_fmt', 'yuv420p'],
    ...['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
    ...RENDITIONS.flatMap((r, i) => [
      ...[`-b:v:${i}`, `${r.kbps}k`, `-maxrate:v:${i}`, `${Math.round(r.kbps * 1.1)}k`],
      ...[`-bufsize:v:${i}`, `${r.kbps * 2}k`],
    ]),
    ...['-c:a', 'aac', '-b:a', '48k', '-ac', '1'],
    ...['-f', 'hls', '-hls_time', String(LONG_SEGMENT_SECONDS), '-hls_playlist_type', 'vod'],
    ...['-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments'],
    ...['-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', '%v/seg%d.m4s'],
    ...['-master_pl_name', 'master.m3u8'],
    ...['-var_stream_map', RENDITIONS.map((r, i) => `v:${i},a:${i},name:${r.name}`).join(' ')],
    '%v/index.m3u8',
  ];
}

function ffmpeg(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.FFMPEG_PATH ?? 'ffmpeg', args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.trim()}`)),
    );
  });
}
