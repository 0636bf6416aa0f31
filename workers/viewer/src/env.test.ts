import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { callWith } from '../test/visitor.ts';

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
    const response = await callWith({ SESSION_TTL_SECONDS: '3600', ALLOWED_ORIGINS: '' }, '/auth');
    expect(response.status).toBe(200);
  });
});
