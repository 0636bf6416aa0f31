import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExif } from './exif.ts';
import { withoutLocation } from './location.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import { writeAt } from './test-media.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gallery-location-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '51/1 30/1 2683/100',
  GPSLongitudeRef: 'W',
  GPSLongitude: '0/1 7/1 3954/100',
};
const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.4472N" exif:GPSLongitude="0,7.659W"><exif:GPSAltitude>12/1</exif:GPSAltitude></rdf:Description></rdf:RDF></x:xmpmeta>`;

async function photoWithGps(name: string, format: 'jpeg' | 'png'): Promise<SourceFile> {
  const path = join(dir, name);
  const image = sharp({ create: { width: 320, height: 240, channels: 3, background: '#3a7' } })
    .withExif({
      IFD0: { Make: 'edge-gallery' },
      IFD2: { DateTimeOriginal: '2024:06:01 14:03:07', OffsetTimeOriginal: '+02:00' },
      IFD3: GPS,
    })
    .withXmp(XMP);
  await writeAt(path, await (format === 'png' ? image.png() : image.jpeg()).toBuffer());
  const { size, mtimeMs } = await stat(path);
  return { path, name, size, mtimeMs, ...FORMATS[extname(name)]! };
}

describe('--strip-location', () => {
  it.each([
    ['photo.jpg', 'jpeg'],
    ['photo.png', 'png'],
  ] as const)('removes GPS from %s and changes nothing else', async (name, format) => {
    const file = await photoWithGps(name, format);
    const before = await readFile(file.path);
    expect(readExif((await sharp(before).metadata()).exif).hasLocation).toBe(true);
    // libvips writes XMP into JPEG (APP1), not into PNG.
    expect(before.includes('exif:GPSLatitude')).toBe(format === 'jpeg');

    const stored = await withoutLocation(file, join(dir, `stripped-${name}`));
    const after = await readFile(stored.path);
    const metadata = await sharp(after).metadata();
    const exif = readExif(metadata.exif);
    expect(exif.hasLocation).toBe(false);
    expect(exif.dateTags).toMatchObject({ DateTimeOriginal: '2024:06:01 14:03:07' });
    expect(after.includes('exif:GPS')).toBe(false);
    // Same size, same pixels, a valid file (PNG CRCs checked by libvips with failOn).
    expect(after.length).toBe(before.length);
    const pixels = (bytes: Buffer) => sharp(bytes, { failOn: 'warning' }).raw().toBuffer();
    expect((await pixels(after)).equals(await pixels(before))).toBe(true);
  });
});
