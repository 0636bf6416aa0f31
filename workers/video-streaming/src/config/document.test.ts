import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from './document.ts';
import { parsePointer } from './versions.ts';

const defaults = defaultConfig({ presignTtlSeconds: 3600, publicBase: undefined });

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
