import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './ffmpeg.ts';
import { ImportError } from './import-error.ts';

// Seek previews: one JPEG sprite of small frames taken at a fixed interval, and a WebVTT
// index naming, for each interval, the tile of the sprite (`storyboard.jpg#xywh=x,y,w,h`,
// the media-fragment form hls.js, video.js and Mux use). Both live beside the HLS ladder
// (`hls/<videoId>/storyboard.jpg|vtt`), so the playback token's scope covers them and the
// video worker delivers them like segments (presigned, token-served or public).

export const STORYBOARD_IMAGE = 'storyboard.jpg';
export const STORYBOARD_INDEX = 'storyboard.vtt';
/** About this many tiles per video at most: ~100 is what a thumb-wide scrub can resolve. */
const MAX_TILES = 100;
const COLUMNS = 10;
/** The long side of a tile, CSS px at 1× (the preview bubble is ~160 px wide). */
const TILE_LONG_SIDE = 160;

export type StoryboardLayout = {
  /** Seconds between tiles. */
  interval: number;
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
};

/** Whole seconds between tiles, at least 1, at most ~MAX_TILES tiles; tiles keep the shape. */
export function storyboardLayout(
  durationSec: number,
  width: number,
  height: number,
): StoryboardLayout {
  const interval = Math.max(1, Math.ceil(durationSec / MAX_TILES));
  const count = Math.max(1, Math.ceil(durationSec / interval));
  const landscape = width >= height;
  const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
  const tileWidth = landscape ? TILE_LONG_SIDE : even((TILE_LONG_SIDE * width) / height);
  const tileHeight = landscape ? even((TILE_LONG_SIDE * height) / width) : TILE_LONG_SIDE;
  const columns = Math.min(COLUMNS, count);
  return { interval, count, columns, rows: Math.ceil(count / columns), tileWidth, tileHeight };
}

/** The WebVTT index: cue i covers [i × interval, (i + 1) × interval) and names tile i. */
export function storyboardVtt(layout: StoryboardLayout, durationSec: number): string {
  const cues: string[] = [];
  for (let i = 0; i < layout.count; i++) {
    const start = i * layout.interval;
    const end = Math.min((i + 1) * layout.interval, durationSec);
    const x = (i % layout.columns) * layout.tileWidth;
    const y = Math.floor(i / layout.columns) * layout.tileHeight;
    cues.push(
      `${timestamp(start)} --> ${timestamp(Math.max(end, start + 0.001))}\n` +
        `${STORYBOARD_IMAGE}#xywh=${x},${y},${layout.tileWidth},${layout.tileHeight}`,
    );
  }
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** ffmpeg: every `interval` s a frame (upright: ffmpeg applies rotation), scaled, tiled. */
export function storyboardArgs(source: string, layout: StoryboardLayout): string[] {
  const filters = [
    // The first frame at or after each tile's start time (the fps filter would take frames
    // from the middle of the intervals). 1 ms of slack for time stamps like 0.99999.
    `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${layout.interval - 0.001})'`,
    `scale=${layout.tileWidth}:${layout.tileHeight}:force_original_aspect_ratio=disable`,
    'setsar=1',
    `tile=${layout.columns}x${layout.rows}`,
  ];
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', source],
    ...['-vf', filters.join(','), '-fps_mode', 'passthrough', '-frames:v', '1', '-an'],
    ...['-q:v', '5'],
    ...['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact'],
    STORYBOARD_IMAGE,
  ];
}

/** Writes storyboard.jpg and storyboard.vtt into `outDir`; returns their names. */
export async function writeStoryboard(
  source: string,
  video: { durationSec: number; width: number; height: number },
  outDir: string,
): Promise<string[]> {
  const layout = storyboardLayout(video.durationSec, video.width, video.height);
  const result = await run('ffmpeg', storyboardArgs(source, layout), { cwd: outDir });
  if (result.code !== 0) {
    throw new ImportError(
      'transcode-failed',
      `storyboard: ${result.stderr.trim().split('\n').at(-1)}`,
    );
  }
  await writeFile(join(outDir, STORYBOARD_INDEX), storyboardVtt(layout, video.durationSec));
  return [STORYBOARD_IMAGE, STORYBOARD_INDEX];
}

/** The Content-Type of a file of the HLS folder. */
export function hlsContentType(name: string): string {
  if (name.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (name.endsWith('.vtt')) return 'text/vtt; charset=utf-8';
  if (name.endsWith('.jpg')) return 'image/jpeg';
  return 'video/mp4';
}
