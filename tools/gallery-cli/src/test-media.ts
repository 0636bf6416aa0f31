// Test and bench fixtures: photos and videos made on the spot with sharp and ffmpeg, so
// the repo carries no binary fixtures and every EXIF case is spelled out where it is made.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
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
  options: {
    seconds: number;
    size: string;
    createdAt: string;
    /** Apple's Live Photo id, written as com.apple.quicktime.content.identifier. */
    contentIdentifier?: string;
  },
): void {
  mkdirSync(dirname(path), { recursive: true });
  const result = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=${options.size}:rate=25:duration=${options.seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${options.seconds}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
      ...['-metadata', `creation_time=${options.createdAt}`],
      ...(options.contentIdentifier
        ? [
            ...['-movflags', 'use_metadata_tags'],
            ...['-metadata', `com.apple.quicktime.content.identifier=${options.contentIdentifier}`],
          ]
        : []),
      path,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${result.stderr}`);
}

/**
 * An HEVC-coded HEIC as an iPhone lays it out: the pixels stored sideways (the upright
 * picture, red on top, turned 90° anti-clockwise: red on the left), an `irot` transform
 * that turns it back (libheif applies it on decode) and EXIF Orientation 6 saying the same
 * again (which a reader must not apply a second time). Encoded by `heif-enc` (Debian
 * libheif-examples, x265); `irot` is patched in because libheif 1.15's encoder writes none.
 * Upright, the photo is `width`×`height`.
 */
export async function writeHeic(spec: {
  path: string;
  width: number;
  height: number;
  taken?: { date: string; offset?: string };
  quality?: number;
}): Promise<void> {
  const { width, height } = spec;
  const jpeg = `${spec.path}.source.jpg`;
  const upright = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const colour = y < height / 2 ? RED : BLUE;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = ((x * 7919 + y * 104_729) % 41) - 20;
      upright.set([colour[0] + n, colour[1] + n, colour[2] + n], i);
    }
  }
  let image = sharp(upright, { raw: { width, height, channels: 3 } });
  // Materialise the turn first: sharp applies rotate() before withExif/withMetadata.
  const sideways = await image.rotate(270).png().toBuffer();
  image = sharp(sideways);
  if (spec.taken) {
    image = image.withExif({
      IFD0: { Make: 'Apple', Model: 'iPhone (test)' },
      IFD2: {
        DateTimeOriginal: spec.taken.date,
        ...(spec.taken.offset ? { OffsetTimeOriginal: spec.taken.offset } : {}),
      },
    });
  }
  await writeAt(
    jpeg,
    await image.withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer(),
  );
  const result = spawnSync('heif-enc', ['-q', String(spec.quality ?? 60), jpeg, '-o', spec.path], {
    encoding: 'utf8',
  });
  rmSync(jpeg, { force: true });
  if (result.status !== 0)
    throw new Error(`heif-enc could not make ${spec.path}: ${result.stderr}`);
  const heic = readFileSync(spec.path);
  await writeFile(spec.path, withRotation(heic, 3));
}

/**
 * Adds an `irot` property (angle × 90° anti-clockwise) to the primary item of a HEIF file
 * whose `meta` precedes its `mdat`: the property goes at the end of `ipco`, its association
 * into `ipma`, every enclosing box grows, and `iloc`'s file offsets move by the bytes added.
 * A file that already has an `irot` is returned as it is.
 */
export function withRotation(file: Buffer, angle: 0 | 1 | 2 | 3): Buffer {
  const box = (buf: Buffer, start: number, end: number, type: string) => {
    for (let at = start; at + 8 <= end; ) {
      const size = buf.readUInt32BE(at);
      if (buf.toString('latin1', at + 4, at + 8) === type) return { at, size };
      if (size < 8) break;
      at += size;
    }
    throw new Error(`no ${type} box`);
  };
  const meta = box(file, 0, file.length, 'meta');
  const inMeta = [meta.at + 12, meta.at + meta.size] as const;
  const iprp = box(file, ...inMeta, 'iprp');
  const ipco = box(file, iprp.at + 8, iprp.at + iprp.size, 'ipco');
  const ipma = box(file, iprp.at + 8, iprp.at + iprp.size, 'ipma');
  const pitm = box(file, ...inMeta, 'pitm');
  const iloc = box(file, ...inMeta, 'iloc');
  let properties = 0;
  for (let at = ipco.at + 8; at < ipco.at + ipco.size; at += file.readUInt32BE(at)) {
    if (file.toString('latin1', at + 4, at + 8) === 'irot') return file;
    properties++;
  }
  const primary =
    file[pitm.at + 8] === 0 ? file.readUInt16BE(pitm.at + 12) : file.readUInt32BE(pitm.at + 12);
  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from('irot'), angle]);

  // ipma: find the primary's entry and append one association (7- or 15-bit index).
  const ipmaVersion = file[ipma.at + 8]!;
  const wide = (file.readUInt32BE(ipma.at + 8) & 1) === 1;
  const idBytes = ipmaVersion < 1 ? 2 : 4;
  const entries = file.readUInt32BE(ipma.at + 12);
  let at = ipma.at + 16;
  let insertAt = -1;
  let countAt = -1;
  for (let i = 0; i < entries; i++) {
    const item = idBytes === 2 ? file.readUInt16BE(at) : file.readUInt32BE(at);
    const count = file[at + idBytes]!;
    const end = at + idBytes + 1 + count * (wide ? 2 : 1);
    if (item === primary) {
      countAt = at + idBytes;
      insertAt = end;
    }
    at = end;
  }
  if (insertAt < 0) throw new Error('primary item has no ipma entry');
  const index = properties + 1;
  const association = wide
    ? Buffer.from([0x80 | (index >> 8), index & 0xff])
    : Buffer.from([0x80 | index]);

  const out = Buffer.concat([
    file.subarray(0, ipco.at + ipco.size),
    irot,
    file.subarray(ipco.at + ipco.size, insertAt),
    association,
    file.subarray(insertAt),
  ]);
  const added = irot.length + association.length;
  const shift = (offset: number) =>
    (offset >= ipco.at + ipco.size ? irot.length : 0) +
    (offset >= insertAt ? association.length : 0);
  const grow = (boxAt: number, by: number) =>
    out.writeUInt32BE(out.readUInt32BE(boxAt) + by, boxAt);
  grow(meta.at, added);
  grow(iprp.at, added);
  grow(ipco.at, irot.length);
  const ipmaAt = ipma.at + shift(ipma.at);
  grow(ipmaAt, association.length);
  const newCountAt = countAt + shift(countAt);
  out[newCountAt] = out[newCountAt]! + 1;

  // iloc: items stored by file offset (construction method 0) move by `added`.
  const il = iloc.at + shift(iloc.at);
  const version = out[il + 8]!;
  const sizes = out.readUInt16BE(il + 12);
  const [offsetSize, lengthSize, baseSize, indexSize] = [
    sizes >> 12,
    (sizes >> 8) & 15,
    (sizes >> 4) & 15,
    version >= 1 ? sizes & 15 : 0,
  ];
  const read = (p: number, n: number) =>
    n === 0 ? 0 : n === 4 ? out.readUInt32BE(p) : Number(out.readBigUInt64BE(p));
  const write = (p: number, n: number, v: number) =>
    n === 4 ? out.writeUInt32BE(v, p) : out.writeBigUInt64BE(BigInt(v), p);
  let p = il + 14;
  const items = version < 2 ? out.readUInt16BE(p) : out.readUInt32BE(p);
  p += version < 2 ? 2 : 4;
  for (let i = 0; i < items; i++) {
    p += version < 2 ? 2 : 4;
    let method = 0;
    if (version >= 1) {
      method = out.readUInt16BE(p) & 15;
      p += 2;
    }
    p += 2; // data_reference_index
    const base = read(p, baseSize);
    const movesBase = method === 0 && baseSize > 0 && base > 0;
    if (movesBase) write(p, baseSize, base + added);
    p += baseSize;
    const extents = out.readUInt16BE(p);
    p += 2;
    for (let e = 0; e < extents; e++) {
      p += indexSize;
      if (method === 0 && !movesBase && offsetSize > 0)
        write(p, offsetSize, read(p, offsetSize) + added);
      p += offsetSize + lengthSize;
    }
  }
  return out;
}
