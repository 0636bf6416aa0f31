import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { publishConfig } from '../../test/admin.ts';
import { failing, resetKv } from '../../test/bindings.ts';
import { PLAYBACK_KEY, tokenFor } from '../../test/tokens.ts';
import { masterUrl, seededVideo, seedVideo, uniqueVideoId } from '../../test/video.ts';
import { T0, testWorker, textOf } from '../../test/worker.ts';
import type { Template } from '../template.ts';
import { CACHE_FORMAT } from './format.ts';
import { TemplateLru } from './template-lru.ts';
import { templateKey } from './templates.ts';

const template = (text: string, tag = 't'): Template => ({
  parts: [text],
  urlsExpireAt: null,
  tag,
});
const tierOf = (response: Response) =>
  /cache;desc=(\w+)/.exec(response.headers.get('Server-Timing')!)![1];

/** A worker delivering by token with the KV tier on, and the Cache API writes it makes. */
async function tokenWorkerWithKvTier() {
  const worker = testWorker();
  await publishConfig(worker, {
    kvPlaylistCache: true,
    rollout: { presign: 0, token: 100, public: 0 },
  });
  return { worker, put: vi.spyOn(Cache.prototype, 'put') };
}

describe('isolate cache (LRU)', () => {
  it('returns what it holds until it expires', () => {
    const cache = new TemplateLru();
    cache.set('a', template('A'), 1000);
    expect(cache.get('a', 999)?.parts).toEqual(['A']);
    expect(cache.get('a', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond its entry bound', () => {
    const cache = new TemplateLru(2, 1000);
    cache.set('a', template('A'), 10);
    cache.set('b', template('B'), 10);
    cache.get('a', 0); // a is now more recent than b
    cache.set('c', template('C'), 10);
    expect(cache.keys()).toEqual(['a', 'c']);
  });

  it('evicts by weight (template length)', () => {
    const cache = new TemplateLru(100, 800);
    cache.set('a', template('x'.repeat(100)), 10);
    cache.set('b', template('x'.repeat(100)), 10);
    cache.set('c', template('x'.repeat(100)), 10);
    expect(cache.keys()).toEqual(['a', 'b', 'c']);
    for (const key of 'defghi') cache.set(key, template('x'.repeat(100)), 10);
    expect(cache.keys()).toEqual(['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });

  it('never lets one huge template flush the rest', () => {
    const cache = new TemplateLru(100, 800);
    cache.set('a', template('small'), 10);
    cache.set('huge', template('x'.repeat(500)), 10);
    expect(cache.keys()).toEqual(['a']);
  });
});

describe('cache keys', () => {
  it('name fingerprint, config version, strategy, window and key, and nothing of a visitor', () => {
    expect(
      templateKey({
        fingerprint: 'f1',
        configVersion: '20300101T000000000Z-abcdefgh23',
        strategy: 'presign',
        windowStart: 1_893_456_000,
        key: 'hls/v/540p/index.m3u8',
      }),
    ).toBe('f1/20300101T000000000Z-abcdefgh23/presign/1893456000/hls/v/540p/index.m3u8');
  });

  it('carry the cache format version in every cache name', async () => {
    // Everything one visit writes (a playlist with the KV tier on, a token-served segment)
    // lands in names carrying CACHE_FORMAT, and nothing in the same names without it.
    await resetKv();
    const video = uniqueVideoId('format');
    await seedVideo(video);
    const { worker, put } = await tokenWorkerWithKvTier();
    const token = tokenFor(video);
    const playlist = `https://format.test/api/hls/${video}/540p/index.m3u8?${token}`;
    const segment = `https://format.test/api/hls/${video}/540p/seg0.m4s?${token}`;
    await textOf(await worker.settle(playlist));
    await (await worker.settle(segment)).arrayBuffer();

    const written = put.mock.calls.map(([key]) => (key instanceof Request ? key.url : String(key)));
    expect(written.some((url) => url.includes('/_cache/playlist/'))).toBe(true);
    expect(written.some((url) => url.includes('/_cache/media/'))).toBe(true);
    const found = async (name: string, url: string) =>
      (await (await caches.open(name)).match(url)) !== undefined;
    for (const url of written) {
      const kind = url.includes('/_cache/media/') ? 'media' : 'playlists';
      expect(await found(`edge-gallery-${kind}:${CACHE_FORMAT}`, url), url).toBe(true);
      expect(await found(`edge-gallery-${kind}`, url), url).toBe(false);
    }
    const { keys } = await env.VIDEO_CACHE.list({ prefix: 'playlist' });
    expect(keys.length).toBeGreaterThan(0);
    for (const { name } of keys) expect(name.startsWith(`playlist:${CACHE_FORMAT}:`)).toBe(true);
  });
});

describe('playlist cache tiers', () => {
  const video = seededVideo('tiers');
  const variant = (token: string) => `/api/hls/${video}/540p/index.m3u8?${token}`;
  beforeEach(async () => {
    await resetKv();
  });

  it('answers from isolate memory, then from the Cache API in another isolate', async () => {
    const worker = testWorker();
    const token = tokenFor(video);
    expect(tierOf(await worker.settle(variant(token)))).toBe('miss');
    expect(tierOf(await worker.fetch(variant(token)))).toBe('isolate');
    expect(tierOf(await testWorker().fetch(variant(token)))).toBe('cache');
  });

  it('shares one entry between visitors with different tokens (the key holds no token)', async () => {
    const worker = testWorker();
    const first = tokenFor(video, { bucket: 1 });
    const second = tokenFor(video, { bucket: 2, expiresAt: T0 / 1000 + 999 });
    await worker.settle(variant(first));
    expect(tierOf(await worker.fetch(variant(second)))).toBe('isolate');
    expect(tierOf(await testWorker().fetch(variant(second)))).toBe('cache');
  });

  it('stores keys and bodies without any token, in every tier', async () => {
    const { worker, put } = await tokenWorkerWithKvTier();
    const token = tokenFor(video);
    const response = await worker.settle(variant(token));
    expect(await textOf(response)).toContain(token);

    const signature = new URLSearchParams(token).get('sig')!;
    const isolateKeys = worker.isolate.templates.keys();
    expect(isolateKeys.length).toBeGreaterThan(0);
    const playlists = await caches.open(`edge-gallery-playlists:${CACHE_FORMAT}`);
    const cacheEntries = await Promise.all(
      put.mock.calls.map(async ([request]) => {
        const key = request instanceof Request ? request.url : String(request);
        return { key, body: await (await playlists.match(key))!.text() };
      }),
    );
    const { keys: kvKeys } = await env.VIDEO_CACHE.list({ prefix: `playlist:${CACHE_FORMAT}:` });
    expect(cacheEntries.length).toBeGreaterThan(0);
    expect(kvKeys.length).toBeGreaterThan(0);
    const kvBodies = await Promise.all(kvKeys.map((key) => env.VIDEO_CACHE.get(key.name)));
    for (const text of [
      ...isolateKeys,
      ...cacheEntries.flatMap((entry) => [entry.key, entry.body]),
      ...kvKeys.map((key) => key.name),
      ...kvBodies.map(String),
    ]) {
      expect(text).not.toContain(signature);
      expect(text).not.toContain('sig=');
      expect(text).not.toContain(PLAYBACK_KEY.secret);
    }
  });

  it('answers from KV when turned on and the Cache API misses (another data centre)', async () => {
    const worker = testWorker();
    await publishConfig(worker, { kvPlaylistCache: true });
    const token = tokenFor(video);
    await worker.settle(variant(token));
    // Another host name is another Cache API key: the nearest model of another colo.
    const elsewhere = testWorker();
    const response = await elsewhere.fetch(`https://elsewhere.test${variant(token)}`);
    expect(tierOf(response)).toBe('kv');
    expect(await textOf(response)).toBe(await textOf(await worker.fetch(variant(token))));
  });

  it('writes nothing to KV while the KV tier is off (the default)', async () => {
    await testWorker().settle(variant(tokenFor(video)));
    const { keys } = await env.VIDEO_CACHE.list({ prefix: 'playlist:' });
    expect(keys).toEqual([]);
  });

  it('serves a fresh build when a cache tier fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(Cache.prototype, 'match').mockRejectedValue(new Error('cache outage'));
    const response = await testWorker().fetch(variant(tokenFor(video)));
    expect(response.status).toBe(200);
    expect(tierOf(response)).toBe('miss');
  });
});

describe('failures are answered for one request and never cached', () => {
  beforeEach(async () => {
    await resetKv();
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  it('answers 503 storage-unavailable when R2 fails, and the next request builds afresh', async () => {
    const video = uniqueVideoId('r2-outage');
    await seedVideo(video);
    const put = vi.spyOn(Cache.prototype, 'put');
    const broken = testWorker({ env: { ...env, MEDIA: failing(env.MEDIA) } });
    const url = masterUrl(video, tokenFor(video));
    const failed = await broken.settle(url);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('1');
    expect(await failed.json()).toEqual({ error: 'storage-unavailable' });
    expect(put).not.toHaveBeenCalled();

    const healthy = await testWorker().fetch(url);
    expect(healthy.status).toBe(200);
    expect(tierOf(healthy)).toBe('miss');
  });

  it('does not remember a 404: a video uploaded afterwards plays at once', async () => {
    const video = uniqueVideoId('late');
    const worker = testWorker();
    const url = masterUrl(video, tokenFor(video));
    expect((await worker.settle(url)).status).toBe(404);
    await seedVideo(video);
    expect((await worker.fetch(url)).status).toBe(200);
  });

  it('serves playlists under the fallback config when KV fails, but shares none of them', async () => {
    const video = uniqueVideoId('kv-outage');
    await seedVideo(video);
    const put = vi.spyOn(Cache.prototype, 'put');
    const broken = testWorker({ env: { ...env, VIDEO_CACHE: failing(env.VIDEO_CACHE) } });
    const response = await broken.settle(masterUrl(video, tokenFor(video)));
    expect(response.status).toBe(200);
    expect(put).not.toHaveBeenCalled();
    expect(tierOf(await broken.fetch(masterUrl(video, tokenFor(video))))).toBe('miss');
  });

  it('answers 502 bad-playlist for a stored playlist with control characters', async () => {
    const video = uniqueVideoId('bad');
    await env.MEDIA.put(`hls/${video}/master.m3u8`, '#EXTM3U\n\u0000evil.m3u8\n');
    const response = await testWorker().fetch(masterUrl(video, tokenFor(video)));
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'bad-playlist' });
  });

  it('answers 502 playlist-too-large for a "playlist" over 4 MiB', async () => {
    const video = uniqueVideoId('huge');
    await env.MEDIA.put(`hls/${video}/master.m3u8`, `#EXTM3U\n${'#'.repeat(4 * 1024 * 1024)}\n`);
    const response = await testWorker().fetch(masterUrl(video, tokenFor(video)));
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'playlist-too-large' });
  });
});
