import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSameOrigin } from './dev-proxy.ts';
import { isViewerPath, notViewerRoutes, viewerRoutes } from './viewer-routes.ts';

describe('the viewer’s routes on the page’s origin', () => {
  it.each([
    '/login',
    '/logout',
    '/auth',
    '/auth?x=1',
    '/api/media',
    '/api/media?limit=5&cursor=abc',
    '/api/file/originals/p1.jpg',
    '/api/thumbnail/thumbnails/p1.webp?v=3',
    '/api/videos/v1/playback',
    '/api/cache-version',
  ])('forwards %s', (path) => {
    expect(isViewerPath(path)).toBe(true);
  });

  it.each([
    '/',
    '/index.html',
    '/assets/index-abc.js',
    '/login.html',
    '/loginx',
    '/authority',
    '/api',
    '/api/hls/playlist?key=v1',
    '/api/hls/v1/720p/seg-1.m4s',
    '/src/api.ts',
  ])('leaves %s to the page', (path) => {
    expect(isViewerPath(path)).toBe(false);
  });

  it('is what public/_routes.json gives the Pages Function, and nothing else', () => {
    const routes = JSON.parse(
      readFileSync(new URL('../public/_routes.json', import.meta.url), 'utf8'),
    ) as { version: number; include: string[]; exclude: string[] };
    expect(routes.version).toBe(1);
    expect(routes.include).toEqual([...viewerRoutes]);
    expect(routes.exclude).toEqual([...notViewerRoutes]);
  });
});

describe('the dev proxy’s same-origin test', () => {
  const request = (headers: Record<string, string>, encrypted = false) => ({
    headers,
    socket: Object.assign(Object.create(null), { encrypted }),
  });

  it('knows a request from the dev server’s own page, by any host name', () => {
    for (const host of ['localhost:5173', '127.0.0.1:5173', '192.168.1.20:5173']) {
      expect(isSameOrigin(request({ host, origin: `http://${host}` }) as never)).toBe(true);
    }
    expect(
      isSameOrigin(request({ host: 'gallery.lan', origin: 'https://gallery.lan' }, true) as never),
    ).toBe(true);
  });

  it('leaves any other Origin to the viewer’s CSRF check', () => {
    for (const origin of ['https://evil.example', 'http://localhost:5174', 'null']) {
      expect(isSameOrigin(request({ host: 'localhost:5173', origin }) as never)).toBe(false);
    }
    expect(
      isSameOrigin(request({ host: 'gallery.lan', origin: 'http://gallery.lan' }, true) as never),
    ).toBe(false);
    expect(isSameOrigin(request({ host: 'localhost:5173' }) as never)).toBe(false);
  });
});
