import { env, exports } from 'cloudflare:workers';
import { preflight } from '@edge-gallery/http/test/preflight';
import { createPresigner } from '@edge-gallery/r2-signer';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIG, ENDPOINT, SPA } from '../test/store.ts';
import devS3 from './index.ts';

const KEY = 'hls/clip/540p/seg0.m4s';
const BODY = new Uint8Array(1000).map((_, i) => i % 251);

const presigner = createPresigner(CONFIG);
const headPresigner = createPresigner({ ...CONFIG, method: 'HEAD' });
const putPresigner = createPresigner({ ...CONFIG, method: 'PUT' });

function get(url: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(url, init));
}

async function s3Code(
  response: Response,
): Promise<{ code: string | undefined; message: string | undefined; reason: string | undefined }> {
  const xml = await response.text();
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return { code: field('Code'), message: field('Message'), reason: field('Reason') };
}

beforeAll(async () => {
  await env.MEDIA.put(KEY, BODY);
  await env.MEDIA.put('originals/private.jpg', 'private');
});

describe('dev S3 endpoint: presigned GET', () => {
  it('serves an object for a valid presigned URL, as R2 does', async () => {
    const response = await get(presigner.presign(KEY));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('video/iso.segment');
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]+"$/);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BODY);
  });

  it('answers Range with 206 and Content-Range', async () => {
    const response = await get(presigner.presign(KEY), { headers: { Range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('Content-Range')).toBe('bytes 100-199/1000');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BODY.slice(100, 200));
  });

  it('answers If-None-Match with 304', async () => {
    const url = presigner.presign(KEY);
    const etag = (await get(url)).headers.get('ETag')!;
    const response = await get(url, { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
  });

  it('answers HEAD, with a URL presigned for HEAD, with the headers of a GET and no body', async () => {
    const response = await get(headPresigner.presign(KEY), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe('1000');
    expect(await response.text()).toBe('');
  });

  it('answers a range past the end with 416 InvalidRange and the size', async () => {
    const response = await get(presigner.presign(KEY), { headers: { Range: 'bytes=5000-' } });
    expect(response.status).toBe(416);
    expect(response.headers.get('Content-Range')).toBe('bytes */1000');
    expect((await s3Code(response)).code).toBe('InvalidRange');
  });

  it('answers a missing key with 404 NoSuchKey', async () => {
    const response = await get(presigner.presign('hls/clip/none.m4s'));
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toBe('application/xml');
    expect((await s3Code(response)).code).toBe('NoSuchKey');
  });

  it('answers another bucket with 404 NoSuchBucket', async () => {
    const other = createPresigner({
      accessKeyId: 'test-access-key',
      secretAccessKey: 'test-secret-key',
      endpoint: ENDPOINT,
      bucket: 'another-bucket',
      region: 'auto',
    });
    const response = await get(other.presign(KEY));
    expect(response.status).toBe(404);
    expect((await s3Code(response)).code).toBe('NoSuchBucket');
  });
});

describe('dev S3 endpoint: rejected signatures', () => {
  const cases: [string, () => string, number, string, string][] = [
    [
      'an altered signature',
      () =>
        presigner
          .presign(KEY)
          .replace(
            /X-Amz-Signature=([0-9a-f])/,
            (_, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
          ),
      403,
      'SignatureDoesNotMatch',
      'bad-signature',
    ],
    [
      'another key under the same signature',
      () => presigner.presign(KEY).replace('seg0.m4s', 'seg1.m4s'),
      403,
      'SignatureDoesNotMatch',
      'bad-signature',
    ],
    [
      'another host than the one signed',
      () => presigner.presign(KEY).replace('localhost', '127.0.0.1'),
      403,
      'SignatureDoesNotMatch',
      'bad-signature',
    ],
    // The method opens the canonical request: a URL signed for another method fails as
    // its signature, whatever the path and query say.
    [
      'a URL presigned for PUT',
      () => putPresigner.presign(KEY),
      403,
      'SignatureDoesNotMatch',
      'bad-signature',
    ],
    [
      'a URL presigned for HEAD',
      () => headPresigner.presign(KEY),
      403,
      'SignatureDoesNotMatch',
      'bad-signature',
    ],
    [
      'a wrong secret',
      () =>
        createPresigner({
          accessKeyId: 'test-access-key',
          secretAccessKey: 'wrong-secret-key',
          endpoint: ENDPOINT,
          bucket: 'edge-gallery-media',
          region: 'auto',
        }).presign(KEY),
      403,
      'SignatureDoesNotMatch',
      'bad-signature',
    ],
    [
      'an unknown access key',
      () =>
        createPresigner({
          accessKeyId: 'other-access-key',
          secretAccessKey: 'test-secret-key',
          endpoint: ENDPOINT,
          bucket: 'edge-gallery-media',
          region: 'auto',
        }).presign(KEY),
      403,
      'InvalidAccessKeyId',
      'unknown-access-key',
    ],
    [
      'an expired URL',
      () => presigner.presign(KEY, { expiresIn: 60, now: Date.now() - 61_000 }),
      403,
      'AccessDenied',
      'expired',
    ],
    [
      'a URL signed ten minutes in the future',
      () => presigner.presign(KEY, { now: Date.now() + 600_000 }),
      403,
      'AccessDenied',
      'not-yet-valid',
    ],
    [
      'another region',
      () =>
        createPresigner({
          accessKeyId: 'test-access-key',
          secretAccessKey: 'test-secret-key',
          endpoint: ENDPOINT,
          bucket: 'edge-gallery-media',
          region: 'us-east-1',
        }).presign(KEY),
      400,
      'AuthorizationQueryParametersError',
      'wrong-scope',
    ],
    [
      'a missing X-Amz-Date',
      () => presigner.presign(KEY).replace(/X-Amz-Date=[^&]*&?/, ''),
      400,
      'AuthorizationQueryParametersError',
      'malformed',
    ],
  ];

  it.each(cases)('refuses %s', async (_, url, status, code, reason) => {
    const response = await get(url());
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Type')).toBe('application/xml');
    expect(await s3Code(response)).toMatchObject({ code, reason });
  });

  it('says why an expired URL is refused, as S3 does', async () => {
    const response = await get(presigner.presign(KEY, { expiresIn: 60, now: Date.now() - 61_000 }));
    expect((await s3Code(response)).message).toBe('Request has expired');
  });

  it('refuses an anonymous request: the bucket is private', async () => {
    const response = await get(`${ENDPOINT}/edge-gallery-media/${KEY}`);
    expect(response.status).toBe(403);
    expect((await s3Code(response)).code).toBe('AccessDenied');
  });

  it('refuses HEAD with a bad signature without a body', async () => {
    const url = headPresigner.presign(KEY).replace('seg0', 'seg1');
    const response = await get(url, { method: 'HEAD' });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('');
  });

  it('refuses HEAD with a URL presigned for GET, as S3 does (SignatureDoesNotMatch)', async () => {
    const response = await get(presigner.presign(KEY), { method: 'HEAD' });
    expect(response.status).toBe(403);
    expect(response.headers.get('Content-Type')).toBe('application/xml');
    expect(await response.text()).toBe('');
  });

  // S3 checks the signature before the method: a PUT with a URL signed for GET is a bad
  // signature, not a method this endpoint lacks.
  it('refuses PUT with a URL presigned for GET as a bad signature, storing nothing', async () => {
    const response = await get(presigner.presign(KEY), { method: 'PUT', body: 'x' });
    expect(response.status).toBe(403);
    expect(await s3Code(response)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      reason: 'bad-signature',
    });
    expect((await env.MEDIA.head(KEY))?.size).toBe(1000);
  });

  it('refuses an anonymous PUT: the bucket is private', async () => {
    const response = await get(`${ENDPOINT}/edge-gallery-media/${KEY}`, {
      method: 'PUT',
      body: 'x',
    });
    expect(response.status).toBe(403);
    expect((await s3Code(response)).code).toBe('AccessDenied');
    expect((await env.MEDIA.head(KEY))?.size).toBe(1000);
  });

  it.each(['POST', 'DELETE'])('refuses %s with 405', async (method) => {
    const response = await get(presigner.presign(KEY), {
      method,
      body: method === 'DELETE' ? null : 'x',
    });
    expect(response.status).toBe(405);
    expect((await s3Code(response)).code).toBe('MethodNotAllowed');
    expect((await env.MEDIA.head(KEY))?.size).toBe(1000);
  });
});

describe('dev S3 endpoint: public prefix (the local public custom domain)', () => {
  it('serves keys under a public prefix without a signature', async () => {
    const response = await get(`${ENDPOINT}/public/${KEY}`, { headers: { Range: 'bytes=-10' } });
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BODY.slice(990));
  });

  it('refuses PUT under a public prefix with 405', async () => {
    const response = await get(`${ENDPOINT}/public/${KEY}`, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(405);
    expect((await env.MEDIA.head(KEY))?.size).toBe(1000);
  });

  it('refuses keys outside the public prefixes', async () => {
    const response = await get(`${ENDPOINT}/public/originals/private.jpg`);
    expect(response.status).toBe(403);
    expect((await s3Code(response)).code).toBe('AccessDenied');
  });

  it('refuses a traversal out of the public prefix', async () => {
    const response = await get(`${ENDPOINT}/public/hls%2F..%2Foriginals%2Fprivate.jpg`);
    expect(response.status).toBe(403);
  });

  // The design's rule for the `public` strategy: the public base exposes hls/ and nothing
  // else of the bucket (docs/deploy.md, "The public strategy").
  it('is configured to expose hls/ and nothing else', () => {
    expect((env as unknown as { PUBLIC_PREFIXES: string }).PUBLIC_PREFIXES).toBe('hls/');
  });

  it.each([
    'originals/private.jpg',
    'previews/private.webp',
    'thumbnails/private.webp',
    'uploads/u1/part',
    'hlsx/private.m4s',
    'private-at-the-root.jpg',
  ])('refuses %s, which exists in the bucket', async (key) => {
    await env.MEDIA.put(key, 'private');
    for (const path of [key, `hls/../${key}`, `hls/%2e%2e/${key}`, `./hls/../${key}`]) {
      const response = await get(`${ENDPOINT}/public/${path}`);
      expect(response.status, path).toBe(403);
      expect(await response.text()).not.toContain('private');
    }
  });
});

describe('dev S3 endpoint: response header overrides (response-*), as S3 answers them', () => {
  const disposition = `attachment; filename="Cafe.jpg"; filename*=UTF-8''Caf%C3%A9.jpg`;

  it('answers with the signed response-content-disposition, the bytes unchanged', async () => {
    const url = presigner.presign(KEY, {
      query: { 'response-content-disposition': disposition },
    });
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Disposition')).toBe(disposition);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BODY);
  });

  it('overrides Content-Type, Cache-Control, Content-Language, Content-Encoding and Expires', async () => {
    const query = {
      'response-content-type': 'application/octet-stream',
      'response-cache-control': 'private, max-age=60',
      'response-content-language': 'fr',
      'response-content-encoding': 'identity',
      'response-expires': 'Thu, 01 Jan 2037 00:00:00 GMT',
    };
    const response = await get(presigner.presign(KEY, { query }));
    expect(
      Object.fromEntries(
        ['Content-Type', 'Cache-Control', 'Content-Language', 'Content-Encoding', 'Expires'].map(
          (name) => [name, response.headers.get(name)],
        ),
      ),
    ).toEqual({
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'private, max-age=60',
      'Content-Language': 'fr',
      'Content-Encoding': 'identity',
      Expires: 'Thu, 01 Jan 2037 00:00:00 GMT',
    });
  });

  it('keeps the overrides on a ranged answer and on HEAD (with a URL presigned for HEAD)', async () => {
    const query = { 'response-content-disposition': disposition };
    const ranged = await get(presigner.presign(KEY, { query }), {
      headers: { Range: 'bytes=0-9' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('Content-Disposition')).toBe(disposition);
    const head = await get(headPresigner.presign(KEY, { query }), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Disposition')).toBe(disposition);
  });

  it('refuses an override added to, changed in or removed from a signed URL (403)', async () => {
    const signed = presigner.presign(KEY, {
      query: { 'response-content-disposition': disposition },
    });
    const changed = new URL(signed);
    changed.searchParams.set('response-content-disposition', 'inline');
    const removed = new URL(signed);
    removed.searchParams.delete('response-content-disposition');
    const added = new URL(presigner.presign(KEY));
    added.searchParams.set('response-content-type', 'text/html');
    for (const url of [changed, removed, added]) {
      const response = await get(url.href);
      expect(response.status).toBe(403);
      expect((await s3Code(response)).code).toBe('SignatureDoesNotMatch');
    }
  });

  it('refuses overrides on an anonymous (public) GET with 400 InvalidRequest, as S3 does', async () => {
    const response = await get(`${ENDPOINT}/public/${KEY}?response-content-type=text%2Fhtml`);
    expect(response.status).toBe(400);
    expect((await s3Code(response)).code).toBe('InvalidRequest');
  });

  it('lets a page that fetch()es a download read its name and ETag (CORS)', async () => {
    const url = presigner.presign(KEY, { query: { 'response-content-disposition': disposition } });
    const response = await get(url, { headers: { Origin: SPA } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    const exposed = response.headers.get('Access-Control-Expose-Headers') ?? '';
    for (const name of ['ETag', 'Content-Length', 'Content-Disposition']) {
      expect(exposed).toContain(name);
    }
  });
});

describe('dev S3 endpoint: CORS for the SPA', () => {
  it('lets the SPA read bodies and Content-Range', async () => {
    const response = await get(presigner.presign(KEY), {
      headers: { Origin: SPA, Range: 'bytes=0-1' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('Content-Range');
  });

  it('lets the SPA read errors too, so a player sees the status', async () => {
    const response = await get(presigner.presign('hls/none'), { headers: { Origin: SPA } });
    expect(response.status).toBe(404);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
  });

  it('never allows another origin', async () => {
    const response = await get(presigner.presign(KEY), {
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers a preflight for a ranged GET', async () => {
    const response = await get(
      `${ENDPOINT}/edge-gallery-media/${KEY}`,
      preflight(SPA, 'GET', 'range'),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('range');
  });
});

describe('dev S3 endpoint: a failing bucket', () => {
  it("answers R2's own 500 InternalError (XML, CORS kept), not the runtime's error page", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = new Proxy(env.MEDIA, {
      get: () => () => Promise.reject(new Error('simulated outage')),
    });
    const response = await devS3.fetch(
      new Request(presigner.presign(KEY), { headers: { Origin: SPA } }),
      { ...env, MEDIA: failing },
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('Content-Type')).toBe('application/xml');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    expect((await s3Code(response)).code).toBe('InternalError');
    vi.restoreAllMocks();
  });
});
