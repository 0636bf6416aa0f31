import { jsonError, type S3Location } from '@edge-gallery/http';
import { toBase64Url } from '@edge-gallery/r2-signer';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import type { AppEnv } from '../env.ts';
import { SNIFF_BYTES, sniffKind, uploadTypeOf } from '../media-type.ts';
import { uploadSignersFor } from '../upload-signers.ts';
import { uploaderOf } from '../uploader.ts';
import { fromAllowedOrigin } from './auth.ts';
import { ITEM_COLUMNS, type StatedRow, statedItemsOf } from './review.ts';

// Guest uploads (DESIGN "Guest uploads"): the bytes go from the browser to the bucket in
// presigned UploadPart PUTs; this worker only opens, completes and aborts R2 multipart
// uploads through the binding, and never sees a byte but the first few of each file.

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Part and rendition URLs live as long as an upload may stay open. */
const URL_TTL_SECONDS = DAY;
/** The renditions the browser makes, and their size caps (larger ones are dropped). */
const RENDITIONS = { thumbnail: 2 * 2 ** 20, preview: 16 * 2 ** 20 } as const;
const MiB = 2 ** 20;
/** S3's and R2's limit for one part. */
const MAX_PART_BYTES = 5 * 2 ** 30;
/** Open uploads past their day aborted per new upload: bounded work on a guest's request. */
const SWEEP_LIMIT = 5;
const TITLE_MAX = 200;

type UploadRow = {
  id: string;
  uploaded_by: string;
  r2_upload_id: string;
  original_key: string;
  name: string;
  type: string;
  kind: 'image' | 'video';
  size: number;
  part_size: number;
  part_count: number;
  created_at: number;
  state: 'open' | 'completed' | 'aborted' | 'refused';
};

const Create = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(1024)),
  type: z.string().check(z.maxLength(255)),
  size: z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
});

const Complete = z.object({
  parts: z
    .array(
      z.object({
        partNumber: z.int().check(z.minimum(1), z.maximum(10_000)),
        // R2's part ETags are opaque and not always an MD5 (local ones are long ids).
        etag: z.string().check(z.minLength(1), z.maxLength(1024)),
      }),
    )
    .check(z.minLength(1), z.maxLength(10_000)),
  // What the browser measured while it made the renditions (additive to the design's body).
  width: z.optional(z.int().check(z.minimum(0), z.maximum(1_000_000))),
  height: z.optional(z.int().check(z.minimum(0), z.maximum(1_000_000))),
  takenAt: z.optional(z.iso.datetime({ offset: true })),
  durationSec: z.optional(z.number().check(z.minimum(0), z.maximum(1_000_000))),
});

// 10,000 parts of {"partNumber":10000,"etag":"<a few hundred>"} stay under 4 MB.
const jsonBody = bodyLimit({ maxSize: 4 * MiB, onError: () => jsonError(413, 'body-too-large') });

export const uploads = new Hono<AppEnv>()
  .use(fromAllowedOrigin)
  // The visitor's own uploads waiting for the owner, marked pending; never anyone else's.
  .get('/', async (c) => {
    const { results } = await c.env.DB.prepare(
      `SELECT ${ITEM_COLUMNS} FROM media WHERE uploaded_by = ? AND state = 'pending'
         ORDER BY taken_at, id LIMIT 500`,
    )
      .bind(uploaderOf(c))
      .all<StatedRow>();
    return c.json({ ...statedItemsOf(c, results), nextCursor: null });
  })
  .post('/', jsonBody, async (c) => {
    const location = storeOf(c);
    if (location instanceof Response) return location;
    const body = Create.safeParse(await readJson(c.req.raw));
    if (!body.success) return jsonError(400, 'bad-upload');
    const { name, type, size } = body.data;
    const accepted = uploadTypeOf(type.toLowerCase());
    if (!accepted) return jsonError(415, 'unsupported-type');
    const config = c.var.config;
    if (size > config.UPLOAD_MAX_BYTES) return jsonError(413, 'too-large');
    const partSize = Math.max(
      config.UPLOAD_PART_BYTES,
      Math.ceil(size / config.UPLOAD_MAX_PARTS / MiB) * MiB,
    );
    if (partSize > MAX_PART_BYTES) return jsonError(413, 'too-large');
    const partCount = Math.ceil(size / partSize);

    const now = Math.floor(Date.now() / 1000);
    await abortExpired(c, now);
    const uploader = uploaderOf(c);
    const refusal = await overLimits(c, uploader, size, now);
    if (refusal) return refusal;

    const id = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    const originalKey = `uploads/${id}/original.${accepted.ext}`;
    const multipart = await c.env.MEDIA.createMultipartUpload(originalKey, {
      httpMetadata: { contentType: type.toLowerCase() },
    });
    await c.env.DB.prepare(
      `INSERT INTO uploads (id, uploaded_by, r2_upload_id, original_key, name, type, kind, size,
         part_size, part_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(
        id,
        uploader,
        multipart.uploadId,
        originalKey,
        name,
        type.toLowerCase(),
        accepted.kind,
        size,
        partSize,
        partCount,
        now,
      )
      .run();

    const signers = uploadSignersFor(location);
    const options = { expiresIn: URL_TTL_SECONDS, now: now * 1000 };
    const numbers = Array.from({ length: partCount }, (_, i) => i + 1);
    const urls = signers.parts.presignParts(originalKey, multipart.uploadId, numbers, options);
    return c.json(
      {
        uploadId: id,
        partSize,
        parts: urls.map((url, i) => ({ partNumber: i + 1, url })),
        renditions: {
          thumbnail: signers.puts.presign(renditionKey(id, 'thumbnail'), options),
          preview: signers.puts.presign(renditionKey(id, 'preview'), options),
        },
        expiresAt: now + URL_TTL_SECONDS,
      },
      201,
    );
  })
  .post('/:uploadId/complete', jsonBody, async (c) => {
    const upload = await openUpload(c);
    if (upload instanceof Response) return upload;
    const body = Complete.safeParse(await readJson(c.req.raw));
    if (!body.success) return jsonError(400, 'bad-parts');
    // The store answers a part's ETag quoted, as S3 does; the binding wants it bare.
    const parts = body.data.parts
      .map(({ partNumber, etag }) => ({ partNumber, etag: etag.replace(/^"(.*)"$/, '$1') }))
      .sort((a, b) => a.partNumber - b.partNumber);
    // Every part, once: R2 would otherwise complete a file with a hole or a part twice.
    if (parts.length !== upload.part_count || parts.some((part, i) => part.partNumber !== i + 1)) {
      return jsonError(400, 'bad-parts');
    }

    const multipart = c.env.MEDIA.resumeMultipartUpload(upload.original_key, upload.r2_upload_id);
    let object: R2Object;
    try {
      object = await multipart.complete(parts);
    } catch (error) {
      // A wrong ETag, a part that never arrived, a part under the minimum: the client's
      // doing, and the upload stays open for a corrected completion. Anything else is R2's.
      if (isClientPartError(error)) return jsonError(400, 'bad-parts');
      throw error;
    }

    const refuse = async (status: 400 | 413 | 415, reason: string) => {
      await c.env.MEDIA.delete([upload.original_key, ...renditionKeys(upload.id)]);
      await setState(c, upload.id, 'refused');
      return jsonError(status, reason);
    };
    if (object.size > c.var.config.UPLOAD_MAX_BYTES) return refuse(413, 'too-large');
    if (object.size !== upload.size) return refuse(400, 'size-mismatch');
    const head = await c.env.MEDIA.get(upload.original_key, {
      range: { offset: 0, length: SNIFF_BYTES },
    });
    const first = head ? new Uint8Array(await head.arrayBuffer()) : new Uint8Array();
    if (sniffKind(first) !== upload.kind) {
      return refuse(415, upload.kind === 'image' ? 'not-a-photo' : 'not-a-video');
    }

    const [thumbnail, preview] = await Promise.all([
      rendition(c, upload.id, 'thumbnail'),
      rendition(c, upload.id, 'preview'),
    ]);
    const { width = 0, height = 0, takenAt, durationSec } = body.data;
    await c.env.DB.batch([
      c.env.DB.prepare(
        `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
           thumbnail_key, preview_key, duration_sec, state, uploaded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      ).bind(
        upload.id,
        upload.kind,
        titleOf(upload.name),
        new Date(takenAt ?? Date.now()).toISOString(),
        width,
        height,
        object.size,
        upload.original_key,
        // Without the browser's thumbnail a photo shows its original; a video's poster
        // stays missing until `gallery process`.
        thumbnail ??
          (upload.kind === 'image' ? upload.original_key : renditionKey(upload.id, 'thumbnail')),
        preview,
        upload.kind === 'video' ? (durationSec ?? null) : null,
        upload.uploaded_by,
      ),
      c.env.DB.prepare("UPDATE uploads SET state = 'completed' WHERE id = ?").bind(upload.id),
    ]);
    return c.json({ id: upload.id, state: 'pending' });
  })
  .delete('/:uploadId', async (c) => {
    const upload = await openUpload(c);
    if (upload instanceof Response) return upload;
    await abort(c, upload);
    return c.json({ id: upload.id, aborted: true });
  });

/** The S3 endpoint the part URLs point at; without credentials uploads are off (503). */
function storeOf(c: Context<AppEnv>): S3Location | Response {
  const location = c.var.s3?.location;
  if (!location) {
    return jsonError(503, 'uploads-unavailable', { 'Retry-After': '3600' });
  }
  return location;
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

/** The caller's own open upload named in the path, or the answer that it is not one. */
async function openUpload(c: Context<AppEnv>): Promise<UploadRow | Response> {
  const upload = await c.env.DB.prepare('SELECT * FROM uploads WHERE id = ? AND uploaded_by = ?')
    .bind(c.req.param('uploadId') ?? '', uploaderOf(c))
    .first<UploadRow>();
  // Someone else's upload is as unknown as one that never existed.
  if (!upload) return jsonError(404, 'unknown-upload');
  if (upload.state !== 'open') return jsonError(409, `upload-${upload.state}`);
  if (upload.created_at <= Date.now() / 1000 - DAY) {
    await abort(c, upload);
    return jsonError(410, 'upload-expired');
  }
  return upload;
}

/**
 * 429 with Retry-After when the uploader has started UPLOADS_PER_HOUR uploads in the last
 * hour, or this one would take the last day's declared bytes past UPLOAD_DAILY_BYTES.
 * Counted in D1 from the uploads table (KV is write-limited), served by its index.
 */
async function overLimits(
  c: Context<AppEnv>,
  uploader: string,
  size: number,
  now: number,
): Promise<Response | undefined> {
  const { UPLOADS_PER_HOUR, UPLOAD_DAILY_BYTES } = c.var.config;
  const usage = await c.env.DB.prepare(
    `SELECT
       COUNT(*) FILTER (WHERE created_at > ?2) AS hour_count,
       MIN(created_at) FILTER (WHERE created_at > ?2) AS hour_first,
       COALESCE(SUM(size), 0) AS day_bytes,
       MIN(created_at) AS day_first
     FROM uploads WHERE uploaded_by = ?1 AND created_at > ?3`,
  )
    .bind(uploader, now - HOUR, now - DAY)
    .first<{
      hour_count: number;
      hour_first: number | null;
      day_bytes: number;
      day_first: number | null;
    }>();
  if (usage && usage.hour_count >= UPLOADS_PER_HOUR) {
    return tooMany('upload-rate', (usage.hour_first ?? now) + HOUR - now);
  }
  if (usage && usage.day_bytes + size > UPLOAD_DAILY_BYTES) {
    return tooMany('upload-quota', (usage.day_first ?? now) + DAY - now);
  }
  return undefined;
}

function tooMany(reason: string, seconds: number): Response {
  return jsonError(429, reason, { 'Retry-After': String(Math.max(1, seconds)) });
}

/** Open uploads past their day: aborted at the next upload, a few at a time. */
async function abortExpired(c: Context<AppEnv>, now: number): Promise<void> {
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM uploads WHERE state = 'open' AND created_at <= ? ORDER BY created_at LIMIT ?",
  )
    .bind(now - DAY, SWEEP_LIMIT)
    .all<UploadRow>();
  for (const upload of results) await abort(c, upload);
}

async function abort(c: Context<AppEnv>, upload: UploadRow): Promise<void> {
  try {
    await c.env.MEDIA.resumeMultipartUpload(upload.original_key, upload.r2_upload_id).abort();
  } catch (error) {
    // Already gone (R2's lifecycle rule, or an abort that failed after this point).
    if (!isClientPartError(error)) throw error;
  }
  await c.env.MEDIA.delete(renditionKeys(upload.id));
  await setState(c, upload.id, 'aborted');
}

function setState(c: Context<AppEnv>, id: string, state: UploadRow['state']) {
  return c.env.DB.prepare('UPDATE uploads SET state = ? WHERE id = ?').bind(state, id).run();
}

type Rendition = keyof typeof RENDITIONS;

function renditionKey(id: string, rendition: Rendition): string {
  return `uploads/${id}/${rendition}.jpg`;
}

function renditionKeys(id: string): string[] {
  return (Object.keys(RENDITIONS) as Rendition[]).map((name) => renditionKey(id, name));
}

/**
 * The rendition's key when the browser stored a plausible one: an image (the same sniff as
 * the original) within its size cap. Anything else is deleted, as if never sent.
 */
async function rendition(c: Context<AppEnv>, id: string, name: Rendition): Promise<string | null> {
  const key = renditionKey(id, name);
  const object = await c.env.MEDIA.get(key, { range: { offset: 0, length: SNIFF_BYTES } });
  if (!object) return null;
  const first = new Uint8Array(await object.arrayBuffer());
  if (object.size <= RENDITIONS[name] && sniffKind(first) === 'image') return key;
  await c.env.MEDIA.delete(key);
  return null;
}

/** The file name without its extension, as the item's title. */
function titleOf(name: string): string | null {
  const base = name.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const title = base
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, TITLE_MAX);
  return title === '' ? null : title;
}

/**
 * R2's answers about the parts or the upload itself (codes from R2's error list): the
 * request's fault, not the store's.
 */
function isClientPartError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  // 10025 InvalidPart, 10024 NoSuchUpload, 10011 EntityTooSmall, 10048 InvalidPartOrder.
  return /\((10024|10025|10011|10048)\)|InvalidPart|NoSuchUpload|EntityTooSmall/i.test(message);
}
