import { env, exports } from 'cloudflare:workers';
import { createPresigner, createUploadPartPresigner } from '@edge-gallery/r2-signer';
import { describe, expect, it } from 'vitest';

// Presigned PUTs of guest uploads: parts into a multipart upload opened through the
// binding (as the viewer does), and plain PUTs of renditions; anything unsigned or
// signed for something else is refused with nothing stored.

const CONFIG = {
  accessKeyId: 'test-access-key',
  secretAccessKey: 'test-secret-key',
  endpoint: 'http://localhost:8789',
  bucket: 'edge-gallery-media',
  region: 'auto',
};
const SPA = 'http://localhost:5173';
const MiB = 2 ** 20;
const parts = createUploadPartPresigner(CONFIG);
const puts = createPresigner({ ...CONFIG, method: 'PUT' });
const gets = createPresigner(CONFIG);

function send(url: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(url, init));
}

function bytes(length: number, seed: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 31 + seed) % 251);
}

async function code(response: Response): Promise<string | undefined> {
  return /<Code>([^<]*)<\/Code>/.exec(await response.text())?.[1];
}

describe('UploadPart PUT', () => {
  it('stores the part in the multipart upload and answers its ETag; the upload completes', async () => {
    const key = 'uploads/t1/original.mp4';
    const upload = await env.MEDIA.createMultipartUpload(key);
    const [first, second] = [bytes(5 * MiB, 1), bytes(1234, 2)];
    const urls = parts.presignParts(key, upload.uploadId, [1, 2]);
    const answers = await Promise.all(
      [first, second].map((body, i) =>
        send(urls[i]!, { method: 'PUT', body, headers: { Origin: SPA } }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ETag')).toMatch(/^"[^"]+"$/);
      // The browser reads the ETag of a cross-origin PUT only when it is exposed.
      expect(answer.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
      expect(answer.headers.get('Access-Control-Expose-Headers')).toContain('ETag');
    }
    const etags = answers.map((answer) => answer.headers.get('ETag')!.slice(1, -1));
    const object = await upload.complete(etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    expect(object.size).toBe(5 * MiB + 1234);
    const stored = new Uint8Array(await (await env.MEDIA.get(key))!.arrayBuffer());
    expect(stored.subarray(5 * MiB)).toEqual(second);
    expect(stored.subarray(0, 16)).toEqual(first.subarray(0, 16));
  });

  it('answers a preflight from the page for PUT', async () => {
    const response = await send(parts.presignParts('uploads/x/original.mp4', 'u', [1])[0]!, {
      method: 'OPTIONS',
      headers: {
        Origin: SPA,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('PUT');
  });

  it('is 403 with nothing stored when the URL was tampered with', async () => {
    const key = 'uploads/t2/original.mp4';
    const upload = await env.MEDIA.createMultipartUpload(key);
    const [url] = parts.presignParts(key, upload.uploadId, [1]) as [string];
    const tampered = [
      url.replace('partNumber=1', 'partNumber=2'), // another part
      url.replace(`uploadId=${encodeURIComponent(upload.uploadId)}`, 'uploadId=other'),
      url.replace('uploads/t2/', 'uploads/t3/'), // another key
      url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'),
      url.replace(/&partNumber=1/, ''), // a PutObject over the key
    ];
    for (const candidate of tampered) {
      const response = await send(candidate, { method: 'PUT', body: bytes(100, 3) });
      expect(response.status, candidate).toBe(403);
      expect(await code(response)).toBe('SignatureDoesNotMatch');
    }
    // Nothing arrived: completing with any part fails, and no object exists.
    await expect(upload.complete([{ partNumber: 1, etag: 'x' }])).rejects.toThrow();
    expect(await env.MEDIA.head(key)).toBeNull();
    expect(await env.MEDIA.head('uploads/t3/original.mp4')).toBeNull();
  });

  it('is 403 for a part URL used as GET, and for a GET URL used as a part', async () => {
    const key = 'uploads/t4/original.mp4';
    const upload = await env.MEDIA.createMultipartUpload(key);
    const [url] = parts.presignParts(key, upload.uploadId, [1]) as [string];
    expect((await send(url)).status).toBe(403);
    const getUrl = `${gets.presign(key)}&partNumber=1&uploadId=${upload.uploadId}`;
    expect((await send(getUrl, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('is 404 NoSuchUpload once the upload was aborted', async () => {
    const key = 'uploads/t5/original.mp4';
    const upload = await env.MEDIA.createMultipartUpload(key);
    await upload.abort();
    const [url] = parts.presignParts(key, upload.uploadId, [1]) as [string];
    const response = await send(url, { method: 'PUT', body: bytes(10, 4) });
    expect(response.status).toBe(404);
    expect(await code(response)).toBe('NoSuchUpload');
  });
});

describe('PutObject PUT (renditions)', () => {
  it('stores the body with its Content-Type and answers the ETag', async () => {
    const key = 'uploads/t6/thumbnail.jpg';
    const body = bytes(2048, 5);
    const response = await send(puts.presign(key), {
      method: 'PUT',
      body,
      headers: { 'Content-Type': 'image/jpeg' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toMatch(/^"[0-9a-f]+"$/);
    const stored = await env.MEDIA.get(key);
    expect(stored?.httpMetadata?.contentType).toBe('image/jpeg');
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(body);
  });

  it('is 403 for a URL presigned for GET, storing nothing', async () => {
    const key = 'uploads/t7/thumbnail.jpg';
    const response = await send(gets.presign(key), { method: 'PUT', body: 'x' });
    expect(response.status).toBe(403);
    expect(await env.MEDIA.head(key)).toBeNull();
  });
});
