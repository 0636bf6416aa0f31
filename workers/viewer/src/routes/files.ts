import { checkObjectKey, jsonError, serveObject } from '@edge-gallery/http';
import { type Context, Hono } from 'hono';
import { attachment } from '../disposition.ts';
import type { AppEnv } from '../env.ts';

// A private gallery: no shared cache may keep a copy (`private`). Originals are revalidated
// on every view (`no-cache` + ETag → a 304 costs a round trip but never leaves a signed-out
// browser a way around the session). A thumbnail URL carrying the current
// `?v=<thumbnail_version>` names fixed bytes (a bump changes every URL), so the browser may
// keep it for good; any other `v` (a guess at a future version) is only revalidated.
const ORIGINAL_CACHE = 'private, no-cache';
const VERSIONED_THUMBNAIL_CACHE = 'private, max-age=31536000, immutable';
const UNVERSIONED_THUMBNAIL_CACHE = 'private, no-cache';

/** The title a download is named after (served by the media_original_key index). */
export const TITLE_BY_ORIGINAL_KEY = 'SELECT title FROM media WHERE original_key = ? LIMIT 1';

/**
 * What `/api/file/` serves: originals and the display renditions made from them. Never
 * `uploads/` (guest uploads the owner has not approved) nor `hls/` (the video worker's).
 */
const FILE_PREFIXES = ['originals/', 'previews/', 'motion/'] as const;

export const files = new Hono<AppEnv>()
  .get('/file/*', async (c) => {
    const key = objectKey(c, '/api/file/', FILE_PREFIXES);
    if (key instanceof Response) return key;
    // `?download=1` saves the original instead of showing it: the SPA is on another origin,
    // where browsers ignore `<a download>`. Absent → inline; any other value is a 400
    // rather than a silent inline answer. The URL differs, so caches keep the two apart.
    const download = c.req.queries('download');
    if (download === undefined) {
      return serveObject(c.req.raw, c.env.MEDIA, key, { cacheControl: ORIGINAL_CACHE });
    }
    if (!download.every((value) => value === '1')) return jsonError(400, 'bad-download');
    const row = await c.env.DB.prepare(TITLE_BY_ORIGINAL_KEY)
      .bind(key)
      .first<{ title: string | null }>();
    return serveObject(c.req.raw, c.env.MEDIA, key, {
      cacheControl: ORIGINAL_CACHE,
      headers: { 'Content-Disposition': attachment(row?.title ?? null, key) },
    });
  })
  .get('/thumbnail/*', (c) => {
    const key = objectKey(c, '/api/thumbnail/', ['thumbnails/']);
    if (key instanceof Response) return key;
    const cacheControl =
      c.req.query('v') === String(c.var.versions.thumbnailVersion)
        ? VERSIONED_THUMBNAIL_CACHE
        : UNVERSIONED_THUMBNAIL_CACHE;
    return serveObject(c.req.raw, c.env.MEDIA, key, { cacheControl });
  });

/** The storage key after `route`, checked to lie under one of `prefixes`; else the 400 answer. */
function objectKey(
  c: Context<AppEnv>,
  route: string,
  prefixes: readonly [string, ...string[]],
): string | Response {
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
  const prefix = prefixes.find((candidate) => key.startsWith(candidate)) ?? prefixes[0];
  const problem = checkObjectKey(key, prefix);
  return problem === undefined ? key : jsonError(400, problem);
}
