import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { callWith, clientAddress, signIn } from '../test/visitor.ts';

// A binding that fails or hangs answers 503 with Retry-After and a JSON reason, never a
// 500, never cached; with the binding back, the same request is answered normally.

const never = () => new Promise<never>(() => {});
const outage = () => Promise.reject(new Error('simulated outage'));

/** R2, KV or a rate limiter whose every call hangs or throws. */
function broken(mode: 'hang' | 'throw'): object {
  return new Proxy({}, { get: () => (mode === 'hang' ? never : outage) });
}

/** D1 whose statements hang or throw when they run (prepare and bind still answer). */
function brokenD1(mode: 'hang' | 'throw'): object {
  const run = mode === 'hang' ? never : outage;
  const statement: Record<string, unknown> = { first: run, all: run, run, raw: run };
  statement.bind = () => statement;
  return { prepare: () => statement, batch: run, exec: run };
}

let cookie: string;
beforeAll(async () => {
  await env.MEDIA.put('thumbnails/bound.webp', new Uint8Array([1, 2, 3]), {
    httpMetadata: { contentType: 'image/webp' },
  });
  await env.MEDIA.put('originals/bound.jpg', new Uint8Array([4, 5, 6]));
  cookie = await signIn();
});
const login = (): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': clientAddress() },
  body: JSON.stringify({ password: env.GALLERY_PASSWORD }),
});
const signedIn = (): RequestInit => ({ headers: { Cookie: cookie } });

type Case = [binding: string, reason: string, path: string, init: () => RequestInit | undefined];
const cases: Case[] = [
  ['CACHE_VERSION', 'kv-unavailable', '/api/cache-version', () => undefined],
  ['CACHE_VERSION', 'kv-unavailable', '/auth', signedIn],
  ['CACHE_VERSION', 'kv-unavailable', '/api/media', signedIn],
  ['CACHE_VERSION', 'kv-unavailable', '/login', login],
  ['DB', 'database-unavailable', '/api/media', signedIn],
  ['DB', 'database-unavailable', '/api/videos/v1/playback', signedIn],
  ['DB', 'database-unavailable', '/api/file/originals/bound.jpg?download=1', signedIn],
  ['MEDIA', 'storage-unavailable', '/api/thumbnail/thumbnails/bound.webp', signedIn],
  ['MEDIA', 'storage-unavailable', '/api/file/originals/bound.jpg', signedIn],
  ['LOGIN_LIMITER', 'rate-limiter-unavailable', '/login', login],
];

describe('a binding that fails or hangs', () => {
  for (const mode of ['hang', 'throw'] as const) {
    it.each(cases)(`${mode}: %s (%s) on %s → 503`, async (binding, reason, path, init) => {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      const replacement = binding === 'DB' ? brokenD1(mode) : broken(mode);
      const response = await callWith(
        { [binding]: replacement, BINDING_TIMEOUT_MS: '30' },
        path,
        init(),
      );
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: reason });
      expect(response.headers.get('Retry-After')).toBe('1');
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(response.headers.get('ETag')).toBeNull();
      expect(response.headers.getSetCookie()).toEqual([]);

      // Back to normal at once: nothing of the failure was kept.
      const healthy = await callWith({}, path, init());
      expect(healthy.status).toBeLessThan(500);
      await healthy.body?.cancel();
    });
  }
});
