import { afterEach, describe, expect, it, vi } from 'vitest';
import { onRequest } from '../functions/[[path]].ts';
import { forwardToViewer, RETRY_AFTER_SECONDS, type ViewerBinding } from './viewer-proxy.ts';

// The Function as a specification; `wrangler pages dev` runs it for real in tools/e2e
// (pages-functions.e2e.ts).

/** A binding that records what it was handed and answers `answer`. */
function viewer(answer: (request: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  const binding: ViewerBinding = {
    async fetch(request) {
      seen.push(request);
      return answer(request);
    },
  };
  return { binding, seen };
}

const quiet = () => vi.spyOn(console, 'error').mockImplementation(() => {});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Pages Function', () => {
  it('hands the viewer the browser’s request itself: URL, method, every header, the body', async () => {
    const { binding, seen } = viewer(() => new Response('ok'));
    const request = new Request('https://gallery.pages.dev/login', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Cookie: 'a=1',
        Origin: 'https://gallery.pages.dev',
        'CF-Connecting-IP': '2001:db8::1',
        Range: 'bytes=0-9',
        'If-None-Match': '"e1"',
      },
      body: '{"password":"x"}',
    });
    await forwardToViewer(request, binding);
    expect(seen[0]).toBe(request);
    expect(await seen[0]!.text()).toBe('{"password":"x"}');
  });

  it('gives the browser the viewer’s response itself: status, Set-Cookie, headers, stream', async () => {
    const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('part')) });
    const answer = new Response(body, {
      status: 206,
      headers: { 'Set-Cookie': 'gallery_session=v; HttpOnly', 'Content-Range': 'bytes 0-3/9' },
    });
    const { binding } = viewer(() => answer);
    const response = await forwardToViewer(new Request('https://g.pages.dev/api/file/x'), binding);
    expect(response).toBe(answer);
  });

  it.each([400, 401, 403, 404, 413, 415, 416, 429])(
    'passes a %i from the viewer unchanged',
    async (status) => {
      const answer = Response.json({ error: 'x' }, { status, headers: { 'Retry-After': '60' } });
      const { binding } = viewer(() => answer);
      expect(await forwardToViewer(new Request('https://g.pages.dev/api/media'), binding)).toBe(
        answer,
      );
    },
  );

  it('passes the viewer’s own JSON 5xx (its reason, its Retry-After) unchanged', async () => {
    const answer = Response.json(
      { error: 'storage-unavailable' },
      { status: 503, headers: { 'Retry-After': '3' } },
    );
    const { binding } = viewer(() => answer);
    expect(await forwardToViewer(new Request('https://g.pages.dev/api/media'), binding)).toBe(
      answer,
    );
  });

  const expectUnavailable = async (response: Response) => {
    expect(response.status).toBe(503);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(response.headers.get('Retry-After')).toBe(String(RETRY_AFTER_SECONDS));
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'viewer-unavailable' });
  };

  it('answers 503 JSON with Retry-After when the viewer throws', async () => {
    quiet();
    const { binding } = viewer(() => {
      throw new Error('Worker threw exception');
    });
    await expectUnavailable(
      await forwardToViewer(new Request('https://g.pages.dev/auth'), binding),
    );
  });

  it.each([
    ['an HTML error page', 502, 'text/html', '<html>Error 1101</html>'],
    ['the dev registry’s “not running”', 503, 'text/plain', 'Couldn’t find a local dev session'],
    ['a bare 500', 500, '', ''],
  ])('answers 503 JSON for %s instead of passing it on', async (_, status, type, text) => {
    quiet();
    const { binding } = viewer(
      () => new Response(text, { status, headers: type ? { 'Content-Type': type } : {} }),
    );
    await expectUnavailable(
      await forwardToViewer(new Request('https://g.pages.dev/auth'), binding),
    );
  });

  it('answers 503 JSON when the binding is missing, and says why in the log only', async () => {
    const log = quiet();
    await expectUnavailable(
      await forwardToViewer(new Request('https://g.pages.dev/auth'), undefined),
    );
    expect(String(log.mock.calls[0]?.[0])).toContain('VIEWER');
  });

  it('routes only the viewer’s paths to the viewer; the rest goes on to the assets', async () => {
    const { binding, seen } = viewer(() => Response.json({ ok: true }));
    const next = vi.fn(async () => new Response('asset'));
    const call = (path: string) =>
      onRequest({
        request: new Request(`https://g.pages.dev${path}`),
        env: { VIEWER: binding },
        next,
      });
    await call('/api/media?limit=1');
    await call('/assets/index.js');
    await call('/api/hls/playlist?key=v');
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(['/api/media']);
    expect(next).toHaveBeenCalledTimes(2);
  });
});
