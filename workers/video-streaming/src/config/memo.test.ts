import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { failing, recording, resetKv } from '../../test/bindings.ts';
import { defaultConfig, type RolloutConfig } from './document.ts';
import { ConfigMemo, MEMO_MS } from './memo.ts';
import { CURRENT_KEY, publishConfig, versionKey } from './versions.ts';

const defaults = defaultConfig({ presignTtlSeconds: 3600, publicBase: undefined });
const T = Date.UTC(2030, 0, 1);

beforeEach(async () => {
  await resetKv();
});

describe('config memo of an isolate', () => {
  const kv = env.VIDEO_CACHE;
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  const tokenHalf: RolloutConfig = { ...defaults, rollout: { presign: 50, token: 50, public: 0 } };

  it('serves the defaults while nothing is published, and looks again after about 10 s', async () => {
    const store = new ConfigMemo(kv, defaults);
    expect(await store.current(T)).toEqual({ version: null, config: defaults, source: 'default' });
    const published = await publishConfig(kv, tokenHalf, T);
    expect((await store.current(T + MEMO_MS.absent - 1)).version).toBeNull();
    expect(await store.current(T + MEMO_MS.absent)).toEqual({
      version: published,
      config: tokenHalf,
      source: 'kv',
    });
  });

  it('keeps a published config about 60 s, then sees the new version', async () => {
    const first = await publishConfig(kv, tokenHalf, T);
    const store = new ConfigMemo(kv, defaults);
    expect((await store.current(T)).version).toBe(first);
    const second = await publishConfig(kv, defaults, T);
    expect((await store.current(T + MEMO_MS.found - 1)).version).toBe(first);
    expect((await store.current(T + MEMO_MS.found)).version).toBe(second);
  });

  it('reads KV once per memo period, and once for concurrent requests', async () => {
    await publishConfig(kv, tokenHalf, T);
    const calls: string[] = [];
    const store = new ConfigMemo(recording(kv, calls), defaults);
    await Promise.all([store.current(T), store.current(T), store.current(T + 5)]);
    expect(calls).toEqual(['get', 'get']); // the pointer, then version 1
    await store.current(T + 30_000);
    expect(calls).toHaveLength(2);
    await store.current(T + MEMO_MS.found);
    expect(calls).toEqual(['get', 'get', 'get']); // the pointer only: versions never change
  });

  it('falls back to the defaults when KV fails, and retries after about 5 s', async () => {
    const calls: string[] = [];
    const store = new ConfigMemo(failing(kv, calls), defaults);
    expect(await store.current(T)).toEqual({ version: null, config: defaults, source: 'fallback' });
    await store.current(T + MEMO_MS.failed - 1);
    expect(calls).toEqual(['get']);
    await store.current(T + MEMO_MS.failed);
    expect(calls).toEqual(['get', 'get']);
  });

  it('keeps the last config it read when KV starts failing', async () => {
    const published = await publishConfig(kv, tokenHalf, T);
    const flaky = { broken: false };
    const store = new ConfigMemo(
      new Proxy(kv, {
        get: (target, property) =>
          property === 'get' && flaky.broken
            ? () => Promise.reject(new Error('outage'))
            : Reflect.get(target, property, target).bind(target),
      }),
      defaults,
    );
    expect((await store.current(T)).config).toEqual(tokenHalf);
    flaky.broken = true;
    expect(await store.current(T + MEMO_MS.found)).toEqual({
      version: published,
      config: tokenHalf,
      source: 'fallback',
    });
  });

  it('treats a pointer to a missing or invalid document as a failure, never serving it', async () => {
    const store = new ConfigMemo(kv, defaults);
    await kv.put(CURRENT_KEY, 'config:v3');
    expect((await store.current(T)).source).toBe('fallback');
    await kv.put(versionKey('3'), JSON.stringify({ rollout: { presign: 1, token: 1, public: 1 } }));
    expect((await store.current(T + MEMO_MS.failed)).source).toBe('fallback');
    await kv.put(versionKey('3'), 'not json');
    expect((await store.current(T + 2 * MEMO_MS.failed)).source).toBe('fallback');
  });

  it('makes a publish of this isolate live at once', async () => {
    const store = new ConfigMemo(kv, defaults);
    await store.current(T);
    store.remember('20300101T000000000Z-rememberme', tokenHalf, T);
    expect(await store.current(T + 1)).toEqual({
      version: '20300101T000000000Z-rememberme',
      config: tokenHalf,
      source: 'kv',
    });
  });
});
