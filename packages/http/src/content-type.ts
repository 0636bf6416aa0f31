// Only what a gallery stores. SVG is deliberately absent: served from the API's
// origin it could run script, so it falls back to a download type.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  ts: 'video/mp2t',
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
};

const FALLBACK = 'application/octet-stream';

// The media types a worker serves as what they say they are, by essence (type/subtype),
// mapped to the exact header sent: ours, never the stored one with its parameters.
const EXPECTED = new Map<string, string>(
  Object.values(CONTENT_TYPES).map((type) => [essenceOf(type), type]),
);
for (const [alias, type] of [
  ['image/jpg', 'image/jpeg'],
  ['image/pjpeg', 'image/jpeg'],
  ['application/x-mpegurl', 'application/vnd.apple.mpegurl'],
  ['audio/mpegurl', 'application/vnd.apple.mpegurl'],
  ['video/quicktime', 'video/quicktime'],
  ['audio/x-m4a', 'audio/mp4'],
] as const) {
  EXPECTED.set(alias, type);
}

function essenceOf(type: string): string {
  return type.split(';')[0]!.trim().toLowerCase();
}

/**
 * The Content-Type to send for an object whose metadata says `stored` (or nothing): a
 * media type the gallery expects, else `application/octet-stream`. R2 metadata is written
 * by whoever uploaded the object (a guest's browser, a script): `text/html` or
 * `image/svg+xml` there must never make a worker's origin render a page.
 */
export function servedContentType(stored: string | null, key: string): string {
  if (stored === null || stored.trim() === '') return contentTypeFor(key);
  return EXPECTED.get(essenceOf(stored)) ?? FALLBACK;
}

/** Whether `type` is the download fallback (sent with Content-Disposition: attachment). */
export const isFallbackType = (type: string): boolean => type === FALLBACK;

/** Media type from the key's extension (case-insensitive); `application/octet-stream` if unknown. */
export function contentTypeFor(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return FALLBACK;
  return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? FALLBACK;
}
