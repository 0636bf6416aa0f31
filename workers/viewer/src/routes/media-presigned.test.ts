import { env } from 'cloudflare:workers';
import { s3SettingsOf } from '@edge-gallery/http';
import { verifyPresignedUrl } from '@edge-gallery/r2-signer';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BUCKET, ENDPOINT, S3, toStore } from '../../test/store.ts';
import { call, callWith, signIn } from '../../test/visitor.ts';
import { attachment } from '../disposition.ts';
import type { MediaItem, MediaPage } from '../media-item.ts';
import { PRESIGN_WINDOW_SECONDS, presignedLinks } from '../media-links.ts';

// The listing with S3 credentials: every URL a presigned GET on the S3 endpoint, served
// here by the dev S3 endpoint's own handler over the same local bucket.

const credentials = {
  accessKeyId: S3.R2_ACCESS_KEY_ID,
  secretAccessKey: S3.R2_SECRET_ACCESS_KEY,
};

/** GET through the dev S3 endpoint (tools/dev-s3), as a browser would. */
const fromStore = (url: string, init?: RequestInit) => toStore(new Request(url, init));

type Fixture = {
  id: string;
  title: string | null;
  keys: Partial<Record<'original' | 'thumbnail' | 'thumbnailHd' | 'preview' | 'motion', string>>;
};
const fixtures: Fixture[] = [
  {
    id: 'p1',
    title: 'Première danse: "Ana & Bo" ✨',
    keys: {
      original: 'originals/p1.jpg',
      thumbnail: 'thumbnails/p1.webp',
      thumbnailHd: 'thumbnails/p1@2x.webp',
      preview: 'previews/p1.webp',
    },
  },
  {
    id: 'p2',
    title: null,
    keys: {
      original: 'originals/live 2.heic',
      thumbnail: 'thumbnails/live 2.webp',
      motion: 'originals/live 2.mov',
    },
  },
  {
    id: 'p3',
    title: 'Toast',
    keys: { original: 'originals/p3.jpg', thumbnail: 'thumbnails/p3.webp' },
  },
];
/** Every object gets bytes of its own, so a URL serving another object's bytes shows. */
const bytesOf = (key: string) => new TextEncoder().encode(`bytes of ${key}`);

let cookie: string;

beforeAll(async () => {
  for (const [i, f] of fixtures.entries()) {
    await env.DB.prepare(
      `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
         thumbnail_key, thumbnail_hd_key, preview_key, motion_key)
       VALUES (?, 'image', ?, ?, 4000, 3000, 100, ?, ?, ?, ?, ?)`,
    )
      .bind(
        f.id,
        f.title,
        `2021-0${i + 1}-01T00:00:00.000Z`,
        f.keys.original!,
        f.keys.thumbnail!,
        f.keys.thumbnailHd ?? null,
        f.keys.preview ?? null,
        f.keys.motion ?? null,
      )
      .run();
    for (const key of Object.values(f.keys)) await env.MEDIA.put(key, bytesOf(key));
  }
  cookie = await signIn();
});

async function listing(query = '', overrides: Record<string, unknown> = S3): Promise<MediaPage> {
  const response = await callWith(overrides, `/api/media${query}`, { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  return response.json();
}

/** Every URL of an item, with the key it must serve. */
function urlsOf(item: MediaItem, f: Fixture): [string, string][] {
  const pairs: [string, string][] = [
    [item.thumbnails[0]!.url, f.keys.thumbnail!],
    [item.fileUrl, f.keys.original!],
    [item.downloadUrl, f.keys.original!],
  ];
  if (f.keys.thumbnailHd) pairs.push([item.thumbnails[1]!.url, f.keys.thumbnailHd]);
  if (f.keys.preview) pairs.push([item.previewUrl!, f.keys.preview]);
  if (f.keys.motion) pairs.push([item.motionUrl!, f.keys.motion]);
  return pairs;
}

describe('GET /api/media with S3 credentials: presigned URLs', () => {
  it('gives every item presigned GETs for each of its objects, which verify and serve exactly those bytes', async () => {
    const page = await listing();
    expect(page.items.map((item) => item.id)).toEqual(['p1', 'p2', 'p3']);
    for (const [i, item] of page.items.entries()) {
      const f = fixtures[i]!;
      expect(item.thumbnailUrl).toBe(item.thumbnails[0]!.url);
      expect(item.thumbnails).toHaveLength(f.keys.thumbnailHd ? 2 : 1);
      expect(item.previewUrl !== undefined).toBe(f.keys.preview !== undefined);
      expect(item.motionUrl !== undefined).toBe(f.keys.motion !== undefined);
      for (const [url, key] of urlsOf(item, f)) {
        expect(url.startsWith(`${ENDPOINT}/${BUCKET}/`)).toBe(true);
        const verdict = verifyPresignedUrl(url, { credentials, region: 'auto' });
        expect(verdict).toMatchObject({ ok: true, key, bucket: BUCKET, expiresAt: page.expiresAt });
        const response = await fromStore(url);
        expect(response.status, url).toBe(200);
        expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytesOf(key));
      }
    }
  });

  it('names the download as ?download=1 does (response-content-disposition, honoured by the store)', async () => {
    const page = await listing();
    for (const [i, item] of page.items.entries()) {
      const f = fixtures[i]!;
      const expected = attachment(f.title, f.keys.original!);
      expect(new URL(item.downloadUrl).searchParams.get('response-content-disposition')).toBe(
        expected,
      );
      expect((await fromStore(item.downloadUrl)).headers.get('Content-Disposition')).toBe(expected);
      // The same header the worker-served route gives.
      const served = await call(
        `/api/file/${f.keys.original!.split('/').map(encodeURIComponent).join('/')}?download=1`,
        { headers: { Cookie: cookie } },
      );
      expect(served.headers.get('Content-Disposition')).toBe(expected);
      // Shown inline: no disposition on fileUrl.
      expect((await fromStore(item.fileUrl)).headers.get('Content-Disposition')).toBeNull();
    }
  });

  it('refuses a URL altered to name another object (403), whatever was changed', async () => {
    const [p1, p2] = (await listing()).items as [MediaItem, MediaItem];
    const moved = new URL(p1.fileUrl);
    moved.pathname = new URL(p2.fileUrl).pathname;
    const renamed = new URL(p1.downloadUrl);
    renamed.searchParams.set('response-content-disposition', 'inline');
    const swapped = new URL(p1.thumbnailUrl);
    swapped.searchParams.set(
      'X-Amz-Signature',
      new URL(p2.thumbnailUrl).searchParams.get('X-Amz-Signature')!,
    );
    for (const url of [moved, renamed, swapped]) {
      expect(verifyPresignedUrl(url, { credentials })).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
      expect((await fromStore(url.href)).status).toBe(403);
    }
  });

  it('is built for a time window: the same URLs on every listing, page and guest within it; expiry = window end + TTL', async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await listing();
    const other = await signIn();
    const again = await callWith(S3, '/api/media', { headers: { Cookie: other } });
    const second: MediaPage = await again.json();
    const paged = await listing('?limit=1');
    // A window edge between the calls would change every URL: retry once, it cannot happen twice.
    const windowStart = (s: number) => s - (s % PRESIGN_WINDOW_SECONDS);
    if (windowStart(before) === windowStart(Math.floor(Date.now() / 1000))) {
      expect(second).toEqual(first);
      expect(paged.items[0]).toEqual(first.items[0]);
    }
    const start = windowStart(before);
    expect(first.expiresAt).toBe(start + PRESIGN_WINDOW_SECONDS + 3600);
    const url = new URL(first.items[0]!.fileUrl);
    expect(url.searchParams.get('X-Amz-Date')).toBe(
      new Date(start * 1000).toISOString().replace(/[:-]|\.\d{3}/g, ''),
    );
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(PRESIGN_WINDOW_SECONDS + 3600);
  });

  it('takes the TTL from PRESIGN_EXPIRES_SECONDS and enforces its ceiling', async () => {
    const page = await listing('', { ...S3, PRESIGN_EXPIRES_SECONDS: '600' });
    const url = new URL(page.items[0]!.fileUrl);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBe(PRESIGN_WINDOW_SECONDS + 600);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const ttl of ['600001', '59', 'soon']) {
      const response = await callWith({ ...S3, PRESIGN_EXPIRES_SECONDS: ttl }, '/api/media', {
        headers: { Cookie: cookie },
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        error: 'misconfigured',
        variable: 'PRESIGN_EXPIRES_SECONDS',
      });
    }
    vi.restoreAllMocks();
  });

  it('makes URLs that die at their expiry (403 at the store)', async () => {
    const settings = s3SettingsOf({ ...S3 });
    const rows = [
      {
        title: 'old',
        original_key: 'originals/p3.jpg',
        thumbnail_key: 'thumbnails/p3.webp',
        thumbnail_hd_key: null,
        preview_key: null,
        motion_key: null,
      },
    ];
    const long = Date.now() - (PRESIGN_WINDOW_SECONDS + 3600 + 60) * 1000;
    const expired = presignedLinks(rows, settings, long)!;
    expect(expired.expiresAt! * 1000).toBeLessThan(Date.now());
    for (const url of [expired.links[0]!.file, expired.links[0]!.thumbnails[0]!]) {
      expect(verifyPresignedUrl(url, { credentials })).toEqual({ ok: false, reason: 'expired' });
      const response = await fromStore(url);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Reason>expired</Reason>');
    }
  });

  it('keeps its answers to bad input: cursor tampering, junk limit and kind are 400', async () => {
    const page = await listing('?limit=1');
    const tampered = `${page.nextCursor!.slice(0, -2)}AA`;
    for (const [query, error] of [
      [`?cursor=${tampered}`, 'bad-cursor'],
      ['?limit=ten', 'bad-limit'],
      ['?limit=1.5', 'bad-limit'],
      ['?kind=photo', 'bad-kind'],
    ]) {
      const response = await callWith(S3, `/api/media${query}`, { headers: { Cookie: cookie } });
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual({ error });
    }
    const anonymous = await callWith(S3, '/api/media');
    expect(anonymous.status).toBe(401);
  });

  it('with DEBUG, says in Server-Timing where the versions came from and how long links took', async () => {
    const debug = await callWith({ ...S3, DEBUG: 'true' }, '/api/media', {
      headers: { Cookie: cookie },
    });
    expect(debug.headers.get('Server-Timing')).toMatch(
      /^versions;desc=(kv|memo), links;desc=presigned;dur=\d+\.\d{3}$/,
    );
    const quiet = await callWith({ ...S3, DEBUG: 'false' }, '/api/media', {
      headers: { Cookie: cookie },
    });
    expect(quiet.headers.get('Server-Timing')).toBeNull();
  });

  it('holds no secret but signatures: no S3 secret, AUTH_SECRET, password or playback secret', async () => {
    const text = await (await callWith(S3, '/api/media', { headers: { Cookie: cookie } })).text();
    expect(text).toContain('X-Amz-Signature=');
    for (const secret of [
      S3.R2_SECRET_ACCESS_KEY,
      env.AUTH_SECRET,
      env.GALLERY_PASSWORD,
      env.PLAYBACK_TOKEN_SECRET.split(':')[1]!,
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(encodeURIComponent(secret));
    }
  });

  it('treats half a key pair or keys without an endpoint as a misconfiguration, naming the variable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const [change, variable] of [
      [{ R2_SECRET_ACCESS_KEY: undefined }, 'R2_SECRET_ACCESS_KEY'],
      [{ S3_ENDPOINT: undefined }, 'S3_ENDPOINT'],
      [{ R2_BUCKET_NAME: 'Not_A_Bucket' }, 'R2_BUCKET_NAME'],
    ] as const) {
      const response = await callWith({ ...S3, ...change }, '/api/media', {
        headers: { Cookie: cookie },
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'misconfigured', variable });
    }
    vi.restoreAllMocks();
  });
});

describe('GET /api/media without S3 credentials', () => {
  it('says so in the log at most once per isolate', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await listing('', {});
    await listing('', {});
    const told = log.mock.calls.flat().filter((line) => String(line).includes('R2_ACCESS_KEY_ID'));
    expect(told.length).toBeLessThanOrEqual(1);
    log.mockRestore();
  });

  it('keeps worker-served paths, which still serve the bytes (Range and 304 as before)', async () => {
    const page = await listing('', {});
    expect(page.expiresAt).toBeNull();
    const [p1] = page.items as [MediaItem];
    expect(p1.fileUrl).toBe('/api/file/originals/p1.jpg');
    expect(p1.previewUrl).toBe('/api/file/previews/p1.webp');
    expect(p1.thumbnails.map((t) => t.url)).toEqual([
      '/api/thumbnail/thumbnails/p1.webp?v=1',
      '/api/thumbnail/thumbnails/p1%402x.webp?v=1',
    ]);
    const whole = await call(p1.fileUrl, { headers: { Cookie: cookie } });
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytesOf('originals/p1.jpg'));
    const ranged = await call(p1.fileUrl, { headers: { Cookie: cookie, Range: 'bytes=0-4' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('bytes');
    const etag = whole.headers.get('ETag')!;
    const revalidated = await call(p1.thumbnailUrl, {
      headers: { Cookie: cookie, 'If-None-Match': etag },
    });
    expect(revalidated.status).toBe(200);
    const thumbEtag = revalidated.headers.get('ETag')!;
    await revalidated.arrayBuffer();
    const notModified = await call(p1.thumbnailUrl, {
      headers: { Cookie: cookie, 'If-None-Match': thumbEtag },
    });
    expect(notModified.status).toBe(304);
  });
});
