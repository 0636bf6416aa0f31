import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { serveObject } from './serve-object.ts';

// Keys of this file only: the local bucket is shared by every test file of a run.
const KEY = 'serve-object/photo.jpg';
const TYPED_KEY = 'serve-object/typed.bin';
const BIG_KEY = 'serve-object/big.mp4';
const EMPTY_KEY = 'serve-object/empty.txt';
const CONTENT = new TextEncoder().encode('0123456789abcdefghijklmnopqrstuvwxyz'); // 36 bytes
const SIZE = CONTENT.byteLength;
const BIG_SIZE = 8 * 1024 * 1024;

let etag: string;
let lastModified: string;
let uploaded: Date;

beforeAll(async () => {
  const stored = await env.MEDIA.put(KEY, CONTENT);
  etag = stored!.httpEtag;
  uploaded = stored!.uploaded;
  lastModified = uploaded.toUTCString();
  await env.MEDIA.put(TYPED_KEY, CONTENT, {
    httpMetadata: { contentType: 'image/webp', cacheControl: 'private, max-age=60' },
  });
  await env.MEDIA.put(EMPTY_KEY, new Uint8Array());
  const big = new Uint8Array(BIG_SIZE);
  for (let i = 0; i < BIG_SIZE; i++) big[i] = (i * 31 + (i >> 12)) & 0xff;
  await env.MEDIA.put(BIG_KEY, big);
});

/** The real local bucket, with a record of what was asked of it and of its objects. */
function observed() {
  const calls: string[] = [];
  const bodyReads: string[] = [];
  const watch = <T extends object>(object: T): T =>
    new Proxy(object, {
      get(target, property) {
        if (['arrayBuffer', 'text', 'json', 'blob', 'bytes'].includes(String(property))) {
          bodyReads.push(String(property));
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const bucket = {
    head: (key: string) => {
      calls.push('head');
      return env.MEDIA.head(key);
    },
    get: async (key: string, options?: R2GetOptions) => {
      calls.push(options?.range === undefined ? 'get' : 'get-range');
      const object = await env.MEDIA.get(key, options);
      return object === null ? null : watch(object);
    },
  } as unknown as R2Bucket;
  return { bucket, calls, bodyReads };
}

function serve(headers: Record<string, string> = {}, method = 'GET', key = KEY) {
  const request = new Request(`https://media.example/api/file/${key}`, { method, headers });
  return serveObject(request, env.MEDIA, key);
}

/** The body as text, without Response.text() (it warns on non-text Content-Types). */
async function text(response: Response) {
  return new TextDecoder().decode(await response.arrayBuffer());
}

describe('serveObject: plain GET and HEAD', () => {
  it('answers 200 with the body, validators and lengths', async () => {
    const response = await serve();
    expect(response.status).toBe(200);
    expect(await text(response)).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
    expect(response.headers.get('ETag')).toBe(etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(response.headers.get('Last-Modified')).toBe(lastModified);
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('uses one R2 get for a plain GET', async () => {
    const { bucket, calls } = observed();
    await serveObject(new Request('https://media.example/x'), bucket, KEY);
    expect(calls).toEqual(['get']);
  });

  it('answers HEAD with the same headers and no body', async () => {
    const response = await serve({}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(response.headers.get('ETag')).toBe(etag);
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
  });

  it('answers HEAD from R2 metadata alone', async () => {
    const { bucket, calls } = observed();
    await serveObject(new Request('https://media.example/x', { method: 'HEAD' }), bucket, KEY);
    expect(calls).toEqual(['head']);
  });

  it('ignores Range on HEAD (RFC 9110 §14.2)', async () => {
    const response = await serve({ Range: 'bytes=0-0' }, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(response.headers.has('Content-Range')).toBe(false);
  });

  it('answers a missing key with 404 JSON, uncached', async () => {
    for (const method of ['GET', 'HEAD']) {
      const response = await serve({}, method, 'serve-object/missing.jpg');
      expect(response.status).toBe(404);
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      if (method === 'GET') expect(await response.json()).toEqual({ error: 'not-found' });
    }
    const ranged = await serve({ Range: 'bytes=0-0' }, 'GET', 'serve-object/missing.jpg');
    expect(ranged.status).toBe(404);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const response = await serve({}, 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD');
    expect(await response.json()).toEqual({ error: 'method-not-allowed' });
  });
});

describe('serveObject: Content-Type and caller headers', () => {
  it('takes Content-Type and Cache-Control from the stored httpMetadata', async () => {
    const response = await serve({}, 'GET', TYPED_KEY);
    expect(response.headers.get('Content-Type')).toBe('image/webp');
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=60');
  });

  it('falls back to the extension', async () => {
    expect((await serve({}, 'GET', BIG_KEY)).headers.get('Content-Type')).toBe('video/mp4');
    expect((await serve({}, 'HEAD', EMPTY_KEY)).headers.get('Content-Type')).toBe(
      'text/plain; charset=utf-8',
    );
  });

  it('serves only expected media types as themselves; anything else is a download', async () => {
    const cases: [stored: string | undefined, key: string, sent: string][] = [
      ['image/jpeg', 'content-type/a.jpg', 'image/jpeg'],
      ['IMAGE/JPEG; charset=x', 'content-type/b.jpg', 'image/jpeg'],
      ['video/mp4', 'content-type/c.bin', 'video/mp4'],
      ['application/x-mpegURL', 'content-type/d.m3u8', 'application/vnd.apple.mpegurl'],
      ['text/html', 'content-type/e.jpg', 'application/octet-stream'],
      ['text/html; charset=utf-8', 'content-type/f.html', 'application/octet-stream'],
      ['image/svg+xml', 'content-type/g.svg', 'application/octet-stream'],
      ['application/javascript', 'content-type/h.mp4', 'application/octet-stream'],
      ['application/xhtml+xml', 'content-type/i.webp', 'application/octet-stream'],
      [undefined, 'content-type/j.svg', 'application/octet-stream'],
      [undefined, 'content-type/k.html', 'application/octet-stream'],
      [undefined, 'content-type/l.webp', 'image/webp'],
    ];
    for (const [stored, key, sent] of cases) {
      await env.MEDIA.put(key, CONTENT, stored ? { httpMetadata: { contentType: stored } } : {});
      for (const headers of [{}, { Range: 'bytes=0-3' }]) {
        const response = await serveObject(
          new Request('https://media.example/x', { headers }),
          env.MEDIA,
          key,
        );
        expect(response.headers.get('Content-Type'), `${stored} ${key}`).toBe(sent);
        expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
        const disposition = response.headers.get('Content-Disposition');
        expect(disposition, `${stored} ${key}`).toBe(
          sent === 'application/octet-stream' ? 'attachment' : null,
        );
        await response.body?.cancel();
      }
    }
    // A caller's own attachment (a named download) still wins.
    const named = await serveObject(
      new Request('https://media.example/x'),
      env.MEDIA,
      'content-type/e.jpg',
      {
        headers: { 'Content-Disposition': 'attachment; filename="e.jpg"' },
      },
    );
    expect(named.headers.get('Content-Disposition')).toBe('attachment; filename="e.jpg"');
    await named.body?.cancel();
  });

  it('lets cacheControl win and adds the caller’s headers', async () => {
    const request = new Request('https://media.example/x');
    const response = await serveObject(request, env.MEDIA, TYPED_KEY, {
      cacheControl: 'private, max-age=31536000, immutable',
      headers: { 'Server-Timing': 'r2;dur=1' },
    });
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=31536000, immutable');
    expect(response.headers.get('Server-Timing')).toBe('r2;dur=1');
  });

  it('does not let caller headers replace the validators', async () => {
    const request = new Request('https://media.example/x');
    const response = await serveObject(request, env.MEDIA, KEY, {
      headers: { ETag: '"forged"', 'Last-Modified': 'Thu, 01 Jan 1970 00:00:00 GMT' },
    });
    expect(response.headers.get('ETag')).toBe(etag);
    expect(response.headers.get('Last-Modified')).toBe(lastModified);
  });

  it('never sends hop-by-hop headers', async () => {
    const hopByHop = {
      Connection: 'close',
      'Keep-Alive': 'timeout=5',
      'Transfer-Encoding': 'chunked',
      Upgrade: 'h2c',
      TE: 'trailers',
      Trailer: 'Expires',
    };
    for (const headers of [{}, { 'If-None-Match': '*' }, { Range: 'bytes=0-1' }]) {
      const request = new Request('https://media.example/x', { headers });
      const response = await serveObject(request, env.MEDIA, KEY, { headers: hopByHop });
      for (const name of Object.keys(hopByHop)) expect(response.headers.has(name)).toBe(false);
    }
  });

  it('keeps caller headers off error answers', async () => {
    const request = new Request('https://media.example/x');
    const response = await serveObject(request, env.MEDIA, 'serve-object/missing', {
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });
});

describe('serveObject: Range', () => {
  it.each([
    ['bytes=0-0', 0, 0, '0'],
    ['bytes=0-9', 0, 9, '0123456789'],
    ['bytes=30-', 30, 35, 'uvwxyz'],
    ['bytes=35-', 35, 35, 'z'],
    ['bytes=-3', 33, 35, 'xyz'],
    ['bytes=-1000', 0, 35, '0123456789abcdefghijklmnopqrstuvwxyz'],
    ['bytes=10-1000', 10, 35, 'abcdefghijklmnopqrstuvwxyz'],
    ['bytes=0-', 0, 35, '0123456789abcdefghijklmnopqrstuvwxyz'],
  ])('%s → 206 bytes %i-%i', async (range, first, last, body) => {
    const response = await serve({ Range: range });
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe(`bytes ${first}-${last}/${SIZE}`);
    expect(response.headers.get('Content-Length')).toBe(String(last - first + 1));
    expect(response.headers.get('ETag')).toBe(etag);
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(await text(response)).toBe(body);
  });

  it.each(['bytes=36-', 'bytes=36-40', 'bytes=1000-2000', 'bytes=-0'])(
    '%s → 416 with Content-Range bytes */size',
    async (range) => {
      const response = await serve({ Range: range });
      expect(response.status).toBe(416);
      expect(response.headers.get('Content-Range')).toBe(`bytes */${SIZE}`);
      expect(await response.json()).toEqual({ error: 'range-not-satisfiable' });
    },
  );

  it.each([
    ['reversed', 'bytes=10-5'],
    ['junk', 'bytes=abc'],
    ['another unit', 'items=0-1'],
    ['multi-range', 'bytes=0-1,5-6'],
    ['multi-range with a suffix', 'bytes=0-0,-1'],
  ])('%s (%s) → the whole object with 200', async (_, range) => {
    const response = await serve({ Range: range });
    expect(response.status).toBe(200);
    expect(response.headers.has('Content-Range')).toBe(false);
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(await text(response)).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
  });

  it('asks R2 for just the range, in one operation', async () => {
    const { bucket, calls } = observed();
    const request = new Request('https://media.example/x', { headers: { Range: 'bytes=-3' } });
    const response = await serveObject(request, bucket, KEY);
    expect(await text(response)).toBe('xyz');
    expect(calls).toEqual(['get-range']);
  });

  it('learns the size for a 416 from metadata, after R2 refuses the range', async () => {
    const { bucket, calls } = observed();
    const request = new Request('https://media.example/x', { headers: { Range: 'bytes=99-' } });
    expect((await serveObject(request, bucket, KEY)).status).toBe(416);
    expect(calls).toEqual(['get-range', 'head']);
  });

  it('answers bytes=-0 from metadata alone', async () => {
    const { bucket, calls } = observed();
    const request = new Request('https://media.example/x', { headers: { Range: 'bytes=-0' } });
    expect((await serveObject(request, bucket, KEY)).status).toBe(416);
    expect(calls).toEqual(['head']);
  });

  it('does not trust a range the store resolved differently', async () => {
    // A store that ignores the first range it is asked for, like a proxy might.
    let first = true;
    const ignoringRange = {
      head: (key: string) => env.MEDIA.head(key),
      get: (key: string, options?: R2GetOptions) => {
        if (!first) return env.MEDIA.get(key, options);
        first = false;
        return env.MEDIA.get(key);
      },
    } as unknown as R2Bucket;
    const request = new Request('https://media.example/x', { headers: { Range: 'bytes=1-2' } });
    const response = await serveObject(request, ignoringRange, KEY);
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe(`bytes 1-2/${SIZE}`);
    expect(await text(response)).toBe('12');
  });

  describe('with If-Range', () => {
    it('applies the range while the ETag matches strongly', async () => {
      const response = await serve({ Range: 'bytes=0-0', 'If-Range': etag });
      expect(response.status).toBe(206);
    });

    it('applies the range while the date is exactly Last-Modified', async () => {
      const response = await serve({ Range: 'bytes=0-0', 'If-Range': lastModified });
      expect(response.status).toBe(206);
    });

    it.each([
      ['another ETag', '"other"'],
      ['a weak ETag (never matches strongly)', `W/${'"x"'}`],
      ['another date', 'Thu, 01 Jan 1970 00:00:00 GMT'],
      ['junk', 'yesterday'],
    ])('sends the whole object for %s', async (_, ifRange) => {
      const response = await serve({ Range: 'bytes=0-0', 'If-Range': ifRange });
      expect(response.status).toBe(200);
      expect(await text(response)).toHaveLength(SIZE);
    });

    it('sends the whole object for a weak form of the current ETag', async () => {
      const response = await serve({ Range: 'bytes=0-0', 'If-Range': `W/${etag}` });
      expect(response.status).toBe(200);
    });
  });
});

describe('serveObject: conditional requests', () => {
  const seconds = (ms: number) => new Date(ms).toUTCString();

  it.each([
    ['the current ETag', () => etag],
    ['the current ETag in a list', () => `"a", ${etag}, "b"`],
    ['the current ETag, weak (weak comparison)', () => `W/${etag}`],
    ['*', () => '*'],
  ])('If-None-Match with %s → 304', async (_, value) => {
    for (const method of ['GET', 'HEAD']) {
      const response = await serve({ 'If-None-Match': value() }, method);
      expect(response.status).toBe(304);
      expect(response.body).toBeNull();
      expect(response.headers.get('ETag')).toBe(etag);
      expect(response.headers.get('Last-Modified')).toBe(lastModified);
    }
  });

  it.each([
    ['another ETag', '"other"'],
    ['other ETags', '"a", W/"b"'],
    ['a malformed list', `${'"a'}`],
  ])('If-None-Match with %s → 200', async (_, value) => {
    const response = await serve({ 'If-None-Match': value });
    expect(response.status).toBe(200);
    expect(await text(response)).toHaveLength(SIZE);
  });

  it('answers If-None-Match: * for a missing key with 404', async () => {
    const response = await serve({ 'If-None-Match': '*' }, 'GET', 'serve-object/missing');
    expect(response.status).toBe(404);
  });

  it('If-Modified-Since equal to Last-Modified → 304', async () => {
    expect((await serve({ 'If-Modified-Since': lastModified })).status).toBe(304);
  });

  it('If-Modified-Since later than Last-Modified → 304', async () => {
    const later = seconds(uploaded.getTime() + 3_600_000);
    expect((await serve({ 'If-Modified-Since': later })).status).toBe(304);
  });

  it('If-Modified-Since earlier than Last-Modified → 200', async () => {
    const earlier = seconds(uploaded.getTime() - 3_600_000);
    const response = await serve({ 'If-Modified-Since': earlier });
    expect(response.status).toBe(200);
    expect(await text(response)).toHaveLength(SIZE);
  });

  it.each([
    [
      'RFC 850',
      (d: Date) =>
        d
          .toUTCString()
          .replace(
            /^(\w{3}), (\d{2}) (\w{3}) \d{2}(\d{2})/,
            (_, day, dd, mon, yy) =>
              `${{ Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' }[day as 'Mon']}, ${dd}-${mon}-${yy}`,
          ),
    ],
  ])('accepts the obsolete %s date format', async (_, format) => {
    const value = format(new Date(uploaded.getTime() + 3_600_000));
    expect(value).toMatch(/^\w+day, \d{2}-\w{3}-\d{2} /);
    expect((await serve({ 'If-Modified-Since': value })).status).toBe(304);
  });

  it.each(['yesterday', '1', `${lastModified}, ${lastModified}`])(
    'ignores an invalid If-Modified-Since (%s)',
    async (value) => {
      expect((await serve({ 'If-Modified-Since': value })).status).toBe(200);
    },
  );

  it('If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)', async () => {
    const later = seconds(uploaded.getTime() + 3_600_000);
    const notMatching = await serve({ 'If-None-Match': '"other"', 'If-Modified-Since': later });
    expect(notMatching.status).toBe(200);
    const earlier = seconds(uploaded.getTime() - 3_600_000);
    const matching = await serve({ 'If-None-Match': etag, 'If-Modified-Since': earlier });
    expect(matching.status).toBe(304);
  });

  it('304 wins over Range', async () => {
    expect((await serve({ 'If-None-Match': etag, Range: 'bytes=0-0' })).status).toBe(304);
  });

  it('a failed condition still honours Range, reading only the range', async () => {
    const { bucket, calls } = observed();
    const request = new Request('https://media.example/x', {
      headers: { 'If-None-Match': '"other"', Range: 'bytes=0-0' },
    });
    const response = await serveObject(request, bucket, KEY);
    expect(response.status).toBe(206);
    expect(await text(response)).toBe('0');
    expect(calls).toEqual(['head', 'get-range']);
  });

  it('repeats the caching headers on 304 but no body metadata', async () => {
    const request = new Request('https://media.example/x', { headers: { 'If-None-Match': '*' } });
    const response = await serveObject(request, env.MEDIA, TYPED_KEY, {
      headers: { Vary: 'Origin' },
    });
    expect(response.status).toBe(304);
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=60');
    expect(response.headers.get('Vary')).toBe('Origin');
    expect(response.headers.has('Content-Length')).toBe(false);
    expect(response.headers.has('Content-Range')).toBe(false);
  });

  it('answers a revalidation with one R2 head', async () => {
    const { bucket, calls } = observed();
    const request = new Request('https://media.example/x', { headers: { 'If-None-Match': etag } });
    expect((await serveObject(request, bucket, KEY)).status).toBe(304);
    expect(calls).toEqual(['head']);
  });
});

describe('serveObject: an object replaced while being served', () => {
  const RACE_KEY = 'serve-object/race.txt';

  /** The real bucket, with the object rewritten right after each of the first `times` heads. */
  function replacedAfterHead(times: number) {
    let writes = 0;
    return {
      head: async (key: string) => {
        const current = await env.MEDIA.head(key);
        if (writes < times) await env.MEDIA.put(key, `version ${++writes + 1}`);
        return current;
      },
      get: (key: string, options?: R2GetOptions) => env.MEDIA.get(key, options),
    } as unknown as R2Bucket;
  }

  const validated = () =>
    new Request('https://media.example/x', { headers: { 'If-None-Match': '"stale"' } });

  it('serves the new object whole, never old headers with new bytes', async () => {
    await env.MEDIA.put(RACE_KEY, 'version 1');
    const response = await serveObject(validated(), replacedAfterHead(1), RACE_KEY);
    const stored = await env.MEDIA.head(RACE_KEY);
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe(stored!.httpEtag);
    expect(await text(response)).toBe('version 2');
  });

  it('gives up with 503 while it keeps changing', async () => {
    await env.MEDIA.put(RACE_KEY, 'version 1');
    const response = await serveObject(validated(), replacedAfterHead(2), RACE_KEY);
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect(await response.json()).toEqual({ error: 'object-changing' });
  });
});

describe('serveObject: streaming', () => {
  async function sha256(data: ArrayBuffer | Uint8Array) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  }

  it('hands R2’s stream to the response without reading it', async () => {
    const { bucket, bodyReads } = observed();
    const response = await serveObject(new Request('https://media.example/x'), bucket, BIG_KEY);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(BIG_SIZE));
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(bodyReads).toEqual([]);

    // Read it as a client would: several chunks, the same bytes as stored.
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
    }
    expect(received).toBe(BIG_SIZE);
    expect(chunks.length).toBeGreaterThan(1);
    const joined = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const stored = await env.MEDIA.get(BIG_KEY);
    expect(await sha256(joined)).toEqual(await sha256(await stored!.arrayBuffer()));
    expect(bodyReads).toEqual([]);
  });

  it('streams a range of a large object', async () => {
    const { bucket, bodyReads } = observed();
    const request = new Request('https://media.example/x', {
      headers: { Range: 'bytes=1048576-3145727' },
    });
    const response = await serveObject(request, bucket, BIG_KEY);
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe(`bytes 1048576-3145727/${BIG_SIZE}`);
    expect(bodyReads).toEqual([]);
    const body = new Uint8Array(await response.arrayBuffer());
    expect(body.byteLength).toBe(2 * 1024 * 1024);
    expect(body[0]).toBe((1048576 * 31 + (1048576 >> 12)) & 0xff);
  });

  it('serves an empty object', async () => {
    const response = await serve({}, 'GET', EMPTY_KEY);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe('0');
    expect(await text(response)).toBe('');
    expect((await serve({ Range: 'bytes=0-' }, 'GET', EMPTY_KEY)).status).toBe(416);
    expect((await serve({ Range: 'bytes=-5' }, 'GET', EMPTY_KEY)).status).toBe(200);
  });
});
