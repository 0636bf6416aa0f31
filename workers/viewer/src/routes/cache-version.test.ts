import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call } from '../../test/visitor.ts';

afterEach(async () => {
  await env.CACHE_VERSION.delete('auth_version');
  await env.CACHE_VERSION.delete('thumbnail_version');
});

describe('GET /api/cache-version', () => {
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
});
