import { env, exports } from 'cloudflare:workers';
import { preflight } from '@edge-gallery/http/test/preflight';
import { createPresigner, createUploadPartPresigner } from '@edge-gallery/r2-signer';
import { describe, expect, it } from 'vitest';
import { CONFIG, SPA } from '../test/store.ts';
import { answerPut } from './put.ts';

// Presigned PUTs of guest uploads: parts into a multipart upload opened through the
// binding (as the viewer does), and plain PUTs of renditions; anything unsigned or
// signed for something else is refused with nothing stored.

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
    const url = parts.presignParts('uploads/x/original.mp4', 'u', [1])[0]!;
    const response = await send(url, preflight(SPA, 'PUT', 'content-type'));
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

describe('UploadPart PUTs at once', () => {
  // Seven 5 MiB parts and a short last one, as two guests' uploaders (3 parts each) and a
  // third file send them together.
  const sizes = [...Array.from({ length: 7 }, () => 5 * MiB), 4321];
  const numbers = sizes.map((_, i) => i + 1);
  const bodies = sizes.map((size, i) => bytes(size, 10 + i));
  const digest = async (data: BufferSource) =>
    new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const whole = new Uint8Array(sizes.reduce((sum, size) => sum + size, 0));
  for (const [i, body] of bodies.entries()) whole.set(body, i * 5 * MiB);

  async function expectCompleted(key: string, uploadId: string, answers: Response[]) {
    expect(answers.map((answer) => answer.status)).toEqual(numbers.map(() => 200));
    const etags = answers.map((answer) => answer.headers.get('ETag')!.slice(1, -1));
    const upload = env.MEDIA.resumeMultipartUpload(key, uploadId);
    await upload.complete(etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    const stored = await (await env.MEDIA.get(key))!.arrayBuffer();
    expect(stored.byteLength).toBe(whole.byteLength);
    expect(await digest(stored)).toEqual(await digest(whole));
  }

  it('stores eight parts sent at once; the upload completes byte for byte', async () => {
    const key = 'uploads/t8/original.mp4';
    const { uploadId } = await env.MEDIA.createMultipartUpload(key);
    const urls = parts.presignParts(key, uploadId, numbers);
    const answers = await Promise.all(
      urls.map((url, i) => send(url, { method: 'PUT', body: bodies[i]! })),
    );
    await expectCompleted(key, uploadId, answers);
  });

  // The local R2 shares its metadata database with the other workerd processes of the stack
  // and fails a write at once while another process writes (SQLITE_BUSY, reported by the
  // binding as below); one process alone never meets it, so it is made to happen here.
  const refusal = (method: string) => new Error(`${method}: Unspecified error (0)`);

  /** The real bucket, but each part's (or object's) first `times` writes are refused. */
  function busyBucket(times: number): R2Bucket {
    const tries = new Map<string, number>();
    const refused = (what: string) => {
      const count = tries.get(what) ?? 0;
      tries.set(what, count + 1);
      return count < times;
    };
    return {
      resumeMultipartUpload: (key: string, uploadId: string) => {
        const upload = env.MEDIA.resumeMultipartUpload(key, uploadId);
        return {
          uploadPart: async (part: number, body: ArrayBuffer) => {
            if (refused(`part ${part}`)) throw refusal('uploadPart');
            return upload.uploadPart(part, body);
          },
        };
      },
      put: async (key: string, body: ArrayBuffer, options?: R2PutOptions) => {
        if (refused(key)) throw refusal('put');
        return env.MEDIA.put(key, body, options);
      },
    } as unknown as R2Bucket;
  }

  function putPart(bucket: R2Bucket, key: string, url: string, body: Uint8Array) {
    // A Request made here has no Content-Length of its own (fetch() adds it on the wire).
    const headers = { 'Content-Length': String(body.byteLength) };
    return answerPut(new Request(url, { method: 'PUT', body, headers }), bucket, key, new URL(url));
  }

  it('writes a part again when the local R2 refused it; all eight are stored and complete', async () => {
    const key = 'uploads/t9/original.mp4';
    const { uploadId } = await env.MEDIA.createMultipartUpload(key);
    const urls = parts.presignParts(key, uploadId, numbers);
    const bucket = busyBucket(2);
    const answers = await Promise.all(urls.map((url, i) => putPart(bucket, key, url, bodies[i]!)));
    await expectCompleted(key, uploadId, answers);
  });

  it('answers 503 SlowDown with Retry-After, never a 500, when the local R2 keeps refusing', async () => {
    const key = 'uploads/t10/original.mp4';
    const { uploadId } = await env.MEDIA.createMultipartUpload(key);
    const [url] = parts.presignParts(key, uploadId, [1]) as [string];
    const bucket = busyBucket(Number.POSITIVE_INFINITY);
    const answers = [
      await putPart(bucket, key, url, bytes(1000, 7)),
      await answerPut(
        new Request(puts.presign('uploads/t10/thumbnail.jpg'), {
          method: 'PUT',
          body: 'x',
          headers: { 'Content-Length': '1' },
        }),
        bucket,
        'uploads/t10/thumbnail.jpg',
        new URL(puts.presign('uploads/t10/thumbnail.jpg')),
      ),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('Retry-After')).toBe('1');
      expect(answer.headers.get('Cache-Control')).toBe('no-store');
      expect(await code(answer)).toBe('SlowDown');
    }
    expect(await env.MEDIA.head('uploads/t10/thumbnail.jpg')).toBeNull();
  });

  it('does not retry what is not the local lock: an aborted upload is 404 NoSuchUpload at once', async () => {
    const key = 'uploads/t11/original.mp4';
    const upload = await env.MEDIA.createMultipartUpload(key);
    await upload.abort();
    const [url] = parts.presignParts(key, upload.uploadId, [1]) as [string];
    const response = await putPart(busyBucket(0), key, url, bytes(10, 8));
    expect(response.status).toBe(404);
    expect(await code(response)).toBe('NoSuchUpload');
  });
});
