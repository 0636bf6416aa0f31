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
    ['config:v7', 7],
    ['7', 7],
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

  it('stores each publish as the next version and points at it', async () => {
    expect(await publishConfig(kv, config(90), T)).toBe(1);
    expect(await publishConfig(kv, config(80), T + 1000)).toBe(2);
    expect(await kv.get(CURRENT_KEY)).toBe('config:v2');
    expect(JSON.parse((await kv.get(versionKey(1)))!)).toEqual(config(90));
    expect(await listVersions(kv)).toEqual([
      { version: 2, publishedAt: '2030-01-01T00:00:01.000Z' },
      { version: 1, publishedAt: '2030-01-01T00:00:00.000Z' },
    ]);
  });

  it('never overwrites a version, even one the (eventually consistent) list does not show yet', async () => {
    await kv.put(versionKey(1), JSON.stringify(config(50)));
    await kv.put(CURRENT_KEY, versionKey(1));
    await kv.put(versionKey(2), JSON.stringify(config(60)));
    expect(await publishConfig(kv, config(70), T)).toBe(3);
    expect(JSON.parse((await kv.get(versionKey(2)))!)).toEqual(config(60));
  });

  it('numbers after a rollback from the highest version, not the live one', async () => {
    await publishConfig(kv, config(90), T);
    await publishConfig(kv, config(80), T);
    expect(await rollbackTo(kv, 1, defaults)).toEqual(config(90));
    expect(await kv.get(CURRENT_KEY)).toBe('config:v1');
    expect(await publishConfig(kv, config(70), T)).toBe(3);
  });

  it('rolls back only to a version that exists', async () => {
    await publishConfig(kv, config(90), T);
    expect(await rollbackTo(kv, 5, defaults)).toBeUndefined();
    expect(await kv.get(CURRENT_KEY)).toBe('config:v1');
  });

  it('lists versions numerically (v10 after v9) and ignores other keys', async () => {
    for (const version of [1, 2, 9, 10]) await kv.put(versionKey(version), '{}');
    await kv.put('config:vnext', '{}');
    expect((await listVersions(kv)).map((v) => v.version)).toEqual([10, 9, 2, 1]);
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
    expect(await store.current(T)).toEqual({ version: 0, config: defaults, source: 'default' });
    await publishConfig(kv, tokenHalf, T);
    expect((await store.current(T + MEMO_MS.absent - 1)).version).toBe(0);
    expect(await store.current(T + MEMO_MS.absent)).toEqual({
      version: 1,
      config: tokenHalf,
      source: 'kv',
    });
  });

  it('keeps a published config about 60 s, then sees the new version', async () => {
    await publishConfig(kv, tokenHalf, T);
    const store = new ConfigStore(kv, defaults);
    expect((await store.current(T)).version).toBe(1);
    await publishConfig(kv, defaults, T);
    expect((await store.current(T + MEMO_MS.found - 1)).version).toBe(1);
    expect((await store.current(T + MEMO_MS.found)).version).toBe(2);
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
    expect(await store.current(T)).toEqual({ version: 0, config: defaults, source: 'fallback' });
    await store.current(T + MEMO_MS.failed - 1);
    expect(calls).toEqual(['get']);
    await store.current(T + MEMO_MS.failed);
    expect(calls).toEqual(['get', 'get']);
  });

  it('keeps the last config it read when KV starts failing', async () => {
    await publishConfig(kv, tokenHalf, T);
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
      version: 1,
      config: tokenHalf,
      source: 'fallback',
    });
  });

  it('treats a pointer to a missing or invalid document as a failure, never serving it', async () => {
    const store = new ConfigStore(kv, defaults);
    await kv.put(CURRENT_KEY, 'config:v3');
    expect((await store.current(T)).source).toBe('fallback');
    await kv.put(versionKey(3), JSON.stringify({ rollout: { presign: 1, token: 1, public: 1 } }));
    expect((await store.current(T + MEMO_MS.failed)).source).toBe('fallback');
    await kv.put(versionKey(3), 'not json');
    expect((await store.current(T + 2 * MEMO_MS.failed)).source).toBe('fallback');
  });

  it('makes a publish of this isolate live at once', async () => {
    const store = new ConfigStore(kv, defaults);
    await store.current(T);
    store.remember(4, tokenHalf, T);
    expect(await store.current(T + 1)).toEqual({ version: 4, config: tokenHalf, source: 'kv' });
  });
});
