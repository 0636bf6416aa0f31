import { describe, expect, it } from 'vitest';
import { ApiError, createViewerApi, downloadUrl, parseMediaPage, parseRetryAfter } from './api.ts';

const base = 'http://viewer.test';

type Call = { url: string; init: RequestInit };

/** A fetch that answers from a list of responses, recording every call. */
function fakeFetch(...responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (body: unknown, status = 200, headers: HeadersInit = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const photo = {
  id: 'p1',
  kind: 'image',
  title: 'Cake',
  takenAt: '2026-06-01T12:00:00Z',
  width: 4000,
  height: 3000,
  thumbnailUrl: '/api/thumbnail/thumbnails/p1.webp?v=3',
  fileUrl: '/api/file/originals/p1.jpg',
};

describe('viewer API client', () => {
  it('sends every request to the page’s origin, with the cookie only there', async () => {
    const { calls, fetch } = fakeFetch(json({ authenticated: false }));
    await createViewerApi({ base, fetch }).auth();
    expect(calls[0]?.url).toBe('http://viewer.test/auth');
    expect(calls[0]?.init.credentials).toBe('same-origin');
  });

  describe('login', () => {
    it('posts the password as JSON and returns the session expiry', async () => {
      const { calls, fetch } = fakeFetch(json({ ok: true, expiresAt: 1_900_000_000 }));
      const result = await createViewerApi({ base, fetch }).login('s3cret');
      expect(result).toEqual({ ok: true, expiresAt: 1_900_000_000 });
      expect(calls[0]?.url).toBe('http://viewer.test/login');
      expect(calls[0]?.init.method).toBe('POST');
      expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ password: 's3cret' });
    });

    it('tells a wrong password apart from other failures', async () => {
      const { fetch } = fakeFetch(json({ error: 'wrong-password' }, 401));
      expect(await createViewerApi({ base, fetch }).login('x')).toEqual({
        ok: false,
        reason: 'wrong-password',
      });
    });

    it('reports rate limiting with the Retry-After delay', async () => {
      const { fetch } = fakeFetch(json({ error: 'rate-limited' }, 429, { 'retry-after': '42' }));
      expect(await createViewerApi({ base, fetch }).login('x')).toEqual({
        ok: false,
        reason: 'rate-limited',
        retryAfterSeconds: 42,
      });
    });

    it('reports rate limiting without a delay when Retry-After is not readable', async () => {
      // Cross-origin, Retry-After is only visible when the viewer exposes it (CORS).
      const { fetch } = fakeFetch(json({ error: 'rate-limited' }, 429));
      expect(await createViewerApi({ base, fetch }).login('x')).toEqual({
        ok: false,
        reason: 'rate-limited',
        retryAfterSeconds: undefined,
      });
    });

    it('reports an unreachable or failing viewer as unavailable', async () => {
      const { fetch } = fakeFetch(new TypeError('Failed to fetch'), json({ error: 'x' }, 503));
      const api = createViewerApi({ base, fetch });
      expect(await api.login('x')).toEqual({ ok: false, reason: 'unavailable' });
      expect(await api.login('x')).toEqual({ ok: false, reason: 'unavailable' });
    });
  });

  describe('auth', () => {
    it('reads a valid session', async () => {
      const { fetch } = fakeFetch(json({ authenticated: true, expiresAt: 123 }));
      expect(await createViewerApi({ base, fetch }).auth()).toEqual({
        authenticated: true,
        expiresAt: 123,
      });
    });

    it('treats anything but a clear yes as signed out', async () => {
      const { fetch } = fakeFetch(json({ authenticated: 'yes' }));
      expect(await createViewerApi({ base, fetch }).auth()).toEqual({ authenticated: false });
    });

    it('throws when the viewer cannot be reached, so the page can offer a retry', async () => {
      const { fetch } = fakeFetch(new TypeError('Failed to fetch'));
      await expect(createViewerApi({ base, fetch }).auth()).rejects.toEqual(
        new ApiError(0, 'network'),
      );
    });
  });

  describe('listMedia', () => {
    it('asks for the first page without a cursor, then with the given one', async () => {
      const { calls, fetch } = fakeFetch(
        json({ items: [photo], nextCursor: 'c1' }),
        json({ items: [], nextCursor: null }),
      );
      const api = createViewerApi({ base, fetch });
      await api.listMedia({ cursor: null, limit: 60 });
      await api.listMedia({ cursor: 'c1', limit: 60 });
      expect(calls.map((c) => c.url)).toEqual([
        'http://viewer.test/api/media?limit=60',
        'http://viewer.test/api/media?limit=60&cursor=c1',
      ]);
    });

    it('signals a lost session on 401 and throws', async () => {
      let signalled = 0;
      const { fetch } = fakeFetch(json({ error: 'unauthenticated' }, 401));
      const api = createViewerApi({ base, fetch, onUnauthenticated: () => signalled++ });
      await expect(api.listMedia({ cursor: null, limit: 1 })).rejects.toMatchObject({
        status: 401,
      });
      expect(signalled).toBe(1);
    });

    it('carries the JSON error reason of other failures', async () => {
      const { fetch } = fakeFetch(json({ error: 'bad-cursor' }, 400));
      await expect(
        createViewerApi({ base, fetch }).listMedia({ cursor: 'junk', limit: 1 }),
      ).rejects.toEqual(new ApiError(400, 'bad-cursor'));
    });
  });

  describe('playback', () => {
    it('fetches a token for one video', async () => {
      const { calls, fetch } = fakeFetch(
        json({ query: 'scope=hls%2Fv1%2F&exp=9&bucket=3&kid=k1&sig=abc', expiresAt: 9 }),
      );
      const token = await createViewerApi({ base, fetch }).playback('v 1');
      expect(calls[0]?.url).toBe('http://viewer.test/api/videos/v%201/playback');
      expect(token).toEqual({
        query: 'scope=hls%2Fv1%2F&exp=9&bucket=3&kid=k1&sig=abc',
        expiresAt: 9,
      });
    });

    it('rejects a malformed token answer', async () => {
      const { fetch } = fakeFetch(json({ query: 5 }));
      await expect(createViewerApi({ base, fetch }).playback('v1')).rejects.toMatchObject({
        reason: 'bad-response',
      });
    });
  });
});

describe('media page parsing', () => {
  it('resolves thumbnail and file paths against the viewer’s base', () => {
    const page = parseMediaPage({ items: [photo], nextCursor: null }, 'https://api.example/');
    expect(page.items[0]?.thumbnailUrl).toBe(
      'https://api.example/api/thumbnail/thumbnails/p1.webp?v=3',
    );
    expect(page.items[0]?.fileUrl).toBe('https://api.example/api/file/originals/p1.jpg');
  });

  it('keeps video id and duration of videos', () => {
    const video = { ...photo, id: 'v1', kind: 'video', videoId: 'vid1', durationSec: 83.4 };
    const page = parseMediaPage({ items: [video], nextCursor: 'n' }, base);
    expect(page).toMatchObject({
      items: [{ id: 'v1', kind: 'video', videoId: 'vid1', durationSec: 83.4 }],
      nextCursor: 'n',
    });
  });

  it('keeps a listed video’s playback token, and drops a malformed one', () => {
    const token = { query: '?scope=hls%2Fvid1%2F&exp=9&bucket=1&kid=k1&sig=s', expiresAt: 9 };
    const page = parseMediaPage(
      {
        items: [
          { ...photo, id: 'v1', kind: 'video', videoId: 'vid1', playback: token },
          { ...photo, id: 'v2', kind: 'video', videoId: 'vid2', playback: { query: 1 } },
          { ...photo, id: 'p2', playback: token },
        ],
      },
      base,
    );
    expect(page.items.map((item) => item.playback)).toEqual([
      { query: 'scope=hls%2Fvid1%2F&exp=9&bucket=1&kid=k1&sig=s', expiresAt: 9 },
      undefined,
      undefined,
    ]);
  });

  it('skips malformed rows instead of failing the page', () => {
    const page = parseMediaPage(
      {
        items: [photo, { id: 'x' }, null, { ...photo, id: 'v', kind: 'audio' }],
        nextCursor: null,
      },
      base,
    );
    expect(page.items.map((item) => item.id)).toEqual(['p1']);
  });

  it('keeps a video without a video id: it plays from its original', () => {
    const page = parseMediaPage({ items: [{ ...photo, id: 'v', kind: 'video' }] }, base);
    expect(page.items[0]).toMatchObject({ id: 'v', kind: 'video' });
    expect(page.items[0]!.videoId).toBeUndefined();
  });

  it('gives items without a size a 3:2 placeholder', () => {
    const page = parseMediaPage({ items: [{ ...photo, width: 0, height: null }] }, base);
    expect(page.items[0]).toMatchObject({ width: 3, height: 2 });
  });

  it('treats a missing or empty next cursor as the end', () => {
    expect(parseMediaPage({ items: [] }, base).nextCursor).toBeNull();
    expect(parseMediaPage({ items: [], nextCursor: '' }, base).nextCursor).toBeNull();
  });

  it('rejects a body that is not a page', () => {
    expect(() => parseMediaPage({ items: 'no' }, base)).toThrow(ApiError);
  });
});

describe('download links', () => {
  it('asks the viewer for an attachment with download=1', () => {
    expect(downloadUrl('http://viewer.test/api/file/originals/p1.jpg')).toBe(
      'http://viewer.test/api/file/originals/p1.jpg?download=1',
    );
  });

  it('appends to a query the URL already has, leaving it as it was', () => {
    expect(downloadUrl('http://viewer.test/api/file/originals/p1.jpg?v=2&a=b%20c+d')).toBe(
      'http://viewer.test/api/file/originals/p1.jpg?v=2&a=b%20c+d&download=1',
    );
    expect(downloadUrl('http://viewer.test/api/file/originals/p1.jpg?')).toBe(
      'http://viewer.test/api/file/originals/p1.jpg?download=1',
    );
  });

  it('keeps the encoded key and puts the query before a fragment', () => {
    expect(downloadUrl('http://viewer.test/api/file/originals/F%C3%AAte%20%231.mp4#t=5')).toBe(
      'http://viewer.test/api/file/originals/F%C3%AAte%20%231.mp4?download=1#t=5',
    );
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('30', now)).toBe(30);
  });

  it('reads an HTTP date as seconds from now, rounded up', () => {
    expect(parseRetryAfter('Mon, 01 Jun 2026 12:01:00 GMT', now)).toBe(60);
  });

  it('never goes negative and ignores junk', () => {
    expect(parseRetryAfter('Mon, 01 Jun 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
