import { createHash } from 'node:crypto';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, demoFile, secrets, urls } from './context.ts';
import { buildGallery, type PagesDev, startPagesDev } from './pages-dev.ts';

// The Pages project for real: `wrangler pages dev` over the built SPA, its Pages Function
// forwarding the viewer's routes through the VIEWER service binding to the viewer the stack
// runs. Everything below goes through the Function, on the page's origin, as a browser on
// `<project>.pages.dev` would: login, listing, a Range of an original, a 304; bad input
// answered by the viewer unchanged; and a viewer that is not there → 503 JSON.

const PORT = 8790;
// The same project with its binding pointed at a worker nobody runs.
const DOWN_PORT = 8791;

let pages: PagesDev;
let down: PagesDev;
let cookie = '';

beforeAll(async () => {
  await buildGallery();
  [pages, down] = await Promise.all([
    startPagesDev(PORT),
    startPagesDev(DOWN_PORT, ['--service', 'VIEWER=edge-gallery-viewer-not-running']),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([pages?.stop(), down?.stop()]);
});

const page = (path: string, init: RequestInit = {}) =>
  fetch(`${pages.url}${path}`, {
    ...init,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...init.headers },
  });

/** A demo photo's original on the viewer's worker-served route (its fallback without S3
 * credentials), reached through the Function. */
async function firstPhoto() {
  const listing = (await (await page('/api/media?limit=50')).json()) as MediaPage;
  const photo = listing.items.find((item) => item.kind === 'image');
  const row = photo && demo.rows.find((r) => r.id === photo.id);
  if (!photo || !row) throw new Error('the demo has no photo');
  return { ...photo, fileUrl: `/api/file/${row.original_key}` };
}

describe('the Pages project (wrangler pages dev, service binding to the local viewer)', () => {
  it('serves the page itself from static assets, with its security headers', async () => {
    const response = await page('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    await response.body?.cancel();
  });

  it('logs in through the Function: the viewer’s Set-Cookie reaches the browser', async () => {
    const response = await page('/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: pages.url },
      body: JSON.stringify({ password: secrets.password }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    cookie = setCookie.split(';')[0]!;
    expect(await (await page('/auth')).json()).toMatchObject({ authenticated: true });
  });

  it('lists the gallery', async () => {
    const response = await page('/api/media?limit=5');
    expect(response.status).toBe(200);
    const listing = (await response.json()) as MediaPage;
    expect(listing.items.length).toBe(5);
    // The stack gives the viewer S3 credentials: media links are presigned on storage, not
    // paths through the Function (photo delivery never passes through a Worker).
    expect(listing.items[0]!.fileUrl).toMatch(/X-Amz-Signature=/);
  });

  it('passes Range through both ways: 206 with the original’s exact bytes', async () => {
    const photo = await firstPhoto();
    const response = await page(photo.fileUrl, { headers: { Range: 'bytes=100-1099' } });
    expect(response.status).toBe(206);
    const row = demo.rows.find((r) => r.id === photo.id)!;
    const original = demoFile(row.original_key);
    expect(response.headers.get('content-range')).toBe(`bytes 100-1099/${original.length}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      createHash('sha256').update(original.subarray(100, 1100)).digest('hex'),
    );
  });

  it('passes conditional requests through: 304 for the ETag it was given', async () => {
    const photo = await firstPhoto();
    const full = await page(photo.fileUrl);
    expect(full.status).toBe(200);
    const etag = full.headers.get('etag');
    await full.body?.cancel();
    expect(etag).toBeTruthy();
    const again = await page(photo.fileUrl, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('hides nothing and adds nothing: the viewer’s 4xx answers reach the browser unchanged', async () => {
    const cases: [string, RequestInit][] = [
      ['/api/media?limit=lots', {}],
      ['/api/media?cursor=forged', {}],
      ['/api/file/originals/..%2F..%2Fsecret', {}],
      ['/api/videos/no-such-video/playback', {}],
      ['/api/media', { headers: { Cookie: 'gallery_session=forged' } }],
      [
        '/login',
        {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain', Origin: pages.url },
          body: 'password',
        },
      ],
    ];
    for (const [path, init] of cases) {
      const through = await page(path, init);
      const direct = await fetch(`${urls.viewer}${path}`, {
        ...init,
        headers: {
          Cookie: cookie,
          ...init.headers,
          ...(path === '/login' ? { Origin: urls.viewer } : {}),
        },
      });
      expect(through.status, path).toBeGreaterThanOrEqual(400);
      expect(through.status, path).toBeLessThan(500);
      expect([through.status, await through.text()], path).toEqual([
        direct.status,
        await direct.text(),
      ]);
      expect(through.headers.get('content-type'), path).toBe(direct.headers.get('content-type'));
    }
  });

  it('refuses a cross-site login form as the viewer does (Origin passed through)', async () => {
    const response = await page('/login', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
      },
      body: 'password=guess',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'forbidden-origin' });
  });

  it('answers 503 JSON with Retry-After when the viewer is not there, never an error page', async () => {
    for (const path of ['/auth', '/api/media?limit=5']) {
      const response = await fetch(`${down.url}${path}`);
      expect(response.status, path).toBe(503);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(Number(response.headers.get('retry-after')), path).toBeGreaterThan(0);
      expect(await response.json(), path).toEqual({ error: 'viewer-unavailable' });
    }
    // The page itself is static and still there.
    const index = await fetch(`${down.url}/`);
    expect(index.status).toBe(200);
    await index.body?.cancel();
  });
});
