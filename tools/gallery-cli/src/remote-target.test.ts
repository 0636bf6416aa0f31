import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPresigner, type Presigner } from '@edge-gallery/r2-signer';
import { applyMigrations, type MediaRow, mediaRow, openLocalState } from '@edge-gallery/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRemoteTarget,
  downloadObject,
  objectExists,
  type RowStore,
  uploadObject,
  wranglerD1,
} from './remote-target.ts';
import {
  PHOTOS_WITHOUT_RENDITIONS,
  RowsNotWritten,
  VIDEOS_TO_PROCESS,
  VIDEOS_WITH_HLS,
} from './target.ts';

// The remote target cannot reach a Cloudflare account from here: its S3 side is checked
// against a local HTTP server that records what an S3 endpoint would receive, and its D1
// side runs the same wrangler commands against a local state instead of --remote.

type Received = { method: string; url: URL; headers: IncomingMessage['headers']; body: Buffer };

let dir: string;
let server: Server;
let received: Received[] = [];
let answers: number[] = [];
let presigner: Presigner;

/** A test key pair for the bucket at an address nothing listens on (unless a test says). */
const BUCKET_ACCESS = {
  accessKeyId: 'test-access-key',
  secretAccessKey: 'test-secret-key',
  endpoint: 'http://127.0.0.1:1',
  bucket: 'edge-gallery-media',
  region: 'auto',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gallery-remote-'));
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({
        method: request.method!,
        url: new URL(request.url!, 'http://s3'),
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const status = answers.shift() ?? 200;
      response
        .writeHead(status)
        .end(status === 200 ? '' : '<Error><Code>AccessDenied</Code></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  presigner = createPresigner({
    ...BUCKET_ACCESS,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    method: 'PUT',
  });
});

afterAll(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('uploads through the S3 API', () => {
  it('PUTs each object to its presigned URL with its length and type, streaming files', async () => {
    received = [];
    const path = join(dir, 'photo.jpg');
    await writeFile(path, Buffer.alloc(300_000, 7));
    await uploadObject(presigner, {
      key: 'originals/abc.jpg',
      body: { path, size: 300_000 },
      contentType: 'image/jpeg',
    });
    await uploadObject(presigner, {
      key: 'thumbnails/abc.webp',
      body: { bytes: new Uint8Array([1, 2, 3]) },
      contentType: 'image/webp',
    });
    expect(
      received.map((r) => [
        r.method,
        r.url.pathname,
        r.headers['content-type'],
        r.headers['content-length'],
        r.body.length,
      ]),
    ).toEqual([
      ['PUT', '/edge-gallery-media/originals/abc.jpg', 'image/jpeg', '300000', 300_000],
      ['PUT', '/edge-gallery-media/thumbnails/abc.webp', 'image/webp', '3', 3],
    ]);
    const query = received[0]!.url.searchParams;
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(query.get('X-Amz-Expires')).toBe('3600');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('retries a server error, and gives up at once on a refusal, naming the S3 error', async () => {
    received = [];
    answers = [503, 200];
    await uploadObject(presigner, {
      key: 'a',
      body: { bytes: new Uint8Array(1) },
      contentType: 'image/webp',
    });
    expect(received).toHaveLength(2);

    received = [];
    answers = [403];
    await expect(
      uploadObject(presigner, {
        key: 'b',
        body: { bytes: new Uint8Array(1) },
        contentType: 'image/webp',
      }),
    ).rejects.toThrow('upload of b failed: 403 AccessDenied');
    expect(received).toHaveLength(1);
  });
});

describe('the signer', () => {
  it('signs uploads as PUT: a GET presigner would be refused by S3 with SignatureDoesNotMatch', () => {
    const now = Date.UTC(2026, 10, 21);
    const put = createPresigner({ ...BUCKET_ACCESS, method: 'PUT' }).presign('a', { now });
    const get = createPresigner(BUCKET_ACCESS).presign('a', { now });
    expect(put).not.toBe(get);
  });
});

const row = (id: string, title = id): MediaRow =>
  mediaRow({
    id,
    kind: 'image',
    title,
    taken_at: '2024-06-01T12:00:00.000Z',
    width: 10,
    height: 10,
    bytes: 1,
    original_key: `originals/${id}.jpg`,
    thumbnail_key: `thumbnails/${id}.webp`,
    video_id: null,
    duration_sec: null,
  });

describe('downloads through the S3 API (gallery renditions)', () => {
  it('GETs the presigned URL into a file, retrying a server error', async () => {
    const reader = createPresigner(BUCKET_ACCESS);
    const urls: string[] = [];
    const answers = [new Response('busy', { status: 503 }), new Response('the original bytes')];
    const path = join(dir, 'downloaded.jpg');
    await downloadObject(reader, 'originals/a b.jpg', path, async (url) => {
      urls.push(String(url));
      return answers.shift()!;
    });
    expect(await readFile(path, 'utf8')).toBe('the original bytes');
    expect(urls).toHaveLength(2);
    expect(new URL(urls[0]!).pathname).toBe('/edge-gallery-media/originals/a%20b.jpg');
    expect(new URL(urls[0]!).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('is an object there (gallery renditions: seek previews)', () => {
  it('GETs its first byte through a presigned GET URL: 206 yes, 404 no, anything else fails', async () => {
    const reader = createPresigner(BUCKET_ACCESS);
    const requests: { url: string; range: string | null }[] = [];
    const answer =
      (response: Response) => async (url: string | URL | Request, init?: RequestInit) => {
        requests.push({ url: String(url), range: new Headers(init?.headers).get('range') });
        return response;
      };
    const key = 'hls/v1/storyboard.vtt';
    expect(await objectExists(reader, key, answer(new Response('W', { status: 206 })))).toBe(true);
    expect(await objectExists(reader, key, answer(new Response('', { status: 404 })))).toBe(false);
    await expect(
      objectExists(
        reader,
        key,
        answer(new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 })),
      ),
    ).rejects.toThrow('checking hls/v1/storyboard.vtt failed: 403 AccessDenied');
    expect(requests.map((r) => r.range)).toEqual(['bytes=0-0', 'bytes=0-0', 'bytes=0-0']);
    expect(new URL(requests[0]!.url).pathname).toBe('/edge-gallery-media/hls/v1/storyboard.vtt');
    expect(new URL(requests[0]!.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('rows through wrangler d1 execute', () => {
  it('are batched: one wrangler run per 100 rows or 20 s, and the rest on flush', async () => {
    const executed: string[] = [];
    const d1: RowStore = {
      existingIds: async () => new Set(),
      query: async () => [],
      execute: async (sql) => void executed.push(sql),
    };
    let clock = 0;
    const target = createRemoteTarget({ description: 'test', presigner, d1, now: () => clock });
    for (let i = 0; i < 150; i++) await target.insertRow(row(`r${i}`));
    expect(executed.map((sql) => sql.split('\n').filter(Boolean).length)).toEqual([100]);
    await target.insertRow(row('late'));
    clock = 21_000;
    await target.insertRow(row('later'));
    expect(executed.map((sql) => sql.split('\n').filter(Boolean).length)).toEqual([100, 52]);
    await target.insertRow(row('last'));
    await target.flush();
    expect(executed.at(-1)).toMatch(
      /^INSERT INTO media .*'last'.*ON CONFLICT \(id\) DO NOTHING;\n$/,
    );
  });

  it('keeps the rows of a failed batch and writes them with the next one', async () => {
    const executed: string[] = [];
    let failures = 1;
    const d1: RowStore = {
      existingIds: async () => new Set(),
      query: async () => [],
      execute: async (sql) => {
        if (failures-- > 0) throw new Error('D1 is having a moment');
        executed.push(sql);
      },
    };
    const target = createRemoteTarget({ description: 'test', presigner, d1, now: () => 0 });
    // The 100th row triggers the batch that fails: that file's insert still succeeds.
    for (let i = 0; i < 200; i++) await target.insertRow(row(`r${i}`));
    await target.flush();
    const written = executed.join('').match(/'r\d+'/g)!;
    expect(new Set(written)).toEqual(new Set(Array.from({ length: 200 }, (_, i) => `'r${i}'`)));
  });

  it('names on flush every row it could not write, and close writes nothing behind that report', async () => {
    let runs = 0;
    const d1: RowStore = {
      existingIds: async () => new Set(),
      query: async () => [],
      execute: async () => {
        runs++;
        throw new Error('wrangler d1 execute failed: 7500 authentication error');
      },
    };
    const target = createRemoteTarget({ description: 'test', presigner, d1, now: () => 0 });
    await target.insertRow(row('a'));
    await target.insertRow(row('b'));
    await target.setRenditions('a', { thumbnail_hd_key: 'x', preview_key: 'y' });
    const failure = await target.flush().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RowsNotWritten);
    expect((failure as RowsNotWritten).ids).toEqual(['a', 'b']);
    expect((failure as RowsNotWritten).message).toMatch(/authentication error/);
    const before = runs;
    await target.close();
    expect(runs).toBe(before);
  });

  it('run as real D1 statements (here --local): inserted once, found by id', async () => {
    const state = join(dir, 'state');
    await applyMigrations(state);
    const d1 = wranglerD1({ remote: false, persistTo: state });
    const target = createRemoteTarget({ description: 'local', presigner, d1 });
    await target.insertRow(row('one', "O'Brien's"));
    await target.insertRow(row('two'));
    await target.insertRow(row('one', 'replaced?'));
    await target.insertRow({
      ...row('film'),
      kind: 'video',
      original_key: 'originals/film.mp4',
      video_id: 'film',
      duration_sec: 6.5,
    });
    await target.flush();
    expect(await target.existingIds(['one', 'two', 'three'])).toEqual(new Set(['one', 'two']));
    // Seek previews for videos imported before them: the videos with a ladder.
    expect(await target.rows(VIDEOS_WITH_HLS)).toEqual([
      {
        id: 'film',
        original_key: 'originals/film.mp4',
        video_id: 'film',
        duration_sec: 6.5,
        width: 10,
        height: 10,
      },
    ]);
    // `gallery renditions` over the same wrangler commands: find, then name, in one batch.
    expect((await target.rows(PHOTOS_WITHOUT_RENDITIONS)).map((r) => r.id)).toEqual(['one', 'two']);
    await target.setRenditions('one', {
      thumbnail_hd_key: 'thumbnails/one-hd.webp',
      preview_key: 'previews/one.webp',
    });
    await target.flush();
    expect(await target.rows(PHOTOS_WITHOUT_RENDITIONS)).toEqual([
      { id: 'two', original_key: 'originals/two.jpg' },
    ]);
    // `gallery process` over the same commands: an approved guest video (no ladder) is
    // found, pointed at its ladder in a batch, and not found again; a pending one never is.
    const guestVideo = (id: string, state: 'listed' | 'pending') => ({
      ...row(id),
      kind: 'video' as const,
      original_key: `uploads/${id}/original.mov`,
      thumbnail_key: `uploads/${id}/thumbnail.jpg`,
      state,
      uploaded_by: 'a-guest',
    });
    await target.insertRow(guestVideo('guest-clip', 'listed'));
    await target.insertRow(guestVideo('guest-wait', 'pending'));
    await target.flush();
    expect(await target.rows(VIDEOS_TO_PROCESS)).toEqual([
      {
        id: 'guest-clip',
        original_key: 'uploads/guest-clip/original.mov',
        thumbnail_key: 'uploads/guest-clip/thumbnail.jpg',
        state: 'listed',
      },
    ]);
    const ladder = {
      video_id: 'guest-clip',
      width: 1080,
      height: 1920,
      duration_sec: 12.5,
      thumbnail_key: 'thumbnails/guest-clip.webp',
    };
    await target.setVideoLadder('guest-clip', ladder);
    await target.flush();
    expect(await target.rows(VIDEOS_TO_PROCESS)).toEqual([]);
    // A late or repeated batch never overwrites a ladder that is there.
    await target.setVideoLadder('guest-clip', { ...ladder, video_id: 'other', width: 1 });
    await target.flush();
    const { db, dispose } = await openLocalState(state);
    try {
      const { results } = await db.prepare('SELECT id, title FROM media ORDER BY id').bind().all();
      expect(results).toEqual([
        { id: 'film', title: 'film' },
        { id: 'guest-clip', title: 'guest-clip' },
        { id: 'guest-wait', title: 'guest-wait' },
        { id: 'one', title: "O'Brien's" },
        { id: 'two', title: 'two' },
      ]);
      expect(
        await db
          .prepare(
            'SELECT video_id, width, height, duration_sec, thumbnail_key FROM media WHERE id = ?',
          )
          .bind('guest-clip')
          .first(),
      ).toEqual(ladder);
    } finally {
      await dispose();
    }
  });
});
