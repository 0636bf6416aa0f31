import { jsonError, serveObject } from '@edge-gallery/http';
import type { Presigner } from '@edge-gallery/r2-signer';
import { Failure } from './failure.ts';

// Where playlists and worker-served media come from: the R2 binding (default), or any
// S3-compatible store over its HTTP API (MEDIA_STORAGE=s3, S3_ENDPOINT names it), read
// through URLs the worker presigns with its own signer: the store's address (path or
// virtual-hosted) and the SigV4 steps live in @edge-gallery/r2-signer alone.
//
// Every upstream read is one attempt: a retry would double the load on a store that is
// already failing, and the player retries on its own. A playlist read has one timeout
// covering headers and body; a media read has a timeout until its headers arrive and
// none after, so that a long download is never cut.

export type PlaylistSource = { text: string; etag: string };

export type Storage = {
  /** Names the metric in Server-Timing. */
  readonly kind: 'r2' | 's3';
  /** The playlist text, or null when there is no such object. Throws Failure when the store fails. */
  readPlaylist(key: string): Promise<PlaylistSource | null>;
  /** A media answer (200/206/304/404/416) with the body streamed through untouched. */
  serveMedia(request: Request, key: string, cacheControl: string): Promise<Response>;
};

/** Playlists are text a few hundred KiB long at most; anything bigger is not one of ours. */
export const MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;

const RETRY_SOON = { 'Retry-After': '1' };

export function r2Storage(bucket: R2Bucket): Storage {
  return {
    kind: 'r2',
    async readPlaylist(key) {
      let object: R2ObjectBody | null;
      try {
        object = await bucket.get(key);
      } catch (error) {
        throw storageFailure(error);
      }
      if (object === null) return null;
      if (object.size > MAX_PLAYLIST_BYTES) {
        await object.body.cancel();
        throw new Failure('playlist-too-large');
      }
      try {
        return { text: await object.text(), etag: object.httpEtag };
      } catch (error) {
        throw storageFailure(error);
      }
    },
    async serveMedia(request, key, cacheControl) {
      try {
        return await serveObject(request, bucket, key, { cacheControl });
      } catch (error) {
        throw storageFailure(error);
      }
    },
  };
}

function storageFailure(error: unknown): Failure {
  console.error('video-streaming: R2 failed', error instanceof Error ? error.message : error);
  return new Failure('storage-unavailable', RETRY_SOON);
}

/** Presigners for the store, one per method: the method is part of what is signed. */
export type S3Presigners = { GET: Presigner; HEAD: Presigner };

// A read presigned now and sent at once: a minute covers a store's clock skew.
const READ_URL_SECONDS = 60;

// Headers a media answer keeps from the store: representation and validators only, so
// no hop-by-hop field, x-amz-* detail or Set-Cookie ever reaches a visitor.
const PASSED_HEADERS = [
  'Content-Type',
  'Content-Length',
  'Content-Range',
  'Content-Encoding',
  'Accept-Ranges',
  'ETag',
  'Last-Modified',
];
const FORWARDED_HEADERS = ['Range', 'If-Range', 'If-None-Match', 'If-Modified-Since'];

export type Timeouts = { playlistMs: number; mediaHeadersMs: number };

const TIMEOUTS: Timeouts = { playlistMs: 10_000, mediaHeadersMs: 15_000 };

export function s3Storage(
  presigners: S3Presigners,
  fetcher: typeof fetch = fetch,
  timeouts: Timeouts = TIMEOUTS,
): Storage {
  async function send(
    method: 'GET' | 'HEAD',
    key: string,
    headers: Headers,
    signal: AbortSignal,
  ): Promise<Response> {
    // Keys reach here checked (paths.ts), so presigning cannot refuse them.
    const url = presigners[method].presign(key, { expiresIn: READ_URL_SECONDS });
    try {
      return await fetcher(url, { method, headers, signal });
    } catch (error) {
      if (signal.aborted) throw new Failure('upstream-timeout', RETRY_SOON);
      console.error('video-streaming: S3 failed', error instanceof Error ? error.message : error);
      throw new Failure('upstream-error', RETRY_SOON);
    }
  }

  return {
    kind: 's3',
    readPlaylist: (key) =>
      // One deadline for headers and body: a playlist is small.
      withDeadline(timeouts.playlistMs, async (signal) => {
        const response = await send('GET', key, new Headers(), signal);
        if (response.status === 404) {
          await response.body?.cancel();
          return null;
        }
        if (!response.ok) {
          await response.body?.cancel();
          console.error(`video-streaming: S3 answered ${response.status} for a playlist`);
          throw new Failure('upstream-error', RETRY_SOON);
        }
        if (Number(response.headers.get('Content-Length') ?? 0) > MAX_PLAYLIST_BYTES) {
          await response.body?.cancel();
          throw new Failure('playlist-too-large');
        }
        try {
          return { text: await response.text(), etag: response.headers.get('ETag') ?? '' };
        } catch {
          throw new Failure(signal.aborted ? 'upstream-timeout' : 'upstream-error', RETRY_SOON);
        }
      }),

    async serveMedia(request, key, cacheControl) {
      const method = request.method;
      if (method !== 'GET' && method !== 'HEAD') {
        return jsonError(405, 'method-not-allowed', { Allow: 'GET, HEAD' });
      }
      const headers = new Headers();
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers.get(name);
        if (value !== null) headers.set(name, value);
      }
      // The deadline ends when the headers arrive: the body may take as long as it takes.
      const response = await withDeadline(timeouts.mediaHeadersMs, (signal) =>
        send(method, key, headers, signal),
      );
      if (response.status === 404) {
        await response.body?.cancel();
        return jsonError(404, 'not-found');
      }
      if (![200, 206, 304, 416].includes(response.status)) {
        await response.body?.cancel();
        console.error(`video-streaming: S3 answered ${response.status} for media`);
        throw new Failure('upstream-error', RETRY_SOON);
      }
      const out = new Headers();
      for (const name of PASSED_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) out.set(name, value);
      }
      if (response.status !== 416) out.set('Cache-Control', cacheControl);
      out.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, {
        status: response.status,
        headers: out,
        // The store's bytes go out as they are, even when they carry a Content-Encoding.
        ...(out.has('Content-Encoding') && { encodeBody: 'manual' as const }),
      });
    },
  };
}

async function withDeadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
