// Test and bench fixtures: photos and videos made on the spot with sharp and ffmpeg, so
// the repo carries no binary fixtures and every EXIF case is spelled out where it is made.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';

export const RED = [220, 30, 30] as const;
export const BLUE = [30, 30, 220] as const;

export type PhotoSpec = {
  path: string;
  width: number;
  height: number;
  format?: 'jpeg' | 'png';
  /** EXIF Orientation tag (1-8); none when omitted. */
  orientation?: number;
  /** EXIF DateTimeOriginal 'YYYY:MM:DD HH:MM:SS', with optional offset and sub-seconds. */
  taken?: { date: string; offset?: string; subSec?: string };
  /** File modification time (the fallback date), ISO. */
  mtime?: string;
  /** Pixel noise so files have realistic sizes; default flat colours. */
  noise?: boolean;
  /** Varies the noise, so that photos of one size still differ (and get their own ids). */
  seed?: number;
};

/**
 * A photo whose stored pixels are red on top and blue below: after orientation the red
 * half tells which way is up. EXIF written by libvips (sharp withExif/withMetadata).
 */
export async function writePhoto(spec: PhotoSpec): Promise<void> {
  const { width, height } = spec;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const colour = y < height / 2 ? RED : BLUE;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = spec.noise ? ((x * 7919 + y * 104_729 + (spec.seed ?? 0) * 31) % 41) - 20 : 0;
      pixels[i] = colour[0] + n;
      pixels[i + 1] = colour[1] + n;
      pixels[i + 2] = colour[2] + n;
    }
  }
  let image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (spec.taken) {
    image = image.withExif({
      IFD0: { Make: 'edge-gallery', Model: 'test' },
      IFD2: {
        DateTimeOriginal: spec.taken.date,
        ...(spec.taken.offset ? { OffsetTimeOriginal: spec.taken.offset } : {}),
        ...(spec.taken.subSec ? { SubSecTimeOriginal: spec.taken.subSec } : {}),
      },
    });
  }
  if (spec.orientation) image = image.withMetadata({ orientation: spec.orientation });
  const bytes = await (spec.format === 'png'
    ? image.png()
    : image.jpeg({ quality: 85 })
  ).toBuffer();
  await writeAt(spec.path, bytes, spec.mtime);
}

export async function writeAt(
  path: string,
  bytes: Uint8Array | string,
  mtime?: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  if (mtime) await utimes(path, new Date(mtime), new Date(mtime));
}

/**
 * A short test-pattern video with a tone, moov at the end (as cameras write it), and a
 * creation date in the container.
 */
export function writeVideo(
  path: string,
  options: { seconds: number; size: string; createdAt: string },
): void {
  mkdirSync(dirname(path), { recursive: true });
  const result = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=${options.size}:rate=25:duration=${options.seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${options.seconds}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
      ...['-metadata', `creation_time=${options.createdAt}`, path],
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${result.stderr}`);
}
