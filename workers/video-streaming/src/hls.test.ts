import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { ALL_STRATEGIES, BUCKET, publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { tokenFor, verifyPresigned, verifyTokenUri } from '../test/tokens.ts';
import {
  MASTER,
  masterUrl,
  seededVideo,
  segmentBytes,
  uniqueVideoId,
  urisOf,
  variantPlaylist,
} from '../test/video.ts';
import { T0, type TestWorker, testWorker, textOf } from '../test/worker.ts';

const WINDOW = 300;
const TTL = 3600;
const video = seededVideo('hls', 4);

beforeEach(async () => {
  await resetKv();
});

/** A worker whose published config deals out all three strategies by bucket. */
async function workerWithAllStrategies(start = T0) {
  const worker = testWorker({ start });
  await publishConfig(worker, ALL_STRATEGIES);
  return worker;
}

describe('master playlist', () => {
  it.each(Object.entries(BUCKET))(
    'points every variant back at this worker with the visitor token (%s)',
    async (_strategy, bucket) => {
      const worker = await workerWithAllStrategies();
      const token = tokenFor(video, { bucket });
      const response = await worker.fetch(masterUrl(video, token));
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
      const uris = urisOf(await textOf(response));
      expect(uris).toEqual([
        `/api/hls/${video}/540p/index.m3u8?${token}`,
        `/api/hls/${video}/240p/index.m3u8?${token}`,
      ]);
      for (const uri of uris) {
        const { key, verdict } = verifyTokenUri(uri, T0);
        expect(verdict.ok, key).toBe(true);
      }
    },
  );

  it('keeps every line but the URIs byte for byte', async () => {
    const response = await testWorker().fetch(masterUrl(video, tokenFor(video)));
    const lines = (await textOf(response)).split('\n');
    const source = MASTER.split('\n');
    expect(lines).toHaveLength(source.length);
    lines.forEach((line, i) => {
      if (!source[i]!.endsWith('.m3u8')) expect(line).toBe(source[i]);
    });
  });

  it('is private and kept no longer than the token in it lives', async () => {
    const expiresAt = T0 / 1000 + 1234;
    const response = await testWorker().fetch(masterUrl(video, tokenFor(video, { expiresAt })));
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=1234');
  });

  it('answers 404 unknown-video when the video has no master playlist', async () => {
    const missing = uniqueVideoId('missing');
    const response = await testWorker().fetch(masterUrl(missing, tokenFor(missing)));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'unknown-video' });
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const worker = testWorker();
    const url = masterUrl(video, tokenFor(video));
    const get = await worker.fetch(url);
    const head = await worker.fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('ETag')).toBe(get.headers.get('ETag'));
    expect(head.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
    expect(await head.text()).toBe('');
  });

  it('answers 304 to If-None-Match with its ETag', async () => {
    const worker = testWorker();
    const url = masterUrl(video, tokenFor(video));
    const etag = (await worker.fetch(url)).headers.get('ETag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await worker.fetch(url, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
  });

  it('serves byte ranges of the playlist', async () => {
    const worker = testWorker();
    const url = masterUrl(video, tokenFor(video));
    const full = await textOf(await worker.fetch(url));
    const part = await worker.fetch(url, { headers: { Range: 'bytes=0-6' } });
    expect(part.status).toBe(206);
    expect(await textOf(part)).toBe('#EXTM3U');
    expect(part.headers.get('Content-Range')).toBe(`bytes 0-6/${full.length}`);
    const beyond = await worker.fetch(url, { headers: { Range: `bytes=${full.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('Content-Range')).toBe(`bytes */${full.length}`);
  });
});

describe('variant playlist, presign strategy', () => {
  const variantUrl = (token: string) => `/api/hls/${video}/540p/index.m3u8?${token}`;

  it('presigns every media URI so that the signer verifies it for its own key', async () => {
    const response = await testWorker().fetch(variantUrl(tokenFor(video)));
    expect(response.status).toBe(200);
    const uris = urisOf(await textOf(response));
    expect(uris).toHaveLength(5); // init + 4 segments
    const keys = uris.map((uri) => {
      const verdict = verifyPresigned(uri, T0);
      if (!verdict.ok) throw new Error(`${uri}: ${verdict.reason}`);
      expect(verdict.bucket).toBe('edge-gallery-media');
      return verdict.key;
    });
    expect(keys).toEqual([
      `hls/${video}/540p/init.mp4`,
      ...[0, 1, 2, 3].map((i) => `hls/${video}/540p/seg${i}.m4s`),
    ]);
  });

  it('signs one batch at the window start, valid until window end + TTL', async () => {
    const now = T0 + 123_456; // inside the window starting at T0
    const response = await testWorker({ start: now }).fetch(variantUrl(tokenFor(video)));
    const uris = urisOf(await textOf(response));
    const dates = new Set(uris.map((uri) => new URL(uri).searchParams.get('X-Amz-Date')));
    expect([...dates]).toEqual(['20300101T000000Z']);
    for (const uri of uris) {
      const verdict = verifyPresigned(uri, now);
      expect(verdict.ok && verdict.expiresAt).toBe(T0 / 1000 + WINDOW + TTL);
    }
  });

  it('gives every visitor in the same window the same bytes and ETag', async () => {
    const worker = testWorker({ start: T0 + 10_000 });
    const first = await worker.fetch(variantUrl(tokenFor(video, { bucket: 3 })));
    worker.clock.now = T0 + 250_000;
    const second = await testWorker({ start: T0 + 250_000 }).fetch(
      variantUrl(tokenFor(video, { bucket: 7, expiresAt: T0 / 1000 + 80_000 })),
    );
    expect(await textOf(second)).toBe(await textOf(first));
    expect(second.headers.get('ETag')).toBe(first.headers.get('ETag'));
  });

  it('signs again for the next window', async () => {
    const worker = testWorker();
    const token = tokenFor(video, { expiresAt: T0 / 1000 + 10_000 });
    const first = urisOf(await textOf(await worker.fetch(variantUrl(token))));
    worker.clock.now = T0 + WINDOW * 1000;
    const second = urisOf(await textOf(await worker.fetch(variantUrl(token))));
    expect(new URL(second[0]!).searchParams.get('X-Amz-Date')).toBe('20300101T000500Z');
    expect(second[0]).not.toBe(first[0]);
  });

  it('never lets Cache-Control outlive the presigned URLs', async () => {
    for (const offset of [0, 1, 150, WINDOW - 1]) {
      const now = T0 + offset * 1000;
      const response = await testWorker({ start: now }).fetch(
        variantUrl(tokenFor(video, { expiresAt: T0 / 1000 + 86_400 })),
      );
      const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('Cache-Control')!)![1]);
      expect(maxAge).toBe(WINDOW + TTL - offset);
      const uri = urisOf(await textOf(response))[1]!;
      // Valid through the last second a cached copy may be used, expired right after.
      expect(verifyPresigned(uri, now + (maxAge - 1) * 1000).ok).toBe(true);
      expect(verifyPresigned(uri, now + maxAge * 1000)).toEqual({ ok: false, reason: 'expired' });
    }
  });

  it('uses the configured TTL and window', async () => {
    const worker = testWorker();
    await publishConfig(worker, { presignTtlSeconds: 600, playlistWindowSeconds: 60 });
    worker.clock.now = T0 + 90_000; // window [T0+60 s, T0+120 s)
    const response = await worker.fetch(variantUrl(tokenFor(video)));
    const uri = urisOf(await textOf(response))[0]!;
    const verdict = verifyPresigned(uri, worker.clock.now);
    expect(verdict.ok && verdict.expiresAt).toBe(T0 / 1000 + 120 + 600);
    expect(response.headers.get('Cache-Control')).toBe(`private, max-age=${120 + 600 - 90}`);
  });
});

/**
 * The media URIs of the 540p variant as `worker` serves it to `token`: each one back at this
 * worker with the same token (checked), and the storage key it names.
 */
async function mediaThroughWorker(worker: TestWorker, token: string) {
  const response = await worker.fetch(`/api/hls/${video}/540p/index.m3u8?${token}`);
  const uris = urisOf(await textOf(response));
  expect(uris[0]).toBe(`/api/hls/${video}/540p/init.mp4?${token}`);
  return uris.map((uri) => {
    const { key, verdict } = verifyTokenUri(uri, T0);
    expect(verdict.ok, key).toBe(true);
    return { uri, key };
  });
}

describe('variant playlist, token strategy', () => {
  it('points media back at this worker with the token, and those URIs verify and play', async () => {
    const worker = await workerWithAllStrategies();
    const token = tokenFor(video, { bucket: BUCKET.token });
    for (const { uri, key } of await mediaThroughWorker(worker, token)) {
      const media = await worker.fetch(uri);
      expect(media.status).toBe(200);
      expect(new Uint8Array(await media.arrayBuffer())).toEqual(segmentBytes(key));
    }
  });

  it('is kept no longer than the token in its URIs', async () => {
    const worker = await workerWithAllStrategies();
    const token = tokenFor(video, { bucket: BUCKET.token, expiresAt: T0 / 1000 + 77 });
    const response = await worker.fetch(`/api/hls/${video}/540p/index.m3u8?${token}`);
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=77');
  });
});

describe('variant playlist and media, redirect strategy (the bench baseline)', () => {
  it('points media back at this worker, and each media URI answers 302 to a presigned URL', async () => {
    const worker = testWorker();
    await publishConfig(worker, { rollout: { presign: 0, token: 0, public: 0, redirect: 100 } });
    const token = tokenFor(video);
    for (const { uri, key } of await mediaThroughWorker(worker, token)) {
      const media = await worker.fetch(uri);
      expect(media.status).toBe(302);
      expect(verifyPresigned(media.headers.get('Location')!, T0)).toMatchObject({ ok: true, key });
    }
  });
});

describe('variant playlist, public strategy', () => {
  it('points media at the public base, with no signature', async () => {
    const worker = await workerWithAllStrategies();
    const token = tokenFor(video, { bucket: BUCKET.public });
    const response = await worker.fetch(`/api/hls/${video}/240p/index.m3u8?${token}`);
    expect(urisOf(await textOf(response))).toEqual([
      `https://media.example.com/hls/${video}/240p/init.mp4`,
      ...[0, 1, 2, 3].map((i) => `https://media.example.com/hls/${video}/240p/seg${i}.m4s`),
    ]);
  });
});

describe('media, presign strategy (the fallback)', () => {
  it('redirects to a freshly presigned URL for the same key', async () => {
    const now = T0 + 4321_000;
    const worker = testWorker({ start: now });
    const token = tokenFor(video, { expiresAt: now / 1000 + 60 });
    const response = await worker.fetch(`/api/hls/${video}/540p/seg2.m4s?${token}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const verdict = verifyPresigned(response.headers.get('Location')!, now);
    expect(verdict).toEqual({
      ok: true,
      key: `hls/${video}/540p/seg2.m4s`,
      bucket: 'edge-gallery-media',
      expiresAt: now / 1000 + TTL,
    });
  });

  // A client follows a 302 with the same HEAD, and S3/R2 check the method the URL was
  // signed for: a GET URL would answer 403 SignatureDoesNotMatch.
  it('redirects a HEAD to a URL presigned for HEAD, not GET', async () => {
    const url = `/api/hls/${video}/540p/seg2.m4s?${tokenFor(video)}`;
    const response = await testWorker().fetch(url, { method: 'HEAD' });
    expect(response.status).toBe(302);
    const location = response.headers.get('Location')!;
    expect(verifyPresigned(location, T0, 'HEAD')).toMatchObject({
      ok: true,
      key: `hls/${video}/540p/seg2.m4s`,
    });
    expect(verifyPresigned(location, T0, 'GET')).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('the storyboard (seek previews)', () => {
  it('is served by the worker under every strategy: no cross-origin redirect for the page to read', async () => {
    await env.MEDIA.put(`hls/${video}/storyboard.vtt`, 'WEBVTT\n');
    const worker = await workerWithAllStrategies();
    for (const bucket of Object.values(BUCKET)) {
      const token = tokenFor(video, { bucket });
      const response = await worker.fetch(`/api/hls/${video}/storyboard.vtt?${token}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('WEBVTT\n');
    }
  });

  it('is refused without a valid token, like every media path', async () => {
    const response = await testWorker().fetch(`/api/hls/${video}/storyboard.vtt`);
    expect(response.status).toBe(401);
  });
});

describe('media, public strategy', () => {
  it('redirects to the public base', async () => {
    const worker = await workerWithAllStrategies();
    const token = tokenFor(video, { bucket: BUCKET.public });
    const response = await worker.fetch(`/api/hls/${video}/540p/seg2.m4s?${token}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe(
      `https://media.example.com/hls/${video}/540p/seg2.m4s`,
    );
  });
});

describe('media, token strategy', () => {
  const key = `hls/${video}/540p/seg1.m4s`;
  const bytes = segmentBytes(key);
  const mediaUrl = () =>
    `/api/hls/${video}/540p/seg1.m4s?${tokenFor(video, { bucket: BUCKET.token })}`;

  it('streams the object with validators and long-lived immutable caching', async () => {
    const worker = await workerWithAllStrategies();
    const response = await worker.fetch(mediaUrl());
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('Content-Type')).toBe('video/iso.segment');
    expect(response.headers.get('Content-Length')).toBe(String(bytes.length));
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]+"$/);
    expect(response.headers.get('Last-Modified')).toMatch(/GMT$/);
  });

  it.each([
    ['bytes=0-9', 0, 10],
    ['bytes=10-', 10, bytes.length - 10],
    ['bytes=-5', bytes.length - 5, 5],
  ])('answers Range %s with 206', async (range, offset, length) => {
    const worker = await workerWithAllStrategies();
    const response = await worker.fetch(mediaUrl(), { headers: { Range: range } });
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(
      bytes.slice(offset, offset + length),
    );
    expect(response.headers.get('Content-Range')).toBe(
      `bytes ${offset}-${offset + length - 1}/${bytes.length}`,
    );
  });

  it('answers an unsatisfiable Range with 416', async () => {
    const worker = await workerWithAllStrategies();
    const response = await worker.fetch(mediaUrl(), {
      headers: { Range: `bytes=${bytes.length}-` },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get('Content-Range')).toBe(`bytes */${bytes.length}`);
  });

  it('answers If-None-Match and If-Modified-Since with 304', async () => {
    const worker = await workerWithAllStrategies();
    const first = await worker.fetch(mediaUrl());
    await first.arrayBuffer();
    const etag = first.headers.get('ETag')!;
    const lastModified = first.headers.get('Last-Modified')!;
    const byTag = await worker.fetch(mediaUrl(), { headers: { 'If-None-Match': etag } });
    expect(byTag.status).toBe(304);
    const byDate = await worker.fetch(mediaUrl(), {
      headers: { 'If-Modified-Since': lastModified },
    });
    expect(byDate.status).toBe(304);
  });

  it('answers HEAD without a body', async () => {
    const worker = await workerWithAllStrategies();
    const response = await worker.fetch(mediaUrl(), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(bytes.length));
    expect(await response.text()).toBe('');
  });

  it('serves the second request, ranges included, from the Cache API', async () => {
    const worker = await workerWithAllStrategies();
    await (await worker.settle(mediaUrl())).arrayBuffer();
    const again = await testWorker().fetch(mediaUrl(), { headers: { Range: 'bytes=0-3' } });
    expect(again.status).toBe(206);
    expect(again.headers.get('Server-Timing')).toContain('cache;desc=cache');
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes.slice(0, 4));
    const conditional = await testWorker().fetch(mediaUrl(), {
      headers: { 'If-None-Match': again.headers.get('ETag')! },
    });
    expect(conditional.status).toBe(304);
  });

  it('answers 404 not-found for a missing object', async () => {
    const worker = await workerWithAllStrategies();
    const token = tokenFor(video, { bucket: BUCKET.token });
    const response = await worker.fetch(`/api/hls/${video}/540p/seg99.m4s?${token}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not-found' });
  });
});

describe('variant playlists that are missing', () => {
  it('answer 404 not-found', async () => {
    const response = await testWorker().fetch(
      `/api/hls/${video}/1080p/index.m3u8?${tokenFor(video)}`,
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not-found' });
  });
});

describe('a variant playlist served as written by hand', () => {
  it('presigns the URIs of a long playlist in one batch', async () => {
    const long = uniqueVideoId('long');
    const { env } = await import('cloudflare:workers');
    await env.MEDIA.put(`hls/${long}/v/index.m3u8`, variantPlaylist(600));
    const response = await testWorker().fetch(`/api/hls/${long}/v/index.m3u8?${tokenFor(long)}`);
    const uris = urisOf(await textOf(response));
    expect(uris).toHaveLength(601);
    expect(uris.every((uri) => verifyPresigned(uri, T0).ok)).toBe(true);
  });
});
