import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerDevProxy } from './dev-proxy.ts';

// The dev proxy for real: a Vite dev server with it, in front of a stand-in viewer that
// answers with what it received.

let viewer: Server;
let viewerOrigin: string;
let vite: ViteDevServer;
let page: string;

beforeAll(async () => {
  viewer = createHttpServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.setHeader('x-answered-by', 'viewer');
    response.setHeader('set-cookie', 'gallery_session=v; Path=/; HttpOnly; SameSite=Lax');
    response.end(JSON.stringify({ url: request.url, headers: request.headers }));
  });
  await new Promise<void>((resolve) => viewer.listen(0, '127.0.0.1', resolve));
  viewerOrigin = `http://127.0.0.1:${(viewer.address() as AddressInfo).port}`;
  vite = await createServer({
    configFile: false,
    logLevel: 'silent',
    root: new URL('.', import.meta.url).pathname,
    server: { host: '127.0.0.1', port: 0, proxy: viewerDevProxy(viewerOrigin), ws: false },
  });
  await vite.listen();
  page = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await vite?.close();
  await new Promise((resolve) => viewer?.close(resolve));
});

type Echo = { url: string; headers: Record<string, string> };

describe('the dev server’s proxy to the viewer', () => {
  it('forwards the viewer’s routes, addressed to the viewer, with the Set-Cookie back', async () => {
    const response = await fetch(`${page}/api/media?limit=5`, {
      headers: { cookie: 'gallery_session=v', range: 'bytes=0-9' },
    });
    expect(response.headers.get('x-answered-by')).toBe('viewer');
    const echo = (await response.json()) as Echo;
    expect(echo.url).toBe('/api/media?limit=5');
    expect(echo.headers.host).toBe(new URL(viewerOrigin).host);
    expect(echo.headers.cookie).toBe('gallery_session=v');
    expect(echo.headers.range).toBe('bytes=0-9');
    expect(response.headers.get('set-cookie')).toContain('gallery_session=v');
  });

  it('keeps a POST from the page’s own origin same-origin for the viewer’s CSRF check', async () => {
    const response = await fetch(`${page}/login`, { method: 'POST', headers: { origin: page } });
    expect(((await response.json()) as Echo).headers.origin).toBe(viewerOrigin);
  });

  it('passes any other Origin unchanged, for the viewer to refuse', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:5174', 'null']) {
      const response = await fetch(`${page}/login`, { method: 'POST', headers: { origin } });
      expect(((await response.json()) as Echo).headers.origin).toBe(origin);
    }
  });

  it('leaves the page’s own paths and the video worker’s /api/hls/ alone', async () => {
    for (const path of ['/', '/api/hls/playlist?key=v1', '/loginx']) {
      const response = await fetch(`${page}${path}`);
      expect(response.headers.get('x-answered-by'), path).toBeNull();
      await response.body?.cancel();
    }
  });
});
