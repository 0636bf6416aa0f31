import { env } from 'cloudflare:workers';
import { createPresigner } from '@edge-gallery/r2-signer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { publishConfig } from '../test/admin.ts';
import { failing, recording, resetKv } from '../test/bindings.ts';
import { fakeS3 } from '../test/fake-s3.ts';
import { S3_CREDENTIALS, tokenFor } from '../test/tokens.ts';
import { masterUrl, seededVideo, segmentBytes, uniqueVideoId, urisOf } from '../test/video.ts';
import { testWorker, textOf } from '../test/worker.ts';
import { Failure } from './failure.ts';
import { MAX_PLAYLIST_BYTES, r2Storage, type S3Presigners, s3Storage } from './upstream.ts';

const video = seededVideo('upstream');
const location = {
  endpoint: 'https://s3.store.test',
  bucket: 'edge-gallery-media',
  region: 'auto',
  ...S3_CREDENTIALS,
};
const presigners: S3Presigners = {
  GET: createPresigner(location),
  HEAD: createPresigner({ ...location, method: 'HEAD' }),
};

beforeEach(async () => {
  await resetKv();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
});

/** The test bucket behind an S3 endpoint (answering, failing or hanging), and what it was asked. */
function s3Store(mode: 'ok' | 'error-500' | 'hang' = 'ok') {
  const requests: Request[] = [];
  const fetch = fakeS3({
    bucket: env.MEDIA,
    bucketName: location.bucket,
    credentials: S3_CREDENTIALS,
    region: 'auto',
    requests,
    mode,
  });
  return { requests, fetch };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof Failure ? error.reason : error),
  );

describe('R2 binding storage', () => {
  it('reads a playlist with its ETag, and null for a missing one', async () => {
    const storage = r2Storage(env.MEDIA);
    const source = await storage.readPlaylist(`hls/${video}/master.m3u8`);
    expect(source?.text).toMatch(/^#EXTM3U/);
    expect(source?.etag).toMatch(/^"[0-9a-f]+"$/);
    expect(await storage.readPlaylist(`hls/${video}/nope.m3u8`)).toBeNull();
  });

  it('refuses a playlist over the size bound', async () => {
    const key = `hls/${video}/big.m3u8`;
    await env.MEDIA.put(key, new Uint8Array(MAX_PLAYLIST_BYTES + 1));
    expect(await failureOf(r2Storage(env.MEDIA).readPlaylist(key))).toBe('playlist-too-large');
  });

  it('turns an R2 failure into storage-unavailable', async () => {
    const storage = r2Storage(failing(env.MEDIA));
    expect(await failureOf(storage.readPlaylist(`hls/${video}/master.m3u8`))).toBe(
      'storage-unavailable',
    );
    const media = storage.serveMedia(
      new Request('https://x.test/'),
      `hls/${video}/540p/seg0.m4s`,
      'no-store',
    );
    expect(await failureOf(media)).toBe('storage-unavailable');
  });
});

describe('S3 storage (MEDIA_STORAGE=s3)', () => {
  const s3Env = (overrides: Record<string, unknown> = {}) =>
    ({ ...env, MEDIA_STORAGE: 's3', S3_ENDPOINT: location.endpoint, ...overrides }) as Env;

  const setup = s3Store;

  it('reads playlists over the S3 API through a URL it presigns, never from the binding', async () => {
    const { requests, fetch } = setup();
    const r2Calls: string[] = [];
    const worker = testWorker({ fetch, env: s3Env({ MEDIA: recording(env.MEDIA, r2Calls) }) });
    const response = await worker.fetch(masterUrl(video, tokenFor(video)));
    expect(response.status).toBe(200);
    expect(urisOf(await textOf(response))[0]).toMatch(/^\/api\/hls\/.*540p\/index\.m3u8\?scope=/);
    const urls = requests.map((request) => new URL(request.url));
    expect(urls.map((url) => url.origin + url.pathname)).toEqual([
      `https://s3.store.test/edge-gallery-media/hls/${video}/master.m3u8`,
    ]);
    // The fake store checked the signature with aws4fetch; here: whose, and how long it lives.
    expect(urls[0]!.searchParams.get('X-Amz-Credential')).toMatch(
      /^test-access-key\/\d{8}\/auto\/s3\/aws4_request$/,
    );
    expect(urls[0]!.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(requests[0]!.headers.has('Authorization')).toBe(false);
    expect(r2Calls).toEqual([]);
    expect(response.headers.get('Server-Timing')).toMatch(/s3;dur=/);
  });

  it('presigns media for the same store', async () => {
    const { fetch } = setup();
    const response = await testWorker({ fetch, env: s3Env() }).fetch(
      `/api/hls/${video}/540p/index.m3u8?${tokenFor(video)}`,
    );
    expect(urisOf(await textOf(response))[0]).toMatch(
      new RegExp(
        `^https://s3\\.store\\.test/edge-gallery-media/hls/${video}/540p/init\\.mp4\\?X-Amz-`,
      ),
    );
  });

  it('answers unknown-video when the store has no master', async () => {
    const { fetch } = setup();
    const missing = uniqueVideoId('missing');
    const response = await testWorker({ fetch, env: s3Env() }).fetch(
      masterUrl(missing, tokenFor(missing)),
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown-video' });
  });

  describe('token-strategy media', () => {
    // Each test its own segment: a segment served once is in the Cache API from then on.
    async function tokenWorker(segment: string, mode: 'ok' | 'error-500' | 'hang' = 'ok') {
      const { requests, fetch } = setup(mode);
      const worker = testWorker({ fetch, env: s3Env() });
      await publishConfig(worker, { rollout: { presign: 0, token: 100, public: 0 } });
      return { worker, requests, url: `/api/${segment}?${tokenFor(video)}` };
    }

    it('streams the body through, keeping only representation headers', async () => {
      const segment = `hls/${video}/540p/seg0.m4s`;
      const { worker, url } = await tokenWorker(segment);
      const response = await worker.fetch(url);
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(segmentBytes(segment));
      expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('ETag')).toMatch(/^"/);
      for (const name of ['x-amz-request-id', 'x-amz-id-2', 'Set-Cookie', 'Server', 'Connection']) {
        expect(response.headers.has(name), name).toBe(false);
      }
    });

    it('passes Range and conditional requests to the store', async () => {
      const segment = `hls/${video}/540p/seg1.m4s`;
      const { worker, url, requests } = await tokenWorker(segment);
      const partial = await worker.fetch(url, { headers: { Range: 'bytes=-4' } });
      expect(partial.status).toBe(206);
      expect(new Uint8Array(await partial.arrayBuffer())).toEqual(segmentBytes(segment).slice(-4));
      expect(requests.at(-1)!.headers.get('Range')).toBe('bytes=-4');
      const etag = partial.headers.get('ETag')!;
      const notModified = await worker.fetch(url, { headers: { 'If-None-Match': etag } });
      expect(notModified.status).toBe(304);
    });

    it('reads a HEAD with a URL presigned for HEAD (the store checks the signed method)', async () => {
      const segment = `hls/${video}/240p/seg0.m4s`;
      const { worker, url, requests } = await tokenWorker(segment);
      const response = await worker.fetch(url, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Length')).toBe(String(segmentBytes(segment).length));
      expect(requests.at(-1)!.method).toBe('HEAD');
    });

    it('makes exactly one attempt when the store fails, and answers 502', async () => {
      const { worker, url, requests } = await tokenWorker(
        `hls/${video}/540p/seg2.m4s`,
        'error-500',
      );
      const response = await worker.fetch(url);
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ error: 'upstream-error' });
      expect(requests).toHaveLength(1);
    });
  });
});

describe('S3 timeouts', () => {
  const timeouts = { playlistMs: 10_000, mediaHeadersMs: 15_000 };

  /** A store that never answers, and what it was asked. */
  function hangingStore() {
    const { requests, fetch } = s3Store('hang');
    return { requests, storage: s3Storage(presigners, fetch, timeouts) };
  }

  it('gives up on a playlist after its one timeout, without a retry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { requests, storage } = hangingStore();
    const outcome = failureOf(storage.readPlaylist(`hls/${video}/master.m3u8`));
    await vi.advanceTimersByTimeAsync(timeouts.playlistMs - 1);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('upstream-timeout');
    expect(requests).toHaveLength(1);
  });

  it('gives up on media whose headers do not come in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { requests, storage } = hangingStore();
    const outcome = failureOf(
      storage.serveMedia(new Request('https://x.test/'), `hls/${video}/540p/seg0.m4s`, 'x'),
    );
    await vi.advanceTimersByTimeAsync(timeouts.mediaHeadersMs);
    expect(await outcome).toBe('upstream-timeout');
    expect(requests).toHaveLength(1);
  });

  it('never cuts a media body once its headers arrived, however long it takes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = controller;
      },
    });
    const slowStore: typeof fetch = async () => new Response(body, { status: 200 });
    const storage = s3Storage(presigners, slowStore, timeouts);
    const response = await storage.serveMedia(
      new Request('https://x.test/'),
      `hls/${video}/a.m4s`,
      'x',
    );
    const read = response.arrayBuffer();
    push.enqueue(new Uint8Array([1, 2]));
    await vi.advanceTimersByTimeAsync(10 * timeouts.mediaHeadersMs);
    push.enqueue(new Uint8Array([3]));
    push.close();
    expect(new Uint8Array(await read)).toEqual(new Uint8Array([1, 2, 3]));
  });
});
