import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failing, recording, resetKv } from '../test/bindings.ts';
import {
  type Config,
  ConfigStore,
  CURRENT_KEY,
  defaultConfig,
  listVersions,
  MEMO_MS,
  parseConfig,
  parsePointer,
  publishConfig,
  rollbackTo,
  versionKey,
} from './config.ts';

const defaults = defaultConfig({ presignTtlSeconds: 3600, publicBase: undefined });
const T = Date.UTC(2030, 0, 1);

beforeEach(async () => {
  await resetKv();
});

const issuesOf = (document: unknown) => {
  const result = parseConfig(document, defaults, 'publish');
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('config document', () => {
  it('defaults to presigning everything', () => {
    expect(defaults).toEqual({
      rollout: { presign: 100, token: 0, public: 0 },
      presignTtlSeconds: 3600,
      playlistWindowSeconds: 300,
      publicBase: null,
      allowedOrigins: [],
      debug: false,
      kvPlaylistCache: false,
    });
  });

  it('takes the deployment defaults for fields a document leaves out', () => {
    const result = parseConfig({ debug: true }, defaults, 'publish');
    expect(result.success && result.data).toEqual({ ...defaults, debug: true });
  });

  it('accepts the document of DESIGN.md', () => {
    const document = {
      rollout: { presign: 90, token: 10, public: 0 },
      presignTtlSeconds: 3600,
      playlistWindowSeconds: 300,
      publicBase: null,
      allowedOrigins: ['https://gallery.example.com', 'http://localhost:5173'],
      debug: false,
    };
    expect(issuesOf(document)).toEqual([]);
  });

  it('strips a trailing slash from the public base', () => {
    const result = parseConfig({ publicBase: 'https://media.example.com/' }, defaults, 'publish');
    expect(result.success && result.data.publicBase).toBe('https://media.example.com');
  });

  it.each([
    [
      'percentages that do not add up to 100',
      { rollout: { presign: 90, token: 20, public: 0 } },
      'rollout',
    ],
    [
      'a negative percentage',
      { rollout: { presign: 110, token: -10, public: 0 } },
      'rollout.token',
    ],
    [
      'a fractional percentage',
      { rollout: { presign: 99.5, token: 0.5, public: 0 } },
      'rollout.presign',
    ],
    [
      'a redirect share that breaks the sum',
      { rollout: { presign: 90, token: 0, public: 0, redirect: 20 } },
      'rollout',
    ],
    ['an unknown strategy', { rollout: { presign: 90, token: 0, public: 0, cdn: 10 } }, 'rollout'],
    [
      'a public share without a public base',
      { rollout: { presign: 90, token: 0, public: 10 } },
      'publicBase',
    ],
    ['a TTL under a minute', { presignTtlSeconds: 5 }, 'presignTtlSeconds'],
    ['URLs living past the 7-day S3 limit', { presignTtlSeconds: 604_800 }, 'presignTtlSeconds'],
    ['a window under 10 s', { playlistWindowSeconds: 1 }, 'playlistWindowSeconds'],
    ['a window over an hour', { playlistWindowSeconds: 7200 }, 'playlistWindowSeconds'],
    ['a public base with a query', { publicBase: 'https://media.example.com/?x=1' }, 'publicBase'],
    ['a public base that is not http(s)', { publicBase: 'ftp://media.example.com' }, 'publicBase'],
    ['a public base with a quote', { publicBase: 'https://media.example.com/"x' }, 'publicBase'],
    ['a public base with a space', { publicBase: 'https://media.example.com/a b' }, 'publicBase'],
    [
      'an origin with a path',
      { allowedOrigins: ['https://gallery.example.com/app'] },
      'allowedOrigins.0',
    ],
    ['an origin wildcard', { allowedOrigins: ['*'] }, 'allowedOrigins.0'],
    ['a debug flag as a string', { debug: 'true' }, 'debug'],
    ['an unknown field (a typo)', { presignTTLSeconds: 60 }, ''],
  ])('refuses %s', (_name, document, path) => {
    expect(issuesOf(document)).toContain(path);
  });

  it.each([null, [], 'x', 7])('refuses a document that is not an object: %j', (document) => {
    expect(parseConfig(document, defaults, 'publish').success).toBe(false);
  });

  it('reads a stored document with fields this version does not know (written by a newer one)', () => {
    const result = parseConfig({ debug: true, someFutureField: 1 }, defaults, 'stored');
    expect(result.success && result.data).toEqual({ ...defaults, debug: true });
  });

  it.each([
    ['config:v20300101T000000000Z-abcdefgh23', '20300101T000000000Z-abcdefgh23'],
    [' 20300101T000000000Z-abcdefgh23 ', '20300101T000000000Z-abcdefgh23'],
    ['config:v7', '7'],
    ['7', '7'],
    ['config:v20300101T000000000Z-abcdefgh2', undefined],
    ['config:v20300101T000000000Z-ABCDEFGH23', undefined],
    ['config:v0', undefined],
    ['config:v-1', undefined],
    ['config:vx', undefined],
    ['', undefined],
  ])('reads the pointer %j as version %j', (pointer, version) => {
    expect(parsePointer(pointer)).toBe(version);
  });
});

describe('versions in KV', () => {
  const kv = env.VIDEO_CACHE;
  const config = (presign: number): Config => ({
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
    const store = new ConfigStore(kv, defaults);
    expect(await store.current(T)).toEqual({ version: '10', config: config(50), source: 'kv' });
    const next = await publishConfig(kv, config(60), T);
    await kv.put('config:vnext', '{}');
    expect((await listVersions(kv)).map((v) => v.version)).toEqual([next, '10', '9', '2', '1']);
  });
});

describe('config memo of an isolate', () => {
  const kv = env.VIDEO_CACHE;
  beforeEach(() => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const tokenHalf: Config = { ...defaults, rollout: { presign: 50, token: 50, public: 0 } };

  it('serves the defaults while nothing is published, and looks again after about 10 s', async () => {
    const store = new ConfigStore(kv, defaults);
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
    const store = new ConfigStore(kv, defaults);
    expect((await store.current(T)).version).toBe(first);
    const second = await publishConfig(kv, defaults, T);
    expect((await store.current(T + MEMO_MS.found - 1)).version).toBe(first);
    expect((await store.current(T + MEMO_MS.found)).version).toBe(second);
  });

  it('reads KV once per memo period, and once for concurrent requests', async () => {
    await publishConfig(kv, tokenHalf, T);
    const calls: string[] = [];
    const store = new ConfigStore(recording(kv, calls), defaults);
    await Promise.all([store.current(T), store.current(T), store.current(T + 5)]);
    expect(calls).toEqual(['get', 'get']); // the pointer, then version 1
    await store.current(T + 30_000);
    expect(calls).toHaveLength(2);
    await store.current(T + MEMO_MS.found);
    expect(calls).toEqual(['get', 'get', 'get']); // the pointer only: versions never change
  });

  it('falls back to the defaults when KV fails, and retries after about 5 s', async () => {
    const calls: string[] = [];
    const store = new ConfigStore(failing(kv, calls), defaults);
    expect(await store.current(T)).toEqual({ version: null, config: defaults, source: 'fallback' });
    await store.current(T + MEMO_MS.failed - 1);
    expect(calls).toEqual(['get']);
    await store.current(T + MEMO_MS.failed);
    expect(calls).toEqual(['get', 'get']);
  });

  it('keeps the last config it read when KV starts failing', async () => {
    const published = await publishConfig(kv, tokenHalf, T);
    const flaky = { broken: false };
    const store = new ConfigStore(
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
    const store = new ConfigStore(kv, defaults);
    await kv.put(CURRENT_KEY, 'config:v3');
    expect((await store.current(T)).source).toBe('fallback');
    await kv.put(versionKey('3'), JSON.stringify({ rollout: { presign: 1, token: 1, public: 1 } }));
    expect((await store.current(T + MEMO_MS.failed)).source).toBe('fallback');
    await kv.put(versionKey('3'), 'not json');
    expect((await store.current(T + 2 * MEMO_MS.failed)).source).toBe('fallback');
  });

  it('makes a publish of this isolate live at once', async () => {
    const store = new ConfigStore(kv, defaults);
    await store.current(T);
    store.remember('20300101T000000000Z-rememberme', tokenHalf, T);
    expect(await store.current(T + 1)).toEqual({
      version: '20300101T000000000Z-rememberme',
      config: tokenHalf,
      source: 'kv',
    });
  });
});
