import { cameraDemoTitles } from '@edge-gallery/stack';
import type { MediaItem as Item } from '@edge-gallery/viewer/media-item';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demo, demoFile, SPA_ORIGIN, urls, videoId } from './context.ts';

// The viewer through its real port, as the SPA and a browser use it.

const cookie = () => inject('cookie');
const viewer = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, urls.viewer), { ...init, headers: { Cookie: cookie(), ...init.headers } });

async function listAll(query = ''): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const response = await viewer(
      `/api/media?limit=5${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Item[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < 1000);
  return items;
}

describe('viewer: session', () => {
  it('says a visitor without a cookie is not signed in', async () => {
    const response = await fetch(`${urls.viewer}/auth`);
    expect(await response.json()).toEqual({ authenticated: false });
  });

  it('refuses the API without a session', async () => {
    const response = await fetch(`${urls.viewer}/api/media`);
    expect(response.status).toBe(401);
    expect(await response.json()).toHaveProperty('error');
  });

  it('refuses a wrong password with 401 wrong-password', async () => {
    const response = await fetch(`${urls.viewer}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'not-the-password' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'wrong-password' });
  });

  it('sets an HttpOnly, SameSite session cookie on login', () => {
    const setCookie = inject('setCookie');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=(Lax|Strict|None)/i);
  });

  it('knows the session', async () => {
    const body = (await (await viewer('/auth')).json()) as {
      authenticated: boolean;
      expiresAt: number;
    };
    expect(body.authenticated).toBe(true);
    expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers the cache versions without a session', async () => {
    const body = await (await fetch(`${urls.viewer}/api/cache-version`)).json();
    expect(body).toEqual({ thumbnailVersion: expect.any(Number), authVersion: expect.any(Number) });
  });

  it('lets the SPA call it with credentials (CORS)', async () => {
    const response = await viewer('/api/media?limit=1', { headers: { Origin: SPA_ORIGIN } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    const preflight = await fetch(`${urls.viewer}/login`, {
      method: 'OPTIONS',
      headers: {
        Origin: SPA_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN);
  });

  it('clears the cookie on logout', async () => {
    const response = await viewer('/logout', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get('Set-Cookie')).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
  });
});

describe('viewer: media', () => {
  let items: Item[];
  beforeAll(async () => {
    items = await listAll();
  });

  it('lists every demo item once, page by page: the seeded ones and the imported camera demo', () => {
    const seeded = new Set(demo.rows.map((row) => row.id));
    expect(
      items
        .filter((item) => seeded.has(item.id))
        .map((item) => item.id)
        .sort(),
    ).toEqual([...seeded].sort());
    // The camera demo (demo/camera.json) is imported by `gallery import` on first start:
    // content-hash ids, titles from the file names, a Live Photo as one item.
    const imported = items.filter((item) => !seeded.has(item.id));
    expect(imported.map((item) => item.title).sort()).toEqual(cameraDemoTitles().sort());
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    for (const item of imported) {
      expect(item.previewUrl).toBeDefined();
      expect(item.thumbnails).toHaveLength(2);
    }
    expect(imported.filter((item) => item.motionUrl !== undefined)).toHaveLength(1);
  });

  it.each(demo.rows)('$id: as seeded (kind, title, size, time)', (row) => {
    const item = items.find((candidate) => candidate.id === row.id)!;
    expect(item).toMatchObject({
      kind: row.kind,
      title: row.title,
      width: row.width,
      height: row.height,
      takenAt: row.taken_at,
    });
  });

  it('filters by kind', async () => {
    const videos = await listAll('&kind=video');
    expect(videos.map((item) => [item.id, item.videoId, item.durationSec])).toEqual(
      demo.rows
        .filter((row) => row.kind === 'video')
        .map((row) => [row.id, row.video_id, row.duration_sec]),
    );
  });

  it('lists presigned URLs on the S3 endpoint for every object: no image through the viewer', () => {
    for (const item of items) {
      for (const url of [
        item.thumbnailUrl,
        ...item.thumbnails.map((t) => t.url),
        item.fileUrl,
        item.downloadUrl,
        ...(item.previewUrl ? [item.previewUrl] : []),
        ...(item.motionUrl ? [item.motionUrl] : []),
      ]) {
        expect(url.startsWith(`${urls.devS3}/`), url).toBe(true);
        expect(new URL(url).searchParams.has('X-Amz-Signature')).toBe(true);
      }
    }
  });

  it.each(demo.rows)('$id: serves its thumbnail, from S3 and from the viewer', async (row) => {
    const item = items.find((candidate) => candidate.id === row.id)!;
    for (const response of [
      await fetch(item.thumbnailUrl),
      await viewer(`/api/thumbnail/${row.thumbnail_key}`),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('image/webp');
      expect(Buffer.from(await response.arrayBuffer()).equals(demoFile(row.thumbnail_key))).toBe(
        true,
      );
    }
  });

  it.each(demo.rows)('$id: serves its original whole, by range and conditionally', async (row) => {
    const item = items.find((candidate) => candidate.id === row.id)!;
    // The presigned URL (the S3 endpoint) and the fallback path on the viewer behave alike.
    const sources: [string, (path: string, init?: RequestInit) => Promise<Response>][] = [
      [item.fileUrl, (url, init) => fetch(url, init)],
      [`/api/file/${row.original_key}`, viewer],
    ];
    for (const [url, get] of sources) {
      const whole = await get(url);
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(demoFile(row.original_key))).toBe(true);

      const ranged = await get(url, { headers: { Range: 'bytes=100-1099' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('Content-Range')).toBe(`bytes 100-1099/${row.bytes}`);
      expect(
        Buffer.from(await ranged.arrayBuffer()).equals(
          demoFile(row.original_key).subarray(100, 1100),
        ),
      ).toBe(true);

      const etag = whole.headers.get('ETag')!;
      const again = await get(url, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    }
  });

  it.each(demo.rows)('$id: names its download as the viewer does', async (row) => {
    const item = items.find((candidate) => candidate.id === row.id)!;
    const fromS3 = await fetch(item.downloadUrl);
    expect(fromS3.status).toBe(200);
    const fromViewer = await viewer(`/api/file/${row.original_key}?download=1`);
    expect(fromS3.headers.get('Content-Disposition')).toMatch(/^attachment; filename="/);
    expect(fromS3.headers.get('Content-Disposition')).toBe(
      fromViewer.headers.get('Content-Disposition'),
    );
    expect(Buffer.from(await fromS3.arrayBuffer()).equals(demoFile(row.original_key))).toBe(true);
    await fromViewer.body?.cancel();
  });

  it('answers a range past the end with 416', async () => {
    const response = await viewer(`/api/file/${demo.rows[0]!.original_key}`, {
      headers: { Range: `bytes=${demo.rows[0]!.bytes + 10}-` },
    });
    expect(response.status).toBe(416);
  });

  it.each([
    '/api/file/originals/..%2F..%2Fsecrets',
    '/api/file/originals%2F..%2Fthumbnails%2Fdemo-01.webp',
    '/api/file/originals/missing.jpg',
  ])('never answers a bad or missing key with a 500: %s', async (path) => {
    const response = await viewer(path);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toHaveProperty('error');
  });
});

describe('viewer: playback tokens', () => {
  it('issues a token scoped to the video, with its expiry', async () => {
    const response = await viewer(`/api/videos/${videoId}/playback`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { query: string; expiresAt: number };
    const params = new URLSearchParams(body.query);
    expect(params.get('scope')).toBe(`hls/${videoId}/`);
    expect(Number(params.get('exp'))).toBe(body.expiresAt);
    expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('issues none for a video that does not exist', async () => {
    const response = await viewer('/api/videos/no-such-video/playback');
    expect(response.status).toBe(404);
  });

  it('issues none without a session', async () => {
    const response = await fetch(`${urls.viewer}/api/videos/${videoId}/playback`);
    expect(response.status).toBe(401);
  });
});
