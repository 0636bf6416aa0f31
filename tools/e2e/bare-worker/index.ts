// The memory baseline of `pnpm bench` (src/bare-worker.ts), run by `wrangler dev` over the
// stack's local state beside each worker of the stack: each request of the mixed load makes
// the binding calls it makes in the worker that answers it — and a listing page does the
// viewer's whole work, by the viewer's own functions, without its Hono app around them. What
// workerd grows while this answers is the local runtime's (wrangler's proxy, the
// R2/D1/KV/Cache simulators) and that work's, not the apps'. One route per kind of work:
//
//   /r2/<key>      R2 get → body (a thumbnail through dev S3; the 1 GiB stream)
//   /api/media?…   a guest's listing page, made by the viewer's own functions (below); only
//                  beside the viewer, under the viewer's wrangler config (src/bare-worker.ts)
//   /cached/<key>  a worker-served segment as the video worker serves it: Cache API match;
//                  on a miss R2 get, the body teed into a Cache API put
//   /memo/<key>    a playlist as the video worker serves it: from the isolate's memory, read
//                  again once per 300 s window (R2 get, Cache API put) as its templates are
import { boundedBindings } from '@edge-gallery/viewer/bindings';
import { type AppEnv, loadConfig } from '@edge-gallery/viewer/env';
import { listMedia } from '@edge-gallery/viewer/routes/media';
import { requireSession } from '@edge-gallery/viewer/session';
import { Context, type MiddlewareHandler } from 'hono';

// Cache names and keys of its own: the video worker's entries are never touched.
const CACHE_ORIGIN = 'http://bench-bare.local';
const WINDOW_MS = 300_000;
const memo = new Map<string, { window: number; bytes: ArrayBuffer }>();

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const [, route, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (route === 'r2') return r2(env, key, request.headers);
    if (url.pathname === '/api/media') return listing(request, env, ctx);
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

/**
 * A guest's listing page as the viewer answers GET /api/media: its own middleware of that
 * path, in its order — bounded bindings, the validated config and S3 settings, the session
 * (HMAC-signed cookie; the versions from the isolate's KV memo) — then its route (cursor,
 * D1 query, presigned URLs for every item's objects, playback tokens, the JSON). What is left
 * out is Hono's app around them: routing, the security headers, CORS, Server-Timing, the
 * error mapping (and the local fault switch, which never reaches a bare worker).
 */
async function listing(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const c = new Context<AppEnv>(request, { env, executionCtx: ctx });
  let response: Response | undefined;
  const then = (middleware: MiddlewareHandler<AppEnv>, next: () => Promise<void>) => async () => {
    // A middleware that answers itself (401) returns its response instead of calling next.
    const answered = await middleware(c, next);
    if (answered instanceof Response) response = answered;
  };
  await then(
    boundedBindings,
    then(
      loadConfig,
      then(requireSession, async () => {
        response = await listMedia(c);
      }),
    ),
  )();
  return response ?? new Response('no answer', { status: 500 });
}

async function cached(env: Env, ctx: ExecutionContext, key: string): Promise<Response> {
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

async function memoised(env: Env, ctx: ExecutionContext, key: string): Promise<Response> {
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
