import { readFile, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { SourceFile } from './scan.ts';

// `--strip-location`: the stored original without where it was taken. Everything else stays
// byte for byte (no re-encode, same size, same offsets): the GPS IFD of the EXIF block is
// emptied in place (its entries and their values zeroed, its entry count set to 0, the
// GPSInfo pointer left pointing at that empty IFD), and XMP `exif:GPS*` properties are
// blanked with spaces. Works wherever the EXIF block sits verbatim in the file: JPEG
// (APP1), HEIC/HEIF (the Exif item) and PNG (eXIf, whose CRC is recomputed).

const GPS_POINTER = 0x8825;
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

/** Writes `file` without location to `out`; returns the body to store. */
export async function withoutLocation(
  file: SourceFile,
  out: string,
): Promise<{ path: string; size: number }> {
  const bytes = await readFile(file.path);
  const { exif } = await sharp(bytes).metadata();
  if (exif) {
    const tiff = exif.subarray(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0);
    const at = bytes.indexOf(tiff);
    if (at >= 0) emptyGpsIfd(bytes, at);
  }
  blankXmpLocation(bytes);
  if (file.ext === 'png') fixPngCrcs(bytes);
  await writeFile(out, bytes);
  return { path: out, size: bytes.length };
}

/** Empties the GPS IFD of the TIFF structure at `tiff` in place. */
export function emptyGpsIfd(bytes: Buffer, tiff: number): void {
  const little = bytes.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const inside = (at: number, length: number) => at >= tiff && at + length <= bytes.length;
  const ifd0 = tiff + u32(tiff + 4);
  if (!inside(ifd0, 2)) return;
  for (let i = 0; i < u16(ifd0); i++) {
    const entry = ifd0 + 2 + i * 12;
    if (!inside(entry, 12) || u16(entry) !== GPS_POINTER) continue;
    const gps = tiff + u32(entry + 8);
    if (!inside(gps, 2)) return;
    const count = u16(gps);
    for (let j = 0; j < count; j++) {
      const field = gps + 2 + j * 12;
      if (!inside(field, 12)) break;
      const length = (TYPE_SIZES[u16(field + 2)] ?? 0) * u32(field + 4);
      const value = tiff + u32(field + 8);
      if (length > 4 && inside(value, length)) bytes.fill(0, value, value + length);
      bytes.fill(0, field, field + 12);
    }
    bytes.fill(0, gps, gps + 2); // entry count 0; the next-IFD offset after it was 0 already
  }
}

/** Blanks XMP `exif:GPS…` attributes and elements with spaces (same length, still XML). */
export function blankXmpLocation(bytes: Buffer): void {
  const text = bytes.toString('latin1');
  const start = text.indexOf('<x:xmpmeta');
  if (start < 0) return;
  const end = text.indexOf('</x:xmpmeta>', start);
  if (end < 0) return;
  const packet = text.slice(start, end);
  const pattern = /exif:GPS\w+="[^"]*"|<exif:GPS(\w+)[^>]*>[\s\S]*?<\/exif:GPS\1>/g;
  for (const match of packet.matchAll(pattern)) {
    bytes.fill(0x20, start + match.index, start + match.index + match[0].length);
  }
}

function fixPngCrcs(bytes: Buffer): void {
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const end = at + 8 + length;
    if (end + 4 > bytes.length) return;
    bytes.writeUInt32BE(crc32(bytes.subarray(at + 4, end)), end);
    at = end + 4;
  }
}
