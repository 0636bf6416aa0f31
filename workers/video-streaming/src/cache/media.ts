import { encodeKey } from '@edge-gallery/http';
import { CACHE_FORMAT, cacheKeyUrl, logCacheError } from './format.ts';

const MEDIA_CACHE = `edge-gallery-media:${CACHE_FORMAT}`;

let mediaCache: Promise<Cache> | undefined;

// Media the worker serves itself (`token` strategy) is immutable: cached for a year,
// keyed by storage key alone. The Cache API answers Range and conditional requests
// from a stored 200 by itself.
const MEDIA_MATCH_HEADERS = ['Range', 'If-Range', 'If-None-Match', 'If-Modified-Since'];

export async function matchMedia(
  request: Request,
  key: string,
  origin: string,
): Promise<Response | undefined> {
  try {
    mediaCache ??= caches.open(MEDIA_CACHE);
    const headers = new Headers();
    for (const name of MEDIA_MATCH_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const lookup = new Request(cacheKeyUrl(origin, 'media', encodeKey(key)), {
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      headers,
    });
    return await (await mediaCache).match(lookup);
  } catch (error) {
    logCacheError('media match', error);
    return undefined;
  }
}

/**
 * Bodies larger than this are streamed without a copy to the cache. `tee()` holds in
 * memory whatever one branch has read and the other has not, so a long body teed into
 * the cache can pile up in the isolate (the load bench saw workerd grow by 1.3 GB for a
 * 1 GiB original); production's Cache API refuses objects over 512 MB anyway. HLS
 * segments are a few MB.
 */
const MEDIA_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/** Stores a complete 200 answer of known, bounded size; the caller gets a twin of it to send. */
export function storeMedia(
  response: Response,
  key: string,
  origin: string,
  ctx: ExecutionContext,
  maxBytes = MEDIA_CACHE_MAX_BYTES,
): Response {
  if (response.status !== 200 || response.body === null) return response;
  const length = Number(response.headers.get('Content-Length') ?? Number.NaN);
  if (!(length <= maxBytes)) return response;
  const [toVisitor, toCache] = response.body.tee();
  const stored = new Response(toCache, response);
  ctx.waitUntil(
    (async () => {
      try {
        mediaCache ??= caches.open(MEDIA_CACHE);
        await (await mediaCache).put(cacheKeyUrl(origin, 'media', encodeKey(key)), stored);
      } catch (error) {
        logCacheError('media put', error);
      }
    })(),
  );
  return new Response(toVisitor, response);
}
