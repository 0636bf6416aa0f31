// A two-variant HLS video in the real local R2 bucket, and the playlists and URLs of it.
import { env } from 'cloudflare:workers';
import { beforeAll } from 'vitest';

let counter = 0;
/** A video id no other test uses, so that no test sees another's cache entries. */
export function uniqueVideoId(label = 'video'): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export const masterUrl = (videoId: string, token: string) =>
  `/api/hls/playlist?key=${videoId}&${token}`;

export const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-STREAM-INF:BANDWIDTH=712800,RESOLUTION=960x540,CODECS="avc1.4d401f,mp4a.40.2"
540p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=250800,RESOLUTION=426x240,CODECS="avc1.4d4015,mp4a.40.2"
240p/index.m3u8
`;

export function variantPlaylist(segments: number): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  for (let i = 0; i < segments; i++) lines.push('#EXTINF:2.000000,', `seg${i}.m4s`);
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** The bytes of a (fake) segment: distinct per key, so a wrong answer cannot pass. */
export const segmentBytes = (key: string) =>
  new TextEncoder().encode(`segment bytes of ${key}\n`.repeat(8));

/** A two-variant video in the local bucket: master, variant playlists, init and segments. */
export async function seedVideo(videoId: string, segments = 3): Promise<void> {
  const put = (key: string, body: string | Uint8Array) =>
    env.MEDIA.put(`hls/${videoId}/${key}`, body);
  await put('master.m3u8', MASTER);
  for (const variant of ['540p', '240p']) {
    await put(`${variant}/index.m3u8`, variantPlaylist(segments));
    await put(`${variant}/init.mp4`, segmentBytes(`hls/${videoId}/${variant}/init.mp4`));
    for (let i = 0; i < segments; i++) {
      const key = `hls/${videoId}/${variant}/seg${i}.m4s`;
      await put(`${variant}/seg${i}.m4s`, segmentBytes(key));
    }
  }
}

/** A video seeded once for the file (before its first test), under an id of its own. */
export function seededVideo(label: string, segments = 3): string {
  const videoId = uniqueVideoId(label);
  beforeAll(() => seedVideo(videoId, segments));
  return videoId;
}

/** The URIs of a playlist: URI lines and URI="..." attributes, in order. */
export function urisOf(playlist: string): string[] {
  const uris: string[] = [];
  for (const raw of playlist.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) uris.push(line);
    for (const match of line.matchAll(/URI="([^"]*)"/g)) uris.push(match[1]!);
  }
  return uris;
}
