import { env } from 'cloudflare:workers';
import { preflight } from '@edge-gallery/http/test/preflight';
import { describe, expect, it, vi } from 'vitest';
import { call, callWith, signIn } from '../test/visitor.ts';

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
      await call('/api/media', preflight('http://localhost:5173', 'GET')),
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
