import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { findExecutable } from '@edge-gallery/stack';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heifConvertMissing } from './heic.ts';
import { ImportError } from './import-error.ts';
import { readPhoto, THUMBNAIL_SIDE } from './photo.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import { writeAt, writeHeic, writePhoto } from './test-media.ts';

// Without libheif-examples the HEVC tests are skipped (counted); .ci/run installs it.
const heifMissing = heifConvertMissing() !== undefined || !findExecutable('heif-enc');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gallery-photo-'));
  process.env.TZ = 'UTC';
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function source(path: string): Promise<SourceFile> {
  const { size, mtimeMs } = await stat(path);
  return { path, name: path, size, mtimeMs, ...FORMATS[extname(path)]! };
}

/** Which side of the upright thumbnail is red (the stored image's top half). */
async function redSide(thumbnail: Uint8Array): Promise<string> {
  const { data, info } = await sharp(thumbnail).raw().toBuffer({ resolveWithObject: true });
  const red = (x: number, y: number) => {
    const i = (Math.floor(y) * info.width + Math.floor(x)) * info.channels;
    return data[i]! > 150 && data[i + 2]! < 100;
  };
  const { width: w, height: h } = info;
  const [x1, x2, y1, y2] = [w / 4, (w * 3) / 4, h / 4, (h * 3) / 4];
  const sides = {
    top: red(x1, y1) && red(x2, y1),
    bottom: red(x1, y2) && red(x2, y2),
    left: red(x1, y1) && red(x1, y2),
    right: red(x2, y1) && red(x2, y2),
  };
  return Object.entries(sides)
    .filter(([, isRed]) => isRed)
    .map(([side]) => side)
    .join('+');
}

describe('photo import', () => {
  // Stored 960×600, red on top. EXIF Orientation says how to show it (TIFF 6.0 / EXIF 2.32).
  it.each([
    [1, 480, 300, 'top'],
    [2, 480, 300, 'top'],
    [3, 480, 300, 'bottom'],
    [4, 480, 300, 'bottom'],
    [5, 300, 480, 'left'],
    [6, 300, 480, 'right'],
    [7, 300, 480, 'right'],
    [8, 300, 480, 'left'],
  ])(
    'shows EXIF orientation %i upright: %ix%i thumbnail, red %s',
    async (orientation, w, h, side) => {
      const path = join(dir, `o${orientation}.jpg`);
      await writePhoto({
        path,
        width: 960,
        height: 600,
        orientation,
        taken: { date: '2024:06:01 12:00:00' },
      });
      const photo = await readPhoto(await source(path));
      const sideways = orientation >= 5;
      expect({ width: photo.width, height: photo.height }).toEqual(
        sideways ? { width: 600, height: 960 } : { width: 960, height: 600 },
      );
      const thumb = await sharp(photo.renditions.thumbnail).metadata();
      expect({ format: thumb.format, width: thumb.width, height: thumb.height }).toEqual({
        format: 'webp',
        width: w,
        height: h,
      });
      expect(Math.max(w, h)).toBe(THUMBNAIL_SIDE);
      expect(await redSide(photo.renditions.thumbnail)).toBe(side);
    },
  );

  it('dates a photo by EXIF DateTimeOriginal with its offset', async () => {
    const path = join(dir, 'dated.jpg');
    await writePhoto({
      path,
      width: 100,
      height: 80,
      taken: { date: '2023:12:31 23:30:00', offset: '-01:00', subSec: '5' },
    });
    expect((await readPhoto(await source(path))).takenAt).toBe('2024-01-01T00:30:00.500Z');
  });

  it('dates a photo without EXIF by its file time, and keeps small images small', async () => {
    const path = join(dir, 'plain.png');
    await writePhoto({
      path,
      width: 120,
      height: 90,
      format: 'png',
      mtime: '2022-02-02T02:02:02.000Z',
    });
    const photo = await readPhoto(await source(path));
    expect(photo).toMatchObject({ width: 120, height: 90, takenAt: '2022-02-02T02:02:02.000Z' });
    expect(await sharp(photo.renditions.thumbnail).metadata()).toMatchObject({
      width: 120,
      height: 90,
    });
  });

  it('rejects a corrupt or truncated file as corrupt', async () => {
    const junk = join(dir, 'junk.jpg');
    await writeAt(junk, 'this is not a photo');
    await expect(readPhoto(await source(junk))).rejects.toMatchObject({ reason: 'corrupt' });

    const whole = join(dir, 'whole.jpg');
    await writePhoto({ path: whole, width: 800, height: 600, noise: true });
    const bytes = await sharp(whole).toBuffer();
    const truncated = join(dir, 'truncated.jpg');
    await writeAt(truncated, bytes.subarray(0, bytes.length / 2));
    await expect(readPhoto(await source(truncated))).rejects.toMatchObject({ reason: 'corrupt' });
  });

  it('makes a 2048 px preview and 960/480 px thumbnails, upright WebP in sRGB, no metadata', async () => {
    const path = join(dir, 'camera.jpg');
    await writePhoto({
      path,
      width: 2400,
      height: 1800,
      orientation: 6,
      noise: true,
      taken: { date: '2024:06:01 12:00:00' },
    });
    const { renditions } = await readPhoto(await source(path));
    const sizes = await Promise.all(
      [renditions.preview, renditions.thumbnailHd, renditions.thumbnail].map(async (bytes) => {
        const m = await sharp(bytes).metadata();
        return [m.format, m.width, m.height, m.space, m.exif === undefined, m.icc === undefined];
      }),
    );
    expect(sizes).toEqual([
      ['webp', 1536, 2048, 'srgb', true, true],
      ['webp', 720, 960, 'srgb', true, true],
      ['webp', 360, 480, 'srgb', true, true],
    ]);
    expect(await redSide(renditions.preview)).toBe('right');
  });

  it('never enlarges a small photo: every rendition keeps its size', async () => {
    const path = join(dir, 'small.jpg');
    await writePhoto({ path, width: 400, height: 300 });
    const { renditions } = await readPhoto(await source(path));
    for (const bytes of Object.values(renditions)) {
      expect(await sharp(bytes).metadata()).toMatchObject({ width: 400, height: 300 });
    }
  });

  describe.skipIf(heifMissing)('HEVC HEIC (iPhone) through heif-convert', () => {
    it('imports upright (irot applied once, EXIF Orientation not again) with its EXIF date', async () => {
      const path = join(dir, 'iphone.heic');
      await writeHeic({
        path,
        width: 600,
        height: 960,
        taken: { date: '2024:06:01 14:03:07', offset: '+02:00' },
      });
      const photo = await readPhoto(await source(path), { workDir: dir });
      expect(photo).toMatchObject({ width: 600, height: 960, takenAt: '2024-06-01T12:03:07.000Z' });
      for (const bytes of Object.values(photo.renditions)) {
        expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp' });
      }
      expect(await sharp(photo.renditions.preview).metadata()).toMatchObject({
        width: 600,
        height: 960,
      });
      expect(await redSide(photo.renditions.thumbnail)).toBe('top');
    });

    it('reports a truncated HEIC as corrupt', async () => {
      const whole = join(dir, 'whole.heic');
      await writeHeic({ path: whole, width: 320, height: 240 });
      const bytes = await readFile(whole);
      const truncated = join(dir, 'truncated.heic');
      await writeAt(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await expect(readPhoto(await source(truncated), { workDir: dir })).rejects.toMatchObject({
        reason: 'corrupt',
      });
    });
  });

  it('reports a HEIC with a header and nothing decodable as corrupt', async () => {
    const path = join(dir, 'phone.heic');
    const ftyp = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from('ftypheic\0\0\0\0mif1heic'),
    ]);
    await writeAt(path, Buffer.concat([ftyp, Buffer.alloc(64)]));
    const error = await readPhoto(await source(path), { workDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({ reason: 'corrupt' });
  });

  it('imports HEIF that sharp can decode (AV1-coded) like any photo', async () => {
    const path = join(dir, 'av1.heic');
    const bytes = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#c33' },
    })
      .heif({ compression: 'av1' })
      .toBuffer();
    await writeAt(path, bytes);
    expect(await readPhoto(await source(path))).toMatchObject({ width: 64, height: 48 });
  });
});
