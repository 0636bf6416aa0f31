import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { callWith, signIn } from '../test/visitor.ts';
import { memoisedVersions, readVersions } from './versions.ts';

afterEach(async () => {
  await env.CACHE_VERSION.delete('auth_version');
  await env.CACHE_VERSION.delete('thumbnail_version');
});

/** The namespace, counting reads. A fresh object per test: the memo is keyed by binding. */
function countingKv(): { kv: KVNamespace; reads: () => number } {
  let reads = 0;
  const kv = {
    get: (...args: unknown[]) => {
      reads += 1;
      return (env.CACHE_VERSION.get as (...a: unknown[]) => unknown)(...args);
    },
  } as unknown as KVNamespace;
  return { kv, reads: () => reads };
}

const T = Date.UTC(2026, 11, 6, 10, 0, 0);

describe('versions memo', () => {
  it('reads KV at most once per period in an isolate', async () => {
    const { kv, reads } = countingKv();
    for (let second = 0; second < 15; second++) {
      expect(await memoisedVersions(kv, 15, { now: T + second * 1000 })).toEqual({
        thumbnailVersion: 1,
        authVersion: 1,
      });
    }
    expect(reads()).toBe(1);
    await memoisedVersions(kv, 15, { now: T + 15_000 });
    expect(reads()).toBe(2);
  });

  it('sees a bump after at most one period (the revocation delay it adds)', async () => {
    const { kv } = countingKv();
    await memoisedVersions(kv, 15, { now: T });
    await env.CACHE_VERSION.put('auth_version', '2');
    expect((await memoisedVersions(kv, 15, { now: T + 14_999 })).authVersion).toBe(1);
    expect((await memoisedVersions(kv, 15, { now: T + 15_000 })).authVersion).toBe(2);
  });

  it('reads every time with a period of 0, and when the clock goes back', async () => {
    const { kv, reads } = countingKv();
    await memoisedVersions(kv, 0, { now: T });
    await memoisedVersions(kv, 0, { now: T });
    expect(reads()).toBe(2);
    await memoisedVersions(kv, 15, { now: T });
    expect(reads()).toBe(2);
    await memoisedVersions(kv, 15, { now: T - 1000 });
    expect(reads()).toBe(3);
  });

  it('refreshes the memo on a fresh read (login)', async () => {
    const { kv, reads } = countingKv();
    await memoisedVersions(kv, 15, { now: T });
    await env.CACHE_VERSION.put('auth_version', '3');
    expect((await readVersions(kv, T + 1000)).authVersion).toBe(3);
    expect((await memoisedVersions(kv, 15, { now: T + 2000 })).authVersion).toBe(3);
    expect(reads()).toBe(2);
  });

  it('serves signed-in requests from the memo: a listing costs no KV read within the period', async () => {
    const cookie = await signIn();
    const memo = { VERSIONS_MEMO_SECONDS: '30' };
    const first = await callWith(memo, '/api/media', { headers: { Cookie: cookie } });
    expect(first.status).toBe(200);
    // A bump is not seen until the period ends: the documented revocation delay.
    await env.CACHE_VERSION.put('auth_version', '2');
    const second = await callWith(memo, '/api/media', { headers: { Cookie: cookie } });
    expect(second.status).toBe(200);
    // Without the memo the bump ends the session at once.
    const fresh = await callWith({ VERSIONS_MEMO_SECONDS: '0' }, '/api/media', {
      headers: { Cookie: cookie },
    });
    expect(fresh.status).toBe(401);
  });
});
