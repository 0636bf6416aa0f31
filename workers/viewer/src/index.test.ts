import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, callWith, signIn } from '../test/visitor.ts';

afterEach(async () => {
  await env.CACHE_VERSION.delete('auth_version');
  await env.CACHE_VERSION.delete('thumbnail_version');
});

// Every route under /api/ the worker has, plus paths it does not have.
const API_PATHS = [
  '/api/media',
  '/api/media?limit=1&kind=video',
  '/api/file/originals/a.jpg',
  '/api/thumbnail/thumbnails/a.webp?v=1',
  '/api/videos/speech/playback',
  '/api/videos/../file/originals/a.jpg',
  '/api/unknown',
  '/api/',
  '/api/cache-version/',
  '/api/cache-version/x',
];

describe('viewer', () => {
  it('answers /healthz', async () => {
    const response = await call('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('refuses every /api/ path but /api/cache-version without a session', async () => {
    for (const path of API_PATHS) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const response = await call(path, { method });
        expect(response.status, `${method} ${path}`).toBe(401);
        if (method !== 'HEAD') {
          expect(await response.json()).toEqual({ error: 'unauthenticated' });
        }
      }
    }
  });

  it('serves /api/cache-version without a session', async () => {
    await env.CACHE_VERSION.put('thumbnail_version', '7');
    const response = await call('/api/cache-version');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ thumbnailVersion: 7, authVersion: 1 });
  });

  it('reports a junk version in KV as a misconfiguration, not as version 1', async () => {
    vi.spyOn(console, 'error').mockImplementationOnce(() => {});
    await env.CACHE_VERSION.put('auth_version', 'two');
    const response = await call('/api/cache-version');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'misconfigured',
      variable: 'CACHE_VERSION.auth_version',
    });
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await call('/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not-found' });
  });
});

describe('security headers', () => {
  it('are on every response: success, error, preflight, file, misconfiguration', async () => {
    vi.spyOn(console, 'error').mockImplementationOnce(() => {});
    const cookie = await signIn();
    await env.MEDIA.put('originals/sec.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>', {
      httpMetadata: { contentType: 'image/svg+xml' },
    });
    const responses = [
      await call('/healthz'),
      await call('/api/media'),
      await call('/api/media', { headers: { Cookie: cookie } }),
      await call('/api/file/originals/sec.svg', { headers: { Cookie: cookie } }),
      await call('/nothing'),
      await call('/login', { method: 'POST', body: 'x' }),
      await call('/api/media', {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET' },
      }),
      await callWith({ AUTH_SECRET: undefined }, '/healthz'),
    ];
    for (const response of responses) {
      const where = `${response.status} ${response.url}`;
      expect(response.headers.get('X-Content-Type-Options'), where).toBe('nosniff');
      expect(response.headers.get('X-Frame-Options'), where).toBe('DENY');
      expect(response.headers.get('Referrer-Policy'), where).toBe('no-referrer');
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp, where).toContain("default-src 'none'");
      expect(csp, where).toContain("frame-ancestors 'none'");
      expect(csp, where).toContain('sandbox');
      expect(response.headers.get('Cache-Control'), where).toBeTruthy();
    }
  });

  it('keep JSON answers out of every cache', async () => {
    for (const path of ['/auth', '/api/media', '/api/cache-version']) {
      expect((await call(path)).headers.get('Cache-Control'), path).toBe('no-store');
    }
  });
});

describe('CORS', () => {
  it('lets the allowed SPA origins read answers, with credentials', async () => {
    const response = await call('/auth', { headers: { Origin: 'http://localhost:5173' } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('answers a preflight from an allowed origin', async () => {
    const response = await call('/login', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
  });

  it('gives other origins nothing: no wildcard, no reflection, no null', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:5174', '*']) {
      const response = await call('/auth', { headers: { Origin: origin } });
      expect(response.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
      expect(response.headers.get('Access-Control-Allow-Credentials'), origin).toBeNull();
      const preflight = await call('/api/media', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      });
      expect(preflight.status, origin).toBe(403);
      expect(preflight.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
    }
  });
});

describe('configuration', () => {
  const SECRET_NAMES = ['GALLERY_PASSWORD', 'AUTH_SECRET', 'PLAYBACK_TOKEN_SECRET'];
  const SECRET_VALUES = [env.GALLERY_PASSWORD, env.AUTH_SECRET, env.PLAYBACK_TOKEN_SECRET];
  const cases: [name: string, overrides: Record<string, unknown>, variable: string][] = [
    ['GALLERY_PASSWORD missing', { GALLERY_PASSWORD: undefined }, 'GALLERY_PASSWORD'],
    ['GALLERY_PASSWORD empty', { GALLERY_PASSWORD: '' }, 'GALLERY_PASSWORD'],
    ['AUTH_SECRET missing', { AUTH_SECRET: undefined }, 'AUTH_SECRET'],
    ['AUTH_SECRET too short', { AUTH_SECRET: 'short-secret' }, 'AUTH_SECRET'],
    [
      'PLAYBACK_TOKEN_SECRET missing',
      { PLAYBACK_TOKEN_SECRET: undefined },
      'PLAYBACK_TOKEN_SECRET',
    ],
    [
      'PLAYBACK_TOKEN_SECRET without id',
      { PLAYBACK_TOKEN_SECRET: 'a-secret-with-no-id-at-all' },
      'PLAYBACK_TOKEN_SECRET',
    ],
    [
      'PLAYBACK_TOKEN_SECRET short secret',
      { PLAYBACK_TOKEN_SECRET: 'k1:short' },
      'PLAYBACK_TOKEN_SECRET',
    ],
    [
      'ALLOWED_ORIGINS with a path',
      { ALLOWED_ORIGINS: 'http://localhost:5173/app' },
      'ALLOWED_ORIGINS',
    ],
    ['ALLOWED_ORIGINS with junk', { ALLOWED_ORIGINS: 'localhost' }, 'ALLOWED_ORIGINS'],
    ['COOKIE_SAMESITE unknown', { COOKIE_SAMESITE: 'lax-ish' }, 'COOKIE_SAMESITE'],
    ['SESSION_TTL_SECONDS too long', { SESSION_TTL_SECONDS: '99999999' }, 'SESSION_TTL_SECONDS'],
  ];
  for (const [name, overrides, variable] of cases) {
    it(`${name} → 500 naming ${variable}, on every route, without secrets`, async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const secrets = [
        ...SECRET_VALUES,
        ...Object.entries(overrides)
          .filter(([name, value]) => SECRET_NAMES.includes(name) && value)
          .map(([, value]) => String(value)),
      ];
      for (const path of ['/healthz', '/login', '/api/media']) {
        const response = await callWith(overrides, path);
        expect(response.status).toBe(500);
        const text = await response.text();
        expect(JSON.parse(text)).toEqual({ error: 'misconfigured', variable });
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
      // The log names the variable too, and never holds a secret either.
      const logged = log.mock.calls.flat().map(String).join('\n');
      expect(logged).toContain(variable);
      for (const secret of secrets) expect(logged).not.toContain(secret);
      log.mockRestore();
    });
  }

  it('accepts the optional settings when valid', async () => {
    const response = await callWith(
      { COOKIE_SAMESITE: 'Strict', SESSION_TTL_SECONDS: '3600', ALLOWED_ORIGINS: '' },
      '/auth',
    );
    expect(response.status).toBe(200);
  });
});
