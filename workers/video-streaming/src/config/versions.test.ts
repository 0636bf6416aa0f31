import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetKv } from '../../test/bindings.ts';
import { defaultConfig, type RolloutConfig } from './document.ts';
import { ConfigMemo } from './memo.ts';
import { CURRENT_KEY, listVersions, publishConfig, rollbackTo, versionKey } from './versions.ts';

const defaults = defaultConfig({ presignTtlSeconds: 3600, publicBase: undefined });
const T = Date.UTC(2030, 0, 1);

beforeEach(async () => {
  await resetKv();
});

describe('versions in KV', () => {
  const kv = env.VIDEO_CACHE;
  const config = (presign: number): RolloutConfig => ({
    ...defaults,
    rollout: { presign, token: 100 - presign, public: 0 },
  });

  it('stores each publish under a new time-ordered id, document first, then the pointer', async () => {
    const calls: string[] = [];
    const watched = new Proxy(kv, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (property !== 'put') return typeof value === 'function' ? value.bind(target) : value;
        return (key: string, ...rest: unknown[]) => {
          calls.push(key);
          return (value as (...args: unknown[]) => Promise<void>).call(target, key, ...rest);
        };
      },
    });
    const first = await publishConfig(watched, config(90), T);
    const second = await publishConfig(watched, config(80), T + 1000);
    expect(first).toMatch(/^20300101T000000000Z-[a-z2-7]{10}$/);
    expect(second).toMatch(/^20300101T000001000Z-[a-z2-7]{10}$/);
    expect(calls).toEqual([versionKey(first), CURRENT_KEY, versionKey(second), CURRENT_KEY]);
    expect(await kv.get(CURRENT_KEY)).toBe(versionKey(second));
    expect(JSON.parse((await kv.get(versionKey(first)))!)).toEqual(config(90));
    expect(await listVersions(kv)).toEqual([
      { version: second, publishedAt: '2030-01-01T00:00:01.000Z' },
      { version: first, publishedAt: '2030-01-01T00:00:00.000Z' },
    ]);
  });

  it('never moves the pointer for a publish whose caller gave up during the document write', async () => {
    const deadline = new AbortController();
    const slow = new Proxy(kv, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (property !== 'put') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<KVNamespace['put']>) => {
          await target.put(...args);
          deadline.abort(new Error('deadline'));
        };
      },
    });
    await expect(publishConfig(slow, config(90), T, deadline.signal)).rejects.toThrow('deadline');
    expect(await kv.get(CURRENT_KEY)).toBeNull();
  });

  it('gives publishes in the same millisecond different ids (randomness)', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => publishConfig(kv, config(i), T)),
    );
    expect(new Set(ids).size).toBe(20);
    for (const [i, id] of ids.entries()) {
      expect(JSON.parse((await kv.get(versionKey(id)))!)).toEqual(config(i));
    }
  });

  it('rolls back to any stored version, and only to one that exists', async () => {
    const first = await publishConfig(kv, config(90), T);
    await publishConfig(kv, config(80), T + 1);
    expect(await rollbackTo(kv, first, defaults)).toEqual(config(90));
    expect(await kv.get(CURRENT_KEY)).toBe(versionKey(first));
    expect(await rollbackTo(kv, '20300101T000000000Z-aaaaaaaaaa', defaults)).toBeUndefined();
    expect(await kv.get(CURRENT_KEY)).toBe(versionKey(first));
  });

  it('still reads and lists versions counted before ids (legacy config:v7), oldest last', async () => {
    for (const version of ['1', '2', '9', '10']) {
      await kv.put(versionKey(version), JSON.stringify(config(50)), {
        metadata: { publishedAt: `2029-01-01T00:00:0${version.length}.000Z` },
      });
    }
    await kv.put(CURRENT_KEY, 'config:v10');
    const store = new ConfigMemo(kv, defaults);
    expect(await store.current(T)).toEqual({ version: '10', config: config(50), source: 'kv' });
    const next = await publishConfig(kv, config(60), T);
    await kv.put('config:vnext', '{}');
    expect((await listVersions(kv)).map((v) => v.version)).toEqual([next, '10', '9', '2', '1']);
  });
});
