// EXIF dates are 'YYYY:MM:DD HH:MM:SS' in the camera's wall-clock time; newer cameras add
// the UTC offset (OffsetTime* tags, EXIF 2.31) and fractions (SubSecTime*). exif.ts reads
// the tags (EXIF's own names); this turns the three parts into one instant.

/** The tags read, most to least specific to "when the picture was taken". */
export const DATE_TAGS = [
  ['DateTimeOriginal', 'SubSecTimeOriginal', 'OffsetTimeOriginal'],
  ['DateTimeDigitized', 'SubSecTimeDigitized', 'OffsetTimeDigitized'],
  ['DateTime', 'SubSecTime', 'OffsetTime'],
] as const;

const DATE =
  /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * The first usable date among DATE_TAGS as an ISO 8601 UTC string, or undefined.
 * Without an offset the time is taken as local time of the importing machine (what
 * every photo manager does: the camera and its owner are usually in one time zone).
 */
export function exifTakenAt(tags: Readonly<Record<string, unknown>>): string | undefined {
  for (const [dateTag, subSecTag, offsetTag] of DATE_TAGS) {
    const value = tags[dateTag];
    if (typeof value !== 'string') continue;
    const match = DATE.exec(value.trim());
    if (!match) continue;
    const [, y, mo, d, h, mi, s, inlineFraction, inlineOffset] = match;
    const subSec = tags[subSecTag];
    const fraction =
      inlineFraction ??
      (typeof subSec === 'string' || typeof subSec === 'number' ? String(subSec).trim() : '');
    const ms = /^\d+$/.test(fraction) ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
    // '0000:00:00 00:00:00' is what cameras write for "unknown".
    if (parts[0] < 1800 || parts[1] < 0 || parts[1] > 11 || parts[2] < 1 || parts[2] > 31) continue;
    const offsetValue = tags[offsetTag];
    const offset =
      inlineOffset ?? (typeof offsetValue === 'string' ? offsetValue.trim() : undefined);
    let time: number;
    if (offset === 'Z') {
      time = Date.UTC(...parts, Math.min(ms, 999));
    } else if (offset !== undefined && OFFSET.test(offset)) {
      const [, sign, oh, om] = OFFSET.exec(offset)!;
      const minutes = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
      time = Date.UTC(...parts, Math.min(ms, 999)) - minutes * 60_000;
    } else {
      time = new Date(...parts, Math.min(ms, 999)).getTime();
    }
    if (Number.isFinite(time)) return new Date(time).toISOString();
  }
  return undefined;
}
