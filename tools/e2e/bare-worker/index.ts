// The memory baseline of `pnpm bench` (src/bare-worker.ts): the least a worker can do to
// make the binding calls the gallery's workers make, run by `wrangler dev` over the stack's
// local state. What workerd grows while this answers is the local runtime's (wrangler's
// proxy, the R2/D1/Cache simulators), not the gallery's. One route per kind of work:
//
//   /r2/<key>      R2 get → body (a thumbnail through dev S3; the 1 GiB stream)
//   /d1/media?…    the viewer's listing: its cursor check and its very query on the local D1
//   /cached/<key>  a worker-served segment as the video worker serves it: Cache API match;
//                  on a miss R2 get, the body teed into a Cache API put
//   /memo/<key>    a playlist as the video worker serves it: from the isolate's memory, read
//                  again once per 300 s window (R2 get, Cache API put) as its templates are
import { decodeCursor, type Position } from '@edge-gallery/viewer/cursor';
import { listingQuery } from '@edge-gallery/viewer/listing-query';

type Bucket = {
  get(
    key: string,
    options?: { range?: Headers },
  ): Promise<{ body: ReadableStream; size: number } | null>;
};
type Database = {
  prepare(sql: string): {
    bind(...params: (string | number)[]): { all(): Promise<{ results: unknown[] }> };
  };
};
type Env = { MEDIA: Bucket; DB: Database; AUTH_SECRET?: string };
type Context = { waitUntil(promise: Promise<unknown>): void };

// Cache names and keys of its own: the video worker's entries are never touched.
const CACHE_ORIGIN = 'http://bench-bare.local';
const WINDOW_MS = 300_000;
const memo = new Map<string, { window: number; bytes: ArrayBuffer }>();

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    const url = new URL(request.url);
    const [, route, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (route === 'r2') return r2(env, key, request.headers);
    if (route === 'd1') return listing(env, url.searchParams);
    if (route === 'cached') return cached(env, ctx, key);
    if (route === 'memo') return memoised(env, ctx, key);
    return new Response('no such route', { status: 404 });
  },
};

async function r2(env: Env, key: string, headers: Headers): Promise<Response> {
  // `bytes=0-` as the bench asks it: R2 reads the range itself, as the video worker's does.
  const ranged = headers.has('Range');
  const object = await env.MEDIA.get(key, ranged ? { range: headers } : {});
  if (object === null) return new Response('not found', { status: 404 });
  return new Response(object.body, { status: ranged ? 206 : 200 });
}

async function listing(env: Env, query: URLSearchParams): Promise<Response> {
  const cursor = query.get('cursor');
  let after: Position | undefined;
  if (cursor) {
    // The viewer's cursor, checked as the viewer checks it (same AUTH_SECRET, --env-file).
    after = await decodeCursor(env.AUTH_SECRET ?? '', cursor);
    if (after === undefined) return new Response('bad cursor', { status: 400 });
  }
  const limit = Number(query.get('limit') ?? 60);
  const kind =
    query.get('kind') === 'image' || query.get('kind') === 'video' ? query.get('kind') : undefined;
  const { sql, params } = listingQuery({
    kind: kind as 'image' | 'video' | undefined,
    after,
    limit,
  });
  const { results } = await env.DB.prepare(sql)
    .bind(...params)
    .all();
  return Response.json({ rows: results.length, results });
}

async function cached(env: Env, ctx: Context, key: string): Promise<Response> {
  const cache = await caches.open('bench-bare-media');
  const cacheKey = `${CACHE_ORIGIN}/_cache/media/${encodeURIComponent(key)}`;
  const hit = await cache.match(cacheKey);
  if (hit !== undefined) return hit;
  const object = await env.MEDIA.get(key);
  if (object === null) return new Response('not found', { status: 404 });
  const headers = {
    'Cache-Control': 'public, max-age=31536000, immutable',
    'Content-Length': String(object.size),
  };
  const [toVisitor, toCache] = object.body.tee();
  ctx.waitUntil(cache.put(cacheKey, new Response(toCache, { headers })));
  return new Response(toVisitor, { headers });
}

async function memoised(env: Env, ctx: Context, key: string): Promise<Response> {
  const window = Math.floor(Date.now() / WINDOW_MS);
  const kept = memo.get(key);
  if (kept?.window === window) return new Response(kept.bytes);
  // The next tier, as the video worker's: the Cache API, then R2 (and a put) on a miss.
  const cache = await caches.open('bench-bare-playlists');
  const cacheKey = `${CACHE_ORIGIN}/_cache/playlist/${window}/${encodeURIComponent(key)}`;
  let bytes = await (await cache.match(cacheKey))?.arrayBuffer();
  if (bytes === undefined) {
    const object = await env.MEDIA.get(key);
    if (object === null) return new Response('not found', { status: 404 });
    bytes = await new Response(object.body).arrayBuffer();
    const headers = { 'Cache-Control': `max-age=${WINDOW_MS / 1000}` };
    ctx.waitUntil(cache.put(cacheKey, new Response(bytes.slice(0), { headers })));
  }
  memo.set(key, { window, bytes });
  return new Response(bytes);
}
