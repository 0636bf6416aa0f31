import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, callWith, signIn } from '../../test/visitor.ts';
import { TITLE_BY_ORIGINAL_KEY } from './files.ts';

const SIZE = 1000;
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => i % 251);
let cookie: string;
let etag: string;
let lastModified: string;

beforeAll(async () => {
  const stored = (await env.MEDIA.put('originals/photo.jpg', bytes))!;
  etag = stored.httpEtag;
  lastModified = stored.uploaded.toUTCString();
  await env.MEDIA.put('thumbnails/photo.webp', bytes.subarray(0, 100));
  await env.MEDIA.put('originals/stored-type', bytes, {
    httpMetadata: { contentType: 'image/heic' },
  });
  await env.MEDIA.put('hls/v1/master.m3u8', '#EXTM3U\n');
  await env.MEDIA.put('originals/hostile.jpg', bytes.subarray(0, 10));
  await env.MEDIA.put('originals/Fête 東京.MP4', bytes.subarray(0, 10));
  await env.DB.prepare(
    `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
       thumbnail_key) VALUES ('dl-photo', 'image', 'First dance', '2024-06-01T12:00:00.000Z',
       4000, 3000, ${SIZE}, 'originals/photo.jpg', 'thumbnails/photo.webp'),
       ('dl-hostile', 'image', NULL, '2024-06-01T12:00:01.000Z', 4000, 3000, 10,
       'originals/hostile.jpg', 'thumbnails/hostile.webp')`,
  ).run();
  cookie = await signIn();
});

afterEach(async () => {
  await env.CACHE_VERSION.delete('thumbnail_version');
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return call(path, { method, headers: { ...headers, Cookie: cookie } });
}

async function body(response: Response): Promise<number[]> {
  return [...new Uint8Array(await response.arrayBuffer())];
}

describe('GET /api/file/<key>', () => {
  it('streams an original with validators, type and a private cache policy', async () => {
    const response = await get('/api/file/originals/photo.jpg');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('ETag')).toBe(etag);
    expect(response.headers.get('Last-Modified')).toBe(lastModified);
    expect(response.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(await body(response)).toEqual([...bytes]);
  });

  it('prefers the Content-Type stored with the object', async () => {
    const response = await get('/api/file/originals/stored-type');
    expect(response.headers.get('Content-Type')).toBe('image/heic');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await get('/api/file/originals/photo.jpg', {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(SIZE));
    expect(response.headers.get('ETag')).toBe(etag);
    expect(await response.text()).toBe('');
  });

  describe('Range', () => {
    const cases: [range: string, status: number, contentRange: string | null, from: number][] = [
      ['bytes=0-99', 206, 'bytes 0-99/1000', 0],
      ['bytes=990-', 206, 'bytes 990-999/1000', 990],
      ['bytes=-10', 206, 'bytes 990-999/1000', 990],
      ['bytes=-5000', 206, 'bytes 0-999/1000', 0],
      ['bytes=500-5000', 206, 'bytes 500-999/1000', 500],
      ['bytes=999-999', 206, 'bytes 999-999/1000', 999],
      ['bytes=1000-', 416, 'bytes */1000', 0],
      ['bytes=1000-2000', 416, 'bytes */1000', 0],
      ['bytes=-0', 416, 'bytes */1000', 0],
      ['bytes=5-2', 200, null, 0],
      ['bytes=0-1,5-6', 200, null, 0],
      ['items=0-1', 200, null, 0],
      ['bytes=abc', 200, null, 0],
    ];
    for (const [range, status, contentRange, from] of cases) {
      it(`${range} → ${status}`, async () => {
        const response = await get('/api/file/originals/photo.jpg', { Range: range });
        expect(response.status).toBe(status);
        expect(response.headers.get('Content-Range')).toBe(contentRange);
        if (status === 416) {
          expect(await response.json()).toEqual({ error: 'range-not-satisfiable' });
          return;
        }
        const end = contentRange ? Number(contentRange.split(/[-/]/)[1]) + 1 : SIZE;
        expect(response.headers.get('Content-Length')).toBe(String(end - from));
        expect(await body(response)).toEqual([...bytes.subarray(from, end)]);
      });
    }

    it('applies only while If-Range still matches', async () => {
      const same = await get('/api/file/originals/photo.jpg', {
        Range: 'bytes=0-9',
        'If-Range': etag,
      });
      expect(same.status).toBe(206);
      const changed = await get('/api/file/originals/photo.jpg', {
        Range: 'bytes=0-9',
        'If-Range': '"something-else"',
      });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('Content-Length')).toBe(String(SIZE));
    });
  });

  describe('conditional requests', () => {
    const future = new Date(Date.now() + 86_400_000).toUTCString();
    const past = new Date(Date.UTC(2000, 0, 1)).toUTCString();
    const cases: [name: string, headers: Record<string, string>, status: number][] = [
      ['If-None-Match: <etag>', { 'If-None-Match': 'ETAG' }, 304],
      ['If-None-Match: W/<etag>', { 'If-None-Match': 'W/ETAG' }, 304],
      ['If-None-Match: *', { 'If-None-Match': '*' }, 304],
      ['If-None-Match: a list with it', { 'If-None-Match': '"x", ETAG' }, 304],
      ['If-None-Match: another etag', { 'If-None-Match': '"other"' }, 200],
      ['If-Modified-Since: later', { 'If-Modified-Since': future }, 304],
      ['If-Modified-Since: earlier', { 'If-Modified-Since': past }, 200],
      ['If-Modified-Since: junk', { 'If-Modified-Since': 'yesterday' }, 200],
      [
        'If-None-Match wins over If-Modified-Since',
        { 'If-None-Match': '"other"', 'If-Modified-Since': future },
        200,
      ],
      ['If-None-Match: * with a Range', { 'If-None-Match': '*', Range: 'bytes=0-9' }, 304],
    ];
    for (const [name, headers, status] of cases) {
      it(`${name} → ${status}`, async () => {
        const withEtag = Object.fromEntries(
          Object.entries(headers).map(([key, value]) => [key, value.replace('ETAG', etag)]),
        );
        const response = await get('/api/file/originals/photo.jpg', withEtag);
        expect(response.status).toBe(status);
        expect(response.headers.get('ETag')).toBe(etag);
        expect(response.headers.get('Cache-Control')).toBe('private, no-cache');
        if (status === 304) expect(await response.text()).toBe('');
      });
    }
  });

  it('answers a missing object with 404', async () => {
    const response = await get('/api/file/originals/nothing.jpg');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not-found' });
  });

  it('serves the display renditions beside the originals: previews/ and motion/', async () => {
    await env.MEDIA.put('previews/photo.webp', bytes.subarray(0, 300));
    await env.MEDIA.put('motion/photo.mp4', bytes.subarray(0, 200));
    const preview = await get('/api/file/previews/photo.webp');
    expect(preview.status).toBe(200);
    expect((await preview.arrayBuffer()).byteLength).toBe(300);
    const motion = await get('/api/file/motion/photo.mp4', { Range: 'bytes=0-9' });
    expect(motion.status).toBe(206);
    expect((await motion.arrayBuffer()).byteLength).toBe(10);
  });

  it('serves only keys under originals/, previews/ and motion/, refusing odd keys with 400', async () => {
    const cases: [path: string, reason: string][] = [
      ['/api/file/thumbnails/photo.webp', 'outside-prefix'],
      // Guest uploads waiting for the owner are never served as files.
      ['/api/file/uploads/u1/original.jpg', 'outside-prefix'],
      ['/api/file/previews-2/photo.webp', 'outside-prefix'],
      ['/api/file/hls/v1/master.m3u8', 'outside-prefix'],
      ['/api/file/originals-2/photo.jpg', 'outside-prefix'],
      ['/api/file/originals/..%2Fhls%2Fv1%2Fmaster.m3u8', 'traversal'],
      ['/api/file/originals%2F..%2Fhls%2Fv1%2Fmaster.m3u8', 'traversal'],
      ['/api/file/originals/%252e%252e%252Fhls', 'encoded-separator'],
      ['/api/file/originals//photo.jpg', 'empty-segment'],
      ['/api/file/originals/a%5Cb.jpg', 'backslash'],
      ['/api/file/originals/a%00.jpg', 'control-character'],
      ['/api/file/%2Foriginals/photo.jpg', 'leading-slash'],
      ['/api/file/https:%2F%2Fevil.example/x', 'absolute-url'],
      ['/api/file/', 'empty'],
      ['/api/file/originals/%E0%A4%A', 'bad-key'],
      [`/api/file/originals/${'a'.repeat(600)}.jpg`, 'too-long'],
    ];
    for (const [path, reason] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(400);
      expect(await response.json(), path).toEqual({ error: reason });
    }
  });
});

describe('GET /api/file/<key>?download=1', () => {
  const DOWNLOAD = '/api/file/originals/photo.jpg?download=1';

  /** Both names of the answer's Content-Disposition, after checking its shape. */
  function savedAs(response: Response): { fallback: string; name: string } {
    const header = response.headers.get('Content-Disposition') ?? '';
    const match = /^attachment; filename="([ -~]*)"; filename\*=UTF-8''([\w!#$&+\-.^`|~%]+)$/.exec(
      header,
    );
    if (!match) throw new Error(`unexpected Content-Disposition: ${header}`);
    return { fallback: match[1]!, name: decodeURIComponent(match[2]!) };
  }

  it('saves the original under its title, and only when asked to', async () => {
    const shown = await get('/api/file/originals/photo.jpg');
    expect(shown.headers.has('Content-Disposition')).toBe(false);
    await shown.body?.cancel();

    const saved = await get(DOWNLOAD);
    expect(saved.status).toBe(200);
    expect(saved.headers.get('Content-Disposition')).toBe(
      `attachment; filename="First dance.jpg"; filename*=UTF-8''First%20dance.jpg`,
    );
    expect(saved.headers.get('Content-Type')).toBe('image/jpeg');
    expect(saved.headers.get('ETag')).toBe(etag);
    expect(saved.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(await body(saved)).toEqual([...bytes]);
  });

  it('falls back to the name in the key when no media row has it', async () => {
    const saved = await get(
      `/api/file/${encodeURIComponent('originals/Fête 東京.MP4')}?download=1`,
    );
    expect(saved.status).toBe(200);
    expect(savedAs(saved)).toEqual({ name: 'Fête 東京.mp4', fallback: 'Fete _.mp4' });
    await saved.body?.cancel();
  });

  it.each([
    ['quotes', 'The "best" day', 'The best day.jpg', 'The best day.jpg'],
    [
      'CRLF',
      'Toast\r\nSet-Cookie: gallery_session=x',
      'Toast Set-Cookie gallery_session=x.jpg',
      'Toast Set-Cookie gallery_session=x.jpg',
    ],
    ['slashes', '../../Users\\guest/evil', 'Users guest evil.jpg', 'Users guest evil.jpg'],
    ['unicode', 'Brautpaar 💍 – Küche', 'Brautpaar 💍 – Küche.jpg', 'Brautpaar _ _ Kuche.jpg'],
    ['a bidi override', 'x\u202egpj.exe', 'x gpj.exe.jpg', 'x gpj.exe.jpg'],
  ])('makes a title with %s safe', async (_, title, name, fallback) => {
    await env.DB.prepare("UPDATE media SET title = ? WHERE id = 'dl-hostile'").bind(title).run();
    const saved = await get('/api/file/originals/hostile.jpg?download=1');
    expect(saved.status).toBe(200);
    expect(savedAs(saved)).toEqual({ name, fallback });
    expect(saved.headers.get('Content-Disposition')).not.toMatch(/[\r\n\0]/);
    expect(saved.headers.has('Set-Cookie')).toBe(false);
    await saved.body?.cancel();
  });

  it('refuses any other value of download with 400', async () => {
    for (const query of [
      '?download=0',
      '?download=true',
      '?download=',
      '?download',
      '?download=1&download=0',
    ]) {
      const response = await get(`/api/file/originals/photo.jpg${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json(), query).toEqual({ error: 'bad-download' });
    }
  });

  it('keeps ranges, HEAD and conditional requests as they are', async () => {
    const part = await get(DOWNLOAD, { Range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe('bytes 10-19/1000');
    expect(savedAs(part).name).toBe('First dance.jpg');
    expect(await body(part)).toEqual([...bytes.subarray(10, 20)]);

    const unchanged = await get(DOWNLOAD, { 'If-None-Match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('ETag')).toBe(etag);
    expect(unchanged.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(await unchanged.text()).toBe('');

    const resumed = await get(DOWNLOAD, { Range: 'bytes=990-', 'If-Range': etag });
    expect(resumed.status).toBe(206);
    expect(resumed.headers.get('Content-Range')).toBe('bytes 990-999/1000');
    await resumed.body?.cancel();

    const head = await get(DOWNLOAD, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(savedAs(head).name).toBe('First dance.jpg');
    expect(head.headers.get('Content-Length')).toBe(String(SIZE));

    const past = await get(DOWNLOAD, { Range: 'bytes=5000-' });
    expect(past.status).toBe(416);
    expect(past.headers.has('Content-Disposition')).toBe(false);
  });

  it('checks the session and the key first, and answers a missing object with 404', async () => {
    const anonymous = await call(DOWNLOAD);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.has('Content-Disposition')).toBe(false);
    const outside = await get('/api/file/thumbnails/photo.webp?download=1');
    expect(outside.status).toBe(400);
    expect(await outside.json()).toEqual({ error: 'outside-prefix' });
    const missing = await get('/api/file/originals/nothing.jpg?download=1');
    expect(missing.status).toBe(404);
    expect(missing.headers.has('Content-Disposition')).toBe(false);
  });

  it('leaves thumbnails alone', async () => {
    const response = await get('/api/thumbnail/thumbnails/photo.webp?download=1');
    expect(response.status).toBe(200);
    expect(response.headers.has('Content-Disposition')).toBe(false);
    await response.body?.cancel();
  });

  it('finds the title through an index, never a scan', async () => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${TITLE_BY_ORIGINAL_KEY}`)
      .bind('originals/photo.jpg')
      .all<{ detail: string }>();
    expect(results.map((step) => step.detail).join('\n')).toContain('media_original_key');
  });
});

describe('GET /api/thumbnail/<key>', () => {
  it('lets the browser keep a thumbnail of the current version for good', async () => {
    await env.CACHE_VERSION.put('thumbnail_version', '3');
    const response = await get('/api/thumbnail/thumbnails/photo.webp?v=3');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/webp');
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=31536000, immutable');
    const again = await get('/api/thumbnail/thumbnails/photo.webp?v=3', {
      'If-None-Match': response.headers.get('ETag')!,
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('Cache-Control')).toBe('private, max-age=31536000, immutable');
  });

  it('revalidates a thumbnail without the current version', async () => {
    // Version 1 is current: anything else, including a later version, is not yet fixed.
    for (const query of ['', '?v=', '?v=abc', '?v=0', '?v=2', '?v=01']) {
      const response = await get(`/api/thumbnail/thumbnails/photo.webp${query}`);
      expect(response.headers.get('Cache-Control'), query).toBe('private, no-cache');
    }
  });

  it('serves only keys under thumbnails/', async () => {
    for (const path of [
      '/api/thumbnail/originals/photo.jpg',
      '/api/thumbnail/thumbnails/..%2Foriginals%2Fphoto.jpg',
    ]) {
      expect((await get(path)).status, path).toBe(400);
    }
    expect((await get('/api/thumbnail/thumbnails/missing.webp')).status).toBe(404);
  });
});

describe('large objects', () => {
  const LARGE = 24 * 1024 * 1024;

  it('streams many megabytes intact', async () => {
    const large = new Uint8Array(LARGE);
    for (let i = 0; i < LARGE; i += 4096) large[i] = (i / 4096) % 256;
    await env.MEDIA.put('originals/large.mp4', large);
    const response = await get('/api/file/originals/large.mp4');
    expect(response.headers.get('Content-Length')).toBe(String(LARGE));
    let received = 0;
    let mismatches = 0;
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = (4096 - (received % 4096)) % 4096; i < value.length; i += 4096) {
        if (value[i] !== ((received + i) / 4096) % 256) mismatches += 1;
      }
      received += value.length;
    }
    expect(received).toBe(LARGE);
    expect(mismatches).toBe(0);
  });

  it('answers before the object has been read: the body is never buffered', async () => {
    await env.MEDIA.put('originals/gated.mp4', new Uint8Array(4 * 1024 * 1024));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // R2 as it is, except that the object's body hands out one chunk, then waits for the
    // gate. A worker that read the whole body before answering would never answer.
    const response = await callWith(
      { MEDIA: gatedBucket(env.MEDIA, gate) },
      '/api/file/originals/gated.mp4',
      {
        headers: { Cookie: cookie },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(4 * 1024 * 1024));
    const reader = response.body!.getReader();
    let received = (await reader.read()).value!.length;
    expect(received).toBeLessThan(4 * 1024 * 1024);
    open();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
    }
    expect(received).toBe(4 * 1024 * 1024);
  });
});

function gatedBucket(bucket: R2Bucket, gate: Promise<void>): R2Bucket {
  return new Proxy(bucket, {
    get(target, property) {
      if (property === 'get') {
        return async (...args: Parameters<R2Bucket['get']>) => {
          const object = await target.get(...args);
          if (object === null || !('body' in object)) return object;
          const reader = object.body.getReader();
          let first = true;
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              if (!first) await gate;
              first = false;
              const { done, value } = await reader.read();
              if (done) controller.close();
              else controller.enqueue(value);
            },
          });
          return forward(object, { body });
        };
      }
      return forward(target, {})[property as keyof R2Bucket];
    },
  });
}

/** `target` with some properties replaced; its methods stay bound to it. */
function forward<T extends object>(target: T, replaced: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in replaced) return replaced[property as keyof T];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}
