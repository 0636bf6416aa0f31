import { preflight } from '@edge-gallery/http/test/preflight';
import { describe, expect, it } from 'vitest';
import { call } from '../test/visitor.ts';

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

  it('answers unknown paths with a JSON 404', async () => {
    const response = await call('/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not-found' });
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
    const response = await call(
      '/login',
      preflight('http://127.0.0.1:5173', 'POST', 'content-type'),
    );
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
      const refused = await call('/api/media', preflight(origin, 'GET'));
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
    }
  });
});
