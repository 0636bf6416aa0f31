import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Region } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFfmpeg, run } from './ffmpeg.ts';
import { hlsContentType, storyboardLayout, storyboardVtt, writeStoryboard } from './storyboard.ts';

describe('storyboard layout', () => {
  it.each([
    [
      'takes a tile a second from a short video, in one row',
      [6, 960, 540],
      { interval: 1, count: 6, columns: 6, rows: 1, tileWidth: 160, tileHeight: 90 },
    ],
    [
      'keeps about 100 tiles for a long one, ten to a row',
      [1200, 1920, 1080],
      { interval: 12, count: 100, columns: 10, rows: 10 },
    ],
    ['keeps a portrait video upright', [10, 1080, 1920], { tileWidth: 90, tileHeight: 160 }],
  ] as const)('%s', (_, [seconds, width, height], layout) => {
    expect(storyboardLayout(seconds, width, height)).toMatchObject(layout);
  });
});

describe('storyboard index (WebVTT)', () => {
  it('names, for each interval, its tile of the sprite; the last cue ends with the video', () => {
    const vtt = storyboardVtt(storyboardLayout(12.5, 1280, 720), 12.5);
    const cues = vtt.split('\n\n');
    expect(cues[0]).toBe('WEBVTT');
    expect(cues[1]).toBe('00:00:00.000 --> 00:00:01.000\nstoryboard.jpg#xywh=0,0,160,90');
    expect(cues[11]).toBe('00:00:10.000 --> 00:00:11.000\nstoryboard.jpg#xywh=0,90,160,90');
    expect(cues.at(-1)).toBe('00:00:12.000 --> 00:00:12.500\nstoryboard.jpg#xywh=320,90,160,90\n');
  });

  it('writes hours past the first', () => {
    const vtt = storyboardVtt(storyboardLayout(3725, 1920, 1080), 3725);
    expect(vtt).toContain('01:02:04.000 --> 01:02:05.000');
  });
});

describe('content types of the HLS folder', () => {
  it.each([
    ['master.m3u8', 'application/vnd.apple.mpegurl'],
    ['540p/seg1.m4s', 'video/mp4'],
    ['storyboard.jpg', 'image/jpeg'],
    ['storyboard.vtt', 'text/vtt; charset=utf-8'],
  ])('%s → %s', (name, type) => {
    expect(hlsContentType(name)).toBe(type);
  });
});

// The demo video has its time stamp and frame number drawn into every frame: tile i must
// be the frame at i s, and no other second's.
describe.skipIf(missingFfmpeg() !== undefined)('storyboard of the demo video', () => {
  const demo = join(import.meta.dirname, '../../../demo/originals/demo-13.mp4');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'storyboard-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const grey = async (input: Buffer | string, region?: Region) => {
    let image = sharp(input);
    if (region) image = image.extract(region);
    return image.resize(160, 90, { fit: 'fill' }).greyscale().raw().toBuffer();
  };
  const distance = (a: Buffer, b: Buffer) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    return sum / a.length;
  };

  it('shows in tile i the frame at i × interval', async () => {
    const names = await writeStoryboard(demo, { durationSec: 6, width: 960, height: 540 }, dir);
    expect(names).toEqual(['storyboard.jpg', 'storyboard.vtt']);
    const sprite = await readFile(join(dir, 'storyboard.jpg'));
    expect(await sharp(sprite).metadata()).toMatchObject({ width: 960, height: 90 });

    const frames: Buffer[] = [];
    for (let second = 0; second < 6; second++) {
      const frame = await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-ss', String(second), '-i', demo],
        ...['-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'],
      ]);
      frames.push(await grey(frame.stdout));
    }
    for (let tile = 0; tile < 6; tile++) {
      const image = await grey(sprite, { left: tile * 160, top: 0, width: 160, height: 90 });
      const distances = frames.map((frame) => distance(image, frame));
      const closest = distances.indexOf(Math.min(...distances));
      expect(closest, `tile ${tile}: ${distances.map((d) => d.toFixed(1)).join(' ')}`).toBe(tile);
    }
  });
});
