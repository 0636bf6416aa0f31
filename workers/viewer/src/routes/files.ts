import { checkObjectKey, jsonError, serveObject } from '@edge-gallery/http';
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../env.ts';

// A private gallery: no shared cache may keep a copy (`private`). Originals are revalidated
// on every view (`no-cache` + ETag → a 304 costs a round trip but never leaves a signed-out
// browser a way around the session). A thumbnail URL carrying the current
// `?v=<thumbnail_version>` names fixed bytes (a bump changes every URL), so the browser may
// keep it for good; any other `v` (a guess at a future version) is only revalidated.
const ORIGINAL_CACHE = 'private, no-cache';
const VERSIONED_THUMBNAIL_CACHE = 'private, max-age=31536000, immutable';
const UNVERSIONED_THUMBNAIL_CACHE = 'private, no-cache';

export const files = new Hono<AppEnv>()
  .get('/file/*', (c) => serve(c, '/api/file/', 'originals/', ORIGINAL_CACHE))
  .get('/thumbnail/*', (c) =>
    serve(
      c,
      '/api/thumbnail/',
      'thumbnails/',
      c.req.query('v') === String(c.var.versions.thumbnailVersion)
        ? VERSIONED_THUMBNAIL_CACHE
        : UNVERSIONED_THUMBNAIL_CACHE,
    ),
  );

function serve(c: Context<AppEnv>, route: string, prefix: string, cacheControl: string) {
  // The raw path, decoded exactly once here: Hono's own decoding of c.req.path would make
  // a second decodeURIComponent turn '%252F' into '/'.
  const { pathname } = new URL(c.req.url);
  if (!pathname.startsWith(route)) return jsonError(400, 'bad-key');
  let key: string;
  try {
    key = decodeURIComponent(pathname.slice(route.length));
  } catch {
    return jsonError(400, 'bad-key');
  }
  const problem = checkObjectKey(key, prefix);
  if (problem !== undefined) return jsonError(400, problem);
  return serveObject(c.req.raw, c.env.MEDIA, key, { cacheControl });
}
