import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ALL_STRATEGIES, adminHeaders, BUCKET, publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { tokenFor } from '../test/tokens.ts';
import { masterUrl, seededVideo, seedVideo, uniqueVideoId } from '../test/video.ts';
import { testWorker } from '../test/worker.ts';

// R2 and KV made to hang (and to throw) behind the worker's bounded wait: a storage read
// answers 503 storage-unavailable with Retry-After, nothing of it is cached, and the same
// request is served normally once the binding answers again. A config read falls back.

const never = () => new Promise<never>(() => {});
const outage = () => Promise.reject(new Error('simulated outage'));
function broken(mode: 'hang' | 'throw'): object {
  return new Proxy({}, { get: () => (mode === 'hang' ? never : outage) });
}
const withBroken = (binding: 'MEDIA' | 'VIDEO_CACHE', mode: 'hang' | 'throw') =>
  ({ ...env, [binding]: broken(mode), BINDING_TIMEOUT_MS: '30' }) as unknown as Env;

const video = seededVideo('bounded');
beforeEach(async () => {
  await resetKv();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
describe.each(['hang', 'throw'] as const)('R2 that does not answer (%s)', (mode) => {
  it.each([
    ['the master playlist', (id: string) => masterUrl(id, tokenFor(id))],
    ['a variant playlist', (id: string) => `/api/hls/${id}/540p/index.m3u8?${tokenFor(id)}`],
    [
      'a token-served segment',
      (id: string) => `/api/hls/${id}/540p/seg0.m4s?${tokenFor(id, { bucket: BUCKET.token })}`,
    ],
  ])('answers %s with 503 storage-unavailable, caches nothing, recovers', async (_, urlOf) => {
    // A video of its own: no earlier test's cache entry may answer for the broken binding.
    const id = uniqueVideoId('r2-down');
    await seedVideo(id);
    const url = () => urlOf(id);
    const healthy = testWorker();
    await publishConfig(healthy, ALL_STRATEGIES);
    const put = vi.spyOn(Cache.prototype, 'put');
    const failing = testWorker({ env: withBroken('MEDIA', mode) });
    const failed = await failing.settle(url());
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('1');
    expect(failed.headers.get('Cache-Control')).toBe('no-store');
    expect(failed.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await failed.json()).toEqual({ error: 'storage-unavailable' });
    expect(put).not.toHaveBeenCalled();
    expect(failing.isolate.templates.size).toBe(0);

    const after = await healthy.fetch(url());
    expect(after.status).toBe(200);
    await after.body?.cancel();
  });
});

describe.each(['hang', 'throw'] as const)('KV that does not answer (%s)', (mode) => {
  it('plays under the fallback config and shares nothing built from it', async () => {
    const put = vi.spyOn(Cache.prototype, 'put');
    const worker = testWorker({ env: withBroken('VIDEO_CACHE', mode) });
    const response = await worker.settle(masterUrl(video, tokenFor(video)));
    expect(response.status).toBe(200);
    await response.body?.cancel();
    expect(put).not.toHaveBeenCalled();
    expect(worker.isolate.templates.size).toBe(0);
  });

  it('answers the admin API with 503 config-unavailable and Retry-After', async () => {
    const worker = testWorker({ env: withBroken('VIDEO_CACHE', mode) });
    for (const [path, init] of [
      ['/admin/config', { headers: adminHeaders() }],
      ['/admin/config/versions', { headers: adminHeaders() }],
      [
        '/admin/config',
        { method: 'PUT', headers: adminHeaders(), body: JSON.stringify(ALL_STRATEGIES) },
      ],
    ] as const) {
      const response = await worker.fetch(path, init);
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe('1');
      expect(await response.json()).toEqual({ error: 'config-unavailable' });
    }
  });
});
