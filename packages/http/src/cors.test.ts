import { describe, expect, it } from 'vitest';
import { cors } from './cors.ts';

const SPA = 'http://localhost:5173';
const ALLOWED = [SPA, 'https://gallery.example'];

function request(init: { origin?: string; method?: string; headers?: Record<string, string> }) {
  const headers = new Headers(init.headers);
  if (init.origin !== undefined) headers.set('Origin', init.origin);
  return new Request('https://api.example/api/media', {
    method: init.method ?? 'GET',
    headers,
  });
}

function preflightRequest(origin: string, method = 'POST', requestHeaders = 'content-type') {
  return request({
    origin,
    method: 'OPTIONS',
    headers: {
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': requestHeaders,
    },
  });
}

describe('cors: actual requests', () => {
  it('allows a listed origin with credentials', () => {
    const response = cors(request({ origin: SPA }), ALLOWED, { credentials: true }).apply(
      new Response('ok'),
    );
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('Content-Range');
    expect(response.headers.get('Vary')).toBe('Origin');
  });

  it('sends no credentials header unless asked', () => {
    const response = cors(request({ origin: SPA }), ALLOWED).apply(new Response('ok'));
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    expect(response.headers.has('Access-Control-Allow-Credentials')).toBe(false);
  });

  it.each([
    ['an unlisted origin', 'https://evil.example'],
    ['a look-alike suffix', 'http://localhost:5173.evil.example'],
    ['another port', 'http://localhost:5174'],
    ['another scheme', 'https://localhost:5173'],
    ['a trailing slash', 'http://localhost:5173/'],
    ['the opaque origin', 'null'],
    ['a wildcard', '*'],
  ])('denies %s', (_, origin) => {
    const response = cors(request({ origin }), ALLOWED, { credentials: true }).apply(
      new Response('ok'),
    );
    expect(response.headers.has('Access-Control-Allow-Origin')).toBe(false);
    expect(response.headers.has('Access-Control-Allow-Credentials')).toBe(false);
    expect(response.headers.get('Vary')).toBe('Origin');
  });

  it('never allows the opaque origin, even when listed', () => {
    const response = cors(request({ origin: 'null' }), ['null'], { credentials: true }).apply(
      new Response('ok'),
    );
    expect(response.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });

  it('adds Vary: Origin without an Origin header, since the answer depends on it', () => {
    const response = cors(request({}), ALLOWED).apply(new Response('ok'));
    expect(response.headers.get('Vary')).toBe('Origin');
    expect(response.headers.has('Access-Control-Allow-Origin')).toBe(false);
  });

  it('keeps an existing Vary and does not repeat Origin', () => {
    const apply = cors(request({ origin: SPA }), ALLOWED).apply;
    const withAccept = apply(new Response('ok', { headers: { Vary: 'Accept-Encoding' } }));
    expect(withAccept.headers.get('Vary')).toBe('Accept-Encoding, Origin');
    const withOrigin = apply(new Response('ok', { headers: { Vary: 'origin' } }));
    expect(withOrigin.headers.get('Vary')).toBe('origin');
  });

  it('works on responses with immutable headers and keeps status and body', async () => {
    const redirect = Response.redirect('https://storage.example/x', 302);
    const response = cors(request({ origin: SPA }), ALLOWED).apply(redirect);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('https://storage.example/x');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    const body = cors(request({ origin: SPA }), ALLOWED).apply(
      new Response('hello', { status: 201 }),
    );
    expect(body.status).toBe(201);
    expect(await body.text()).toBe('hello');
  });
});

describe('cors: preflight', () => {
  it('is undefined for a request that is not a preflight', () => {
    expect(cors(request({ origin: SPA }), ALLOWED).preflight()).toBeUndefined();
    expect(cors(request({ origin: SPA, method: 'OPTIONS' }), ALLOWED).preflight()).toBeUndefined();
  });

  it('answers 204 for a listed origin, with credentials, methods and the asked headers', () => {
    const response = cors(preflightRequest(SPA, 'POST', 'content-type, range'), ALLOWED, {
      credentials: true,
    }).preflight();
    expect(response?.status).toBe(204);
    expect(response?.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    expect(response?.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response?.headers.get('Access-Control-Allow-Methods')).toBe('GET, HEAD, POST');
    expect(response?.headers.get('Access-Control-Allow-Headers')).toBe('content-type, range');
    expect(response?.headers.get('Access-Control-Max-Age')).toBe('600');
    expect(response?.headers.get('Vary')).toContain('Origin');
  });

  it('refuses an unlisted origin with 403 and no CORS grant', async () => {
    const response = cors(preflightRequest('https://evil.example'), ALLOWED, {
      credentials: true,
    }).preflight();
    expect(response?.status).toBe(403);
    expect(response?.headers.has('Access-Control-Allow-Origin')).toBe(false);
    expect(response?.headers.has('Access-Control-Allow-Credentials')).toBe(false);
    expect(response?.headers.get('Vary')).toContain('Origin');
    expect(await response?.json()).toEqual({ error: 'cors-not-allowed' });
  });

  it('refuses a method outside the list', () => {
    const response = cors(preflightRequest(SPA, 'DELETE'), ALLOWED).preflight();
    expect(response?.status).toBe(403);
  });

  it('takes the allowed methods from the options', () => {
    const response = cors(preflightRequest(SPA, 'PUT'), ALLOWED, {
      methods: ['GET', 'PUT'],
    }).preflight();
    expect(response?.status).toBe(204);
    expect(response?.headers.get('Access-Control-Allow-Methods')).toBe('GET, PUT');
  });
});
