import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { run } from './ffmpeg.ts';
import { ImportError } from './import-error.ts';
import { THUMBNAIL_SIDE } from './photo.ts';
import type { SourceFile } from './scan.ts';
import { writeStoryboard } from './storyboard.ts';

export type VideoProbe = {
  /** As displayed: rotation (phones record sideways and tag it) applied. */
  width: number;
  height: number;
  durationSec: number;
  fps: number;
  hasAudio: boolean;
  /** ISO 8601 UTC from the container's creation date, when it has a plausible one. */
  createdAt: string | undefined;
  /** Apple's Live Photo id (com.apple.quicktime.content.identifier), when the MOV has one. */
  contentIdentifier?: string | undefined;
};

export async function probeVideo(file: SourceFile): Promise<VideoProbe> {
  const result = await run('ffprobe', [
    ...['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams'],
    file.path,
  ]);
  if (result.code !== 0) throw new ImportError('corrupt', `ffprobe: ${lastLine(result.stderr)}`);
  return parseProbe(JSON.parse(result.stdout.toString('utf8')));
}

type ProbeJson = {
  streams?: {
    codec_type?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    tags?: Record<string, string>;
    side_data_list?: { rotation?: number }[];
  }[];
  format?: { duration?: string; tags?: Record<string, string> };
};

export function parseProbe(probe: ProbeJson): VideoProbe {
  const video = probe.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  const duration = Number(probe.format?.duration);
  if (!video?.width || !video.height || !(duration > 0)) {
    throw new ImportError('corrupt', 'no video stream with a size and a duration');
  }
  const rotation =
    video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ??
    Number(video.tags?.rotate ?? 0);
  const sideways = Math.abs(rotation) % 180 === 90;
  const tags = { ...video.tags, ...probe.format?.tags };
  return {
    width: sideways ? video.height : video.width,
    height: sideways ? video.width : video.height,
    durationSec: Math.round(duration * 1000) / 1000,
    fps: frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate) ?? 30,
    hasAudio: probe.streams?.some((s) => s.codec_type === 'audio') ?? false,
    createdAt:
      creationDate(tags['com.apple.quicktime.creationdate']) ?? creationDate(tags.creation_time),
    contentIdentifier: tags['com.apple.quicktime.content.identifier']?.trim() || undefined,
  };
}

function frameRate(value: string | undefined): number | undefined {
  const [num, den] = (value ?? '').split('/').map(Number);
  const rate = den ? num! / den : Number.NaN;
  return rate > 0 && rate <= 240 ? rate : undefined;
}

/** '2024-06-01T14:03:07+0200' (Apple) or '2024-06-01T12:03:07.000000Z'; 1904/1970 zero dates ignored. */
function creationDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const normalized = value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalized);
  if (!Number.isFinite(time) || time < Date.UTC(1971, 0, 1)) return undefined;
  return new Date(time).toISOString();
}

// --- The HLS ladder -------------------------------------------------------------------

/** Every segment this long; keyframes forced on its boundaries in every rendition. */
export const SEGMENT_SECONDS = 4;

/** Rungs by the picture's short side, with H.264 bitrates for ~30 fps. */
const RUNGS = [
  { lines: 1080, kbps: 5000 },
  { lines: 720, kbps: 2800 },
  { lines: 480, kbps: 1200 },
  { lines: 360, kbps: 700 },
  { lines: 240, kbps: 400 },
] as const;

export type Rendition = { name: string; lines: number; kbps: number };

/**
 * Up to three renditions: the largest rung the source fills and the two below it, never
 * upscaled. A source under 240 lines gets one rendition at its own size.
 */
export function ladderFor(width: number, height: number): Rendition[] {
  const short = Math.min(width, height);
  const top = RUNGS.findIndex((rung) => rung.lines <= short);
  if (top === -1) {
    const lines = short - (short % 2);
    return [{ name: `${lines}p`, lines, kbps: RUNGS.at(-1)!.kbps }];
  }
  return RUNGS.slice(top, top + 3).map((rung) => ({ name: `${rung.lines}p`, ...rung }));
}

/**
 * One ffmpeg run for the whole ladder (decoded once, split, scaled), in the layout of the
 * demo video: `master.m3u8`, `<name>/index.m3u8`, `<name>/init_<n>.mp4`, `<name>/seg<n>.m4s`.
 * fMP4 segments, each starting with a keyframe at the same time in every rendition (a
 * player switches renditions at any segment). Source metadata (GPS!) is left out, and
 * bit-exact flags and sliced threads make a re-run write identical bytes. Run it with cwd = output folder.
 */
export function hlsArgs(source: string, probe: VideoProbe, ladder: readonly Rendition[]): string[] {
  const gop = Math.max(1, Math.round(probe.fps * SEGMENT_SECONDS));
  const portrait = probe.height > probe.width;
  const split = `[0:v]split=${ladder.length}${ladder.map((_, i) => `[s${i}]`).join('')}`;
  const scaled = ladder.map(
    (r, i) => `[s${i}]scale=${portrait ? `${r.lines}:-2` : `-2:${r.lines}`},setsar=1[v${i}]`,
  );
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', source],
    ...['-filter_complex', [split, ...scaled].join(';')],
    ...ladder.flatMap((_, i) => ['-map', `[v${i}]`, ...(probe.hasAudio ? ['-map', '0:a:0'] : [])]),
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    // Frame-threaded x264 with VBV (maxrate/bufsize) wrote different bytes on each run here;
    // sliced threads are bit-exact, so a re-run after an interruption stores the same files.
    ...['-x264-params', 'sliced-threads=1'],
    ...['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
    ...['-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`],
    ...ladder.flatMap((r, i) => [
      ...[`-b:v:${i}`, `${r.kbps}k`, `-maxrate:v:${i}`, `${Math.round(r.kbps * 1.1)}k`],
      ...[`-bufsize:v:${i}`, `${r.kbps * 2}k`],
    ]),
    ...(probe.hasAudio ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
    ...[
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      '-flags:v',
      '+bitexact',
      '-flags:a',
      '+bitexact',
    ],
    ...['-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_playlist_type', 'vod'],
    ...['-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments'],
    ...['-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', '%v/seg%d.m4s'],
    ...['-master_pl_name', 'master.m3u8'],
    ...[
      '-var_stream_map',
      ladder.map((r, i) => `v:${i}${probe.hasAudio ? `,a:${i}` : ''},name:${r.name}`).join(' '),
    ],
    '%v/index.m3u8',
  ];
}

/** Transcodes into `outDir`; returns the files written (relative to it), master last. */
export async function transcodeHls(
  file: SourceFile,
  probe: VideoProbe,
  outDir: string,
): Promise<{ name: string; size: number }[]> {
  const result = await run(
    'ffmpeg',
    hlsArgs(file.path, probe, ladderFor(probe.width, probe.height)),
    {
      cwd: outDir,
    },
  );
  if (result.code !== 0)
    throw new ImportError('transcode-failed', `ffmpeg: ${lastLine(result.stderr)}`);
  // Seek previews beside the ladder (storyboard.ts), stored before the master like the rest.
  await writeStoryboard(file.path, probe, outDir);
  const files = await Promise.all(
    (await filesUnder(outDir)).map(async (path) => ({
      name: relative(outDir, path),
      size: (await stat(path)).size,
    })),
  );
  // The master playlist last: once it is stored, everything it points to is.
  const rank = (name: string) => (name === 'master.m3u8' ? 1 : 0);
  return files.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : 1));
}

/** An upright WebP frame from early in the video (ffmpeg applies the rotation tag). */
export async function posterOf(file: SourceFile, probe: VideoProbe): Promise<Uint8Array> {
  const at = Math.min(1, probe.durationSec / 2).toFixed(3);
  const result = await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-ss', at, '-i', file.path],
    ...['-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'],
  ]);
  if (result.code !== 0 || result.stdout.length === 0) {
    throw new ImportError('transcode-failed', `poster frame: ${lastLine(result.stderr)}`);
  }
  return sharp(result.stdout)
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 72 })
    .toBuffer();
}

/**
 * The original for download, playable while it downloads: `moov` before `mdat`
 * (faststart). Files already laid out so are kept byte for byte; others are remuxed
 * without re-encoding; if remuxing fails the original bytes are kept.
 */
export async function faststartOriginal(
  file: SourceFile,
  workDir: string,
): Promise<{ path: string; size: number }> {
  if (await isFaststart(file.path)) return { path: file.path, size: file.size };
  const out = join(workDir, `original.${file.ext}`);
  for (const maps of [
    ['-map', '0'],
    ['-map', '0:v', '-map', '0:a?'],
  ]) {
    const result = await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', file.path],
      ...maps,
      ...['-c', 'copy', '-movflags', '+faststart', '-fflags', '+bitexact', out],
    ]);
    if (result.code === 0) return { path: out, size: (await stat(out)).size };
  }
  return { path: file.path, size: file.size };
}

/** Walks the top-level ISO BMFF boxes: is `moov` before `mdat`? */
export async function isFaststart(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= size) {
      await handle.read(header, 0, 16, offset);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type === 'moov') return true;
      if (type === 'mdat') return false;
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - offset;
      if (boxSize < 8) return false;
      offset += boxSize;
    }
    return false;
  } finally {
    await handle.close();
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? 'failed';
}
