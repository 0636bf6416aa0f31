import { checkObjectKey, encodeKey } from '@edge-gallery/http';
import { isVideoId, playbackScope } from '@edge-gallery/r2-signer';
import { Failure } from './failure.ts';

// The mapping between this worker's URLs and storage keys, both ways:
//
//   /api/hls/playlist?key=<videoId>   ↔  hls/<videoId>/master.m3u8
//   /api/hls/<videoId>/<path>         ↔  hls/<videoId>/<path>
//
// so the URL path of any key is '/api/' + the key, each segment percent-encoded.

/** A storage key and the playback-token scope (`hls/<videoId>/`) it lies in. */
export type ObjectPath = { key: string; scope: string };

export function masterPath(videoIds: readonly string[]): ObjectPath {
  const [videoId] = videoIds;
  if (videoIds.length !== 1 || videoId === undefined || !isVideoId(videoId)) {
    throw new Failure('bad-video-id');
  }
  const scope = playbackScope(videoId);
  return { key: `${scope}master.m3u8`, scope };
}

/** The key a `/api/hls/<videoId>/<path>` URL names; throws a 400 Failure for anything unsafe. */
export function objectPath(pathname: string): ObjectPath {
  const raw = pathname.slice('/api/'.length);
  // An encoded '/' or '\' would turn one URL segment into two key segments.
  if (/%(?:2f|5c)/i.test(raw)) throw new Failure('encoded-separator');
  let key: string;
  try {
    key = decodeURIComponent(raw);
  } catch {
    throw new Failure('malformed');
  }
  const slash = key.indexOf('/', 'hls/'.length);
  const videoId = key.slice('hls/'.length, slash);
  if (!key.startsWith('hls/') || slash === -1 || !isVideoId(videoId)) {
    throw new Failure('bad-video-id');
  }
  const scope = playbackScope(videoId);
  const problem = checkObjectKey(key, scope);
  if (problem !== undefined) throw new Failure(problem);
  if (key.length === scope.length) throw new Failure('bad-path');
  return { key, scope };
}

/** The URL path this worker serves `key` at (root-relative, so it works on any host). */
export function urlPathOf(key: string): string {
  return `/api/${encodeKey(key)}`;
}

/** Playlists are rewritten; every other object is media. */
export function isPlaylistKey(key: string): boolean {
  return /\.m3u8?$/i.test(key);
}

/**
 * The seek-preview storyboard (`hls/<videoId>/storyboard.vtt|jpg`, written by `gallery
 * import`). The page reads it with script (fetch, canvas), so it must not come through a
 * cross-origin redirect: after one, the browser sends `Origin: null`, which the bucket's
 * CORS origin list refuses. Small and read once per playback, the worker serves it itself.
 */
export function isStoryboardKey(key: string): boolean {
  return /\/storyboard\.(vtt|jpg|webp)$/.test(key);
}
