import { env } from 'cloudflare:workers';
import { verifyPresignedUrl } from '@edge-gallery/r2-signer';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUCKET, ENDPOINT, S3, toStore } from '../../test/store.ts';
import { callWith, signIn, signInOwner } from '../../test/visitor.ts';
import type { MediaPage } from '../media-item.ts';

// Guest uploads end to end inside workerd: the viewer opens the R2 multipart upload, the
// "browser" PUTs each part to the presigned URL through the dev S3 endpoint's own handler
// (the same local bucket), then completes. Every refusal the design lists has its status.

const MiB = 2 ** 20;
const PART = 5 * MiB;

type Created = {
  uploadId: string;
  partSize: number;
  parts: { partNumber: number; url: string }[];
  renditions: { thumbnail: string; preview: string };
  expiresAt: number;
};

/** The viewer with S3 credentials, 5 MiB parts, and whatever a test overrides. */
function viewer(path: string, init: RequestInit = {}, overrides: Record<string, unknown> = {}) {
  return callWith({ ...S3, UPLOAD_PART_BYTES: String(PART), ...overrides }, path, init);
}

/** A PUT through the dev S3 endpoint, as the browser sends it. */
function putToStore(url: string, body: Uint8Array | string): Promise<Response> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  // A browser sends the length of a Blob body; a Request made here does not by itself.
  const headers = { 'Content-Length': String(bytes.byteLength) };
  return toStore(new Request(url, { method: 'PUT', body: bytes, headers }));
}

function json(cookie: string, method: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

async function create(
  cookie: string,
  file: { name: string; type: string; size: number },
  overrides: Record<string, unknown> = {},
): Promise<Response> {
  return viewer('/api/uploads', json(cookie, 'POST', file), overrides);
}

/** Sends every part; returns the ETags in part order. */
async function sendParts(created: Created, bytes: Uint8Array): Promise<string[]> {
  const etags: string[] = [];
  for (const { partNumber, url } of created.parts) {
    const start = (partNumber - 1) * created.partSize;
    const response = await putToStore(url, bytes.slice(start, start + created.partSize));
    expect(response.status).toBe(200);
    etags.push(response.headers.get('ETag')!);
  }
  return etags;
}

function complete(cookie: string, uploadId: string, etags: string[], extra = {}) {
  const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
  return viewer(`/api/uploads/${uploadId}/complete`, json(cookie, 'POST', { parts, ...extra }));
}

/** A file that starts like a JPEG (SOI + APP1 Exif), `size` bytes long. */
function jpeg(size: number): Uint8Array {
  const bytes = new Uint8Array(size).map((_, i) => (i * 7) % 251);
  bytes.set([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00]);
  return bytes;
}

/** An ISO BMFF file whose ftyp box says QuickTime. */
function mov(size: number): Uint8Array {
  const bytes = new Uint8Array(size).map((_, i) => (i * 13) % 251);
  bytes.set([0, 0, 0, 0x14, ...new TextEncoder().encode('ftypqt  '), 0, 0, 0, 0]);
  bytes.set(new TextEncoder().encode('qt  '), 16);
  return bytes;
}

async function upload(cookie: string, name: string, type: string, bytes: Uint8Array) {
  const response = await create(cookie, { name, type, size: bytes.length });
  expect(response.status).toBe(201);
  const created = await response.json<Created>();
  const etags = await sendParts(created, bytes);
  return { created, etags };
}

async function sha256(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function mediaRow(id: string) {
  return env.DB.prepare('SELECT state, uploaded_by, original_key FROM media WHERE id = ?')
    .bind(id)
    .first<{ state: string; uploaded_by: string; original_key: string }>();
}

let guest: string;
let otherGuest: string;
let owner: string;

beforeAll(async () => {
  guest = await signIn();
  otherGuest = await signIn();
  owner = await signInOwner();
});

beforeEach(async () => {
  await env.DB.batch([env.DB.prepare('DELETE FROM media'), env.DB.prepare('DELETE FROM uploads')]);
});

describe('POST /api/uploads', () => {
  it('opens a multipart upload and presigns a PUT for every part and rendition', async () => {
    const size = 2 * PART + 123;
    const response = await create(guest, { name: 'IMG_0001.JPG', type: 'image/jpeg', size });
    expect(response.status).toBe(201);
    const created = await response.json<Created>();
    expect(created.partSize).toBe(PART);
    expect(created.parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);
    const credentials = {
      accessKeyId: S3.R2_ACCESS_KEY_ID,
      secretAccessKey: S3.R2_SECRET_ACCESS_KEY,
    };
    for (const { partNumber, url } of created.parts) {
      const verdict = verifyPresignedUrl(url, { credentials, method: 'PUT' });
      expect(verdict).toMatchObject({
        ok: true,
        key: `uploads/${created.uploadId}/original.jpg`,
      });
      expect(new URL(url).searchParams.get('partNumber')).toBe(String(partNumber));
      expect(new URL(url).origin).toBe(ENDPOINT);
    }
    for (const [name, url] of Object.entries(created.renditions)) {
      expect(verifyPresignedUrl(url, { credentials, method: 'PUT' })).toMatchObject({
        ok: true,
        key: `uploads/${created.uploadId}/${name}.jpg`,
      });
    }
  });

  it('grows the part size to keep under UPLOAD_MAX_PARTS', async () => {
    const response = await create(
      guest,
      { name: 'long.mov', type: 'video/quicktime', size: 100 * PART },
      { UPLOAD_MAX_PARTS: '10' },
    );
    const created = await response.json<Created>();
    expect(created.parts.length).toBeLessThanOrEqual(10);
    expect(created.partSize % MiB).toBe(0);
    expect(created.partSize * created.parts.length).toBeGreaterThanOrEqual(100 * PART);
  });

  it('is 401 without a session', async () => {
    const response = await viewer('/api/uploads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'a.jpg', type: 'image/jpeg', size: 10 }),
    });
    expect(response.status).toBe(401);
  });

  it('is 415 for a type outside photos and videos, an object key of the table included', async () => {
    const outside = ['text/plain', 'application/pdf', 'image/svg+xml', 'application/zip'];
    for (const type of [...outside, '__proto__', 'constructor', 'toString']) {
      const response = await create(guest, { name: 'x', type, size: 10 });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toEqual({ error: 'unsupported-type' });
    }
  });

  it('is 413 over UPLOAD_MAX_BYTES (4 GiB by default)', async () => {
    const over = await create(guest, { name: 'big.mp4', type: 'video/mp4', size: 4 * 2 ** 30 + 1 });
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: 'too-large' });
    const small = await create(
      guest,
      { name: 'a.jpg', type: 'image/jpeg', size: 1001 },
      { UPLOAD_MAX_BYTES: '1000' },
    );
    expect(small.status).toBe(413);
  });

  it('is 400 for a body that is not {name, type, size}', async () => {
    for (const body of [
      {},
      { name: 'a', type: 'image/jpeg' },
      { name: 'a', type: 'image/jpeg', size: 0 },
    ]) {
      expect((await viewer('/api/uploads', json(guest, 'POST', body))).status).toBe(400);
    }
  });

  it('is 429 with Retry-After past UPLOADS_PER_HOUR, for that uploader only', async () => {
    const limits = { UPLOADS_PER_HOUR: '2' };
    const file = { name: 'a.jpg', type: 'image/jpeg', size: 10 };
    const me = await signIn();
    expect((await create(me, file, limits)).status).toBe(201);
    expect((await create(me, file, limits)).status).toBe(201);
    const third = await create(me, file, limits);
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({ error: 'upload-rate' });
    const retryAfter = Number(third.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect((await create(otherGuest, file, limits)).status).toBe(201);
  });

  it('is 429 past UPLOAD_DAILY_BYTES', async () => {
    const limits = { UPLOAD_DAILY_BYTES: String(100 * MiB) };
    const me = await signIn();
    const file = (size: number) => ({ name: 'v.mp4', type: 'video/mp4', size });
    expect((await create(me, file(60 * MiB), limits)).status).toBe(201);
    const over = await create(me, file(41 * MiB), limits);
    expect(over.status).toBe(429);
    expect(await over.json()).toEqual({ error: 'upload-quota' });
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThan(86_000);
    expect((await create(me, file(40 * MiB), limits)).status).toBe(201);
  });

  it('is refused to a browser on another origin', async () => {
    const response = await viewer('/api/uploads', {
      ...json(guest, 'POST', { name: 'a.jpg', type: 'image/jpeg', size: 10 }),
      headers: {
        Cookie: guest,
        'Content-Type': 'application/json',
        Origin: 'https://evil.example',
      },
    });
    expect(response.status).toBe(403);
  });

  it('is 503 with Retry-After when the viewer has no S3 credentials', async () => {
    const response = await callWith(
      {},
      '/api/uploads',
      json(guest, 'POST', { name: 'a.jpg', type: 'image/jpeg', size: 10 }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).not.toBeNull();
  });
});

describe('POST /api/uploads/<id>/complete', () => {
  it('stores the file whole, writes it pending, and only its uploader and the owner see it', async () => {
    const bytes = mov(PART + 4321);
    const { created, etags } = await upload(guest, 'First dance.MOV', 'video/quicktime', bytes);
    const response = await complete(guest, created.uploadId, etags, {
      width: 1920,
      height: 1080,
      takenAt: '2025-06-01T18:30:00.000Z',
      durationSec: 12.5,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: created.uploadId, state: 'pending' });

    const row = await mediaRow(created.uploadId);
    expect(row?.state).toBe('pending');
    const stored = await env.MEDIA.get(row!.original_key);
    expect(await sha256(await stored!.arrayBuffer())).toBe(await sha256(bytes));

    const list = async (cookie: string, path: string) =>
      (await viewer(path, { headers: { Cookie: cookie } })).json<MediaPage>();
    // The uploader sees it marked; another guest neither in the listing nor as their own.
    const mine = await list(guest, '/api/uploads');
    expect(mine.items.map((item) => [item.id, item.state, item.title])).toEqual([
      [created.uploadId, 'pending', 'First dance'],
    ]);
    // Presigned on the store like the listing: `uploads/` keys are never served by the viewer.
    expect(mine.items[0]!.fileUrl.startsWith(`${ENDPOINT}/${BUCKET}/uploads/`)).toBe(true);
    expect((await list(otherGuest, '/api/uploads')).items).toEqual([]);
    expect((await list(otherGuest, '/api/media')).items).toEqual([]);
    expect((await list(guest, '/api/media')).items).toEqual([]);
    // The owner reviews it and approves: then everyone sees it listed.
    const review = await list(owner, '/api/review');
    expect(review.items.map((item) => item.id)).toEqual([created.uploadId]);
    expect(
      (await viewer(`/api/media/${created.uploadId}/approve`, json(owner, 'POST'))).status,
    ).toBe(200);
    const listed = await list(otherGuest, '/api/media');
    expect(listed.items.map((item) => [item.id, item.kind, item.durationSec])).toEqual([
      [created.uploadId, 'video', 12.5],
    ]);
  });

  it('keeps the renditions the browser stored, drops one that is not an image', async () => {
    const bytes = jpeg(1000);
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', bytes);
    expect((await putToStore(created.renditions.thumbnail, jpeg(200))).status).toBe(200);
    expect((await putToStore(created.renditions.preview, 'not an image')).status).toBe(200);
    expect((await complete(guest, created.uploadId, etags)).status).toBe(200);
    const row = await env.DB.prepare('SELECT thumbnail_key, preview_key FROM media WHERE id = ?')
      .bind(created.uploadId)
      .first();
    expect(row).toEqual({
      thumbnail_key: `uploads/${created.uploadId}/thumbnail.jpg`,
      preview_key: null,
    });
    expect(await env.MEDIA.head(`uploads/${created.uploadId}/preview.jpg`)).toBeNull();
  });

  it('is 415 for a text file named .jpg, and the object is deleted', async () => {
    const text = new TextEncoder().encode('just some text, not a photo\n'.repeat(10));
    const { created, etags } = await upload(guest, 'notes.jpg', 'image/jpeg', text);
    const response = await complete(guest, created.uploadId, etags);
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: 'not-a-photo' });
    expect(await env.MEDIA.head(`uploads/${created.uploadId}/original.jpg`)).toBeNull();
    expect(await mediaRow(created.uploadId)).toBeNull();
  });

  it('is 415 for a photo declared as a video', async () => {
    const { created, etags } = await upload(guest, 'x.mp4', 'video/mp4', jpeg(500));
    expect((await complete(guest, created.uploadId, etags)).status).toBe(415);
  });

  it('is 400 with a wrong ETag, lists nothing, and completes once corrected', async () => {
    const bytes = jpeg(PART + 10);
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', bytes);
    const wrong = [etags[0]!, '"0123456789abcdef0123456789abcdef"'];
    const response = await complete(guest, created.uploadId, wrong);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'bad-parts' });
    expect(await mediaRow(created.uploadId)).toBeNull();
    expect((await complete(guest, created.uploadId, etags)).status).toBe(200);
  });

  it('is 400 for a missing, repeated or extra part', async () => {
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', jpeg(2 * PART + 1));
    const id = created.uploadId;
    const body = (parts: { partNumber: number; etag: string }[]) =>
      viewer(`/api/uploads/${id}/complete`, json(guest, 'POST', { parts }));
    const [a, b, c] = etags as [string, string, string];
    for (const parts of [
      [
        { partNumber: 1, etag: a },
        { partNumber: 2, etag: b },
      ],
      [
        { partNumber: 1, etag: a },
        { partNumber: 1, etag: a },
        { partNumber: 3, etag: c },
      ],
      [
        { partNumber: 1, etag: a },
        { partNumber: 2, etag: b },
        { partNumber: 3, etag: c },
        { partNumber: 4, etag: c },
      ],
    ]) {
      expect((await body(parts)).status).toBe(400);
    }
    expect(await mediaRow(id)).toBeNull();
  });

  it('is 404 for another guest, who can neither complete nor abort it', async () => {
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', jpeg(100));
    expect((await complete(otherGuest, created.uploadId, etags)).status).toBe(404);
    const abort = await viewer(`/api/uploads/${created.uploadId}`, json(otherGuest, 'DELETE'));
    expect(abort.status).toBe(404);
    expect((await complete(guest, created.uploadId, etags)).status).toBe(200);
  });

  it('is 410 a day after the upload was opened, which is then aborted', async () => {
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', jpeg(100));
    await env.DB.prepare('UPDATE uploads SET created_at = created_at - 86400 WHERE id = ?')
      .bind(created.uploadId)
      .run();
    expect((await complete(guest, created.uploadId, etags)).status).toBe(410);
    expect((await complete(guest, created.uploadId, etags)).status).toBe(409);
  });
});

describe('DELETE /api/uploads/<id>', () => {
  it('aborts the multipart upload: parts are refused by the store, completion is 409', async () => {
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', jpeg(100));
    const response = await viewer(`/api/uploads/${created.uploadId}`, json(guest, 'DELETE'));
    expect(response.status).toBe(200);
    expect((await putToStore(created.parts[0]!.url, jpeg(100))).status).toBe(404);
    expect((await complete(guest, created.uploadId, etags)).status).toBe(409);
    expect(await env.MEDIA.head(`uploads/${created.uploadId}/original.jpg`)).toBeNull();
  });
});

describe('unfinished uploads', () => {
  it('are aborted at the next upload once a day old', async () => {
    const { created } = await upload(guest, 'a.jpg', 'image/jpeg', jpeg(100));
    await env.DB.prepare('UPDATE uploads SET created_at = created_at - 86401 WHERE id = ?')
      .bind(created.uploadId)
      .run();
    await create(otherGuest, { name: 'b.jpg', type: 'image/jpeg', size: 10 });
    const state = await env.DB.prepare('SELECT state FROM uploads WHERE id = ?')
      .bind(created.uploadId)
      .first('state');
    expect(state).toBe('aborted');
    expect((await putToStore(created.parts[0]!.url, jpeg(100))).status).toBe(404);
  });
});

describe('without a session', () => {
  it('every upload route is 401, and the open upload is left as it was', async () => {
    const { created, etags } = await upload(guest, 'a.jpg', 'image/jpeg', jpeg(100));
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/uploads'],
      ['POST', '/api/uploads', { name: 'b.jpg', type: 'image/jpeg', size: 10 }],
      ['POST', `/api/uploads/${created.uploadId}/complete`, { parts }],
      ['DELETE', `/api/uploads/${created.uploadId}`],
    ];
    for (const [method, path, body] of routes) {
      const response = await viewer(path, {
        method,
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
    const { results } = await env.DB.prepare('SELECT id, state FROM uploads').all();
    expect(results).toEqual([{ id: created.uploadId, state: 'open' }]);
    expect((await complete(guest, created.uploadId, etags)).status).toBe(200);
  });
});
