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

/** Media type from the key's extension (case-insensitive); `application/octet-stream` if unknown. */
export function contentTypeFor(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return FALLBACK;
  return CONTENT_TYPES[name.slice(dot + 1).toLowerCase()] ?? FALLBACK;
}
