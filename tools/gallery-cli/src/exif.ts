import exifReader from 'exif-reader';
import { DATE_TAGS } from './exif-date.ts';

// What the importer needs from a photo's EXIF block, which sharp's metadata() hands over
// for JPEG, PNG and HEIC alike (HEVC HEIC too: reading the container needs no decoder).
// exif-reader parses the TIFF structure; this picks the tags and reads Apple's maker note.

export type ExifFacts = {
  /** The DATE_TAGS present, as EXIF writes them ('YYYY:MM:DD HH:MM:SS', '+02:00', '25'). */
  dateTags: Record<string, string>;
  /** Whether the block has a GPS IFD with any tag in it. */
  hasLocation: boolean;
  /** Apple's Live Photo pairing id (maker note tag 0x11), shared with the MOV's metadata. */
  contentIdentifier: string | undefined;
};

const NO_FACTS: ExifFacts = { dateTags: {}, hasLocation: false, contentIdentifier: undefined };

/** Never throws: a photo with broken EXIF is still a photo (dated by its file time). */
export function readExif(block: Buffer | undefined): ExifFacts {
  if (!block?.length) return NO_FACTS;
  let exif: ReturnType<typeof exifReader>;
  try {
    exif = exifReader(block);
  } catch {
    return NO_FACTS;
  }
  const tags: Record<string, unknown> = { ...exif.Image, ...exif.Photo };
  const dateTags: Record<string, string> = {};
  for (const name of DATE_TAGS.flat()) {
    const value = exifText(tags[name]);
    if (value !== undefined) dateTags[name] = value;
  }
  const maker = exif.Photo?.MakerNote;
  return {
    dateTags,
    hasLocation: Object.keys(exif.GPSInfo ?? {}).length > 0,
    contentIdentifier: Buffer.isBuffer(maker) ? appleContentIdentifier(maker) : undefined,
  };
}

/**
 * exif-reader turns the three date tags into Dates built with Date.UTC from the wall-clock
 * digits (no zone); back to EXIF's text so exif-date.ts reads every tag the same way.
 * An unparseable date comes back as null and is left out.
 */
function exifText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value instanceof Date && Number.isFinite(value.getTime())) {
    const two = (n: number) => String(n).padStart(2, '0');
    const year = value.getUTCFullYear();
    // Cameras write '0000:00:00 00:00:00' for "unknown", which Date.UTC makes 1899.
    if (year < 1900) return undefined;
    return `${year}:${two(value.getUTCMonth() + 1)}:${two(value.getUTCDate())} ${two(value.getUTCHours())}:${two(value.getUTCMinutes())}:${two(value.getUTCSeconds())}`;
  }
  return undefined;
}

const APPLE_MAKER_NOTE = Buffer.from('Apple iOS\0', 'latin1');
const CONTENT_IDENTIFIER_TAG = 0x0011;

/**
 * Apple's maker note: 'Apple iOS\0', a 2-byte version, 'MM' (big-endian), then a TIFF IFD
 * at offset 14 whose value offsets count from the start of the note. Tag 0x11 (ASCII) is
 * the content identifier an iPhone writes into both halves of a Live Photo.
 */
export function appleContentIdentifier(note: Buffer): string | undefined {
  if (note.length < 16 || !note.subarray(0, 10).equals(APPLE_MAKER_NOTE)) return undefined;
  if (note.toString('latin1', 12, 14) !== 'MM') return undefined;
  const count = note.readUInt16BE(14);
  for (let i = 0; i < count; i++) {
    const entry = 16 + i * 12;
    if (entry + 12 > note.length) return undefined;
    if (note.readUInt16BE(entry) !== CONTENT_IDENTIFIER_TAG) continue;
    if (note.readUInt16BE(entry + 2) !== 2) return undefined;
    const length = note.readUInt32BE(entry + 4);
    const start = length <= 4 ? entry + 8 : note.readUInt32BE(entry + 8);
    if (start + length > note.length) return undefined;
    const text = note.toString('latin1', start, start + length).replace(/\0+$/, '');
    return /^[\x20-\x7e]{1,100}$/.test(text) ? text : undefined;
  }
  return undefined;
}
