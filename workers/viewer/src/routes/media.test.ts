import { env } from 'cloudflare:workers';
import { parsePlaybackKeys, verifyPlaybackToken } from '@edge-gallery/r2-signer';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn } from '../../test/visitor.ts';
import { encodeCursor } from '../cursor.ts';
import { listingQuery } from '../listing-query.ts';
import type { MediaPage as Page } from '../media-item.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './media.ts';

type Row = { id: string; kind: 'image' | 'video'; taken_at: string; video_id: string | null };

const COUNT = 3000;
const START = Date.parse('2024-06-01T12:00:00.000Z');

// Three rows share each second, and ids run against insertion order, so the id tiebreak
// is exercised on every page boundary.
const rows: Row[] = Array.from({ length: COUNT }, (_, i) => {
  const kind = i % 7 === 3 ? 'video' : 'image';
  const id = `m${String((i * 7919) % COUNT).padStart(4, '0')}`;
  return {
    id,
    kind,
    taken_at: new Date(START + Math.floor(i / 3) * 1000).toISOString(),
    video_id: kind === 'video' ? `v-${id}` : null,
  };
});
const inOrder = (list: Row[]) =>
  [...list]
    .sort((a, b) =>
      a.taken_at === b.taken_at ? (a.id < b.id ? -1 : 1) : a.taken_at < b.taken_at ? -1 : 1,
    )
    .map((row) => row.id);

let cookie: string;

beforeAll(async () => {
  await env.DB.prepare(
    `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
       thumbnail_key, video_id, duration_sec)
     SELECT value ->> 'id', value ->> 'kind', 'Photo ' || (value ->> 'id'), value ->> 'taken_at',
       4000, 3000, 123456, 'originals/' || (value ->> 'id') || '.jpg',
       'thumbnails/' || (value ->> 'id') || '.webp', value ->> 'video_id',
       CASE WHEN value ->> 'video_id' IS NULL THEN NULL ELSE 12.5 END
     FROM json_each(?)`,
  )
    .bind(JSON.stringify(rows))
    .run();
  // Two hand-written rows before all others: the item shape of an image and a video.
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
         thumbnail_key) VALUES ('a-first', 'image', NULL, '2020-01-01T00:00:00.000Z', 1200, 800,
         2048, 'originals/a-first.jpg', 'thumbnails/a first.webp')`,
    ),
    env.DB.prepare(
      `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
         thumbnail_key, video_id, duration_sec) VALUES ('b-clip', 'video', 'Toast',
         '2020-01-01T00:00:01.000Z', 1920, 1080, 99999, 'originals/b-clip.mp4',
         'thumbnails/b-clip.jpg', 'clip1', 83.25)`,
    ),
  ]);
  cookie = await signIn();
});

afterEach(async () => {
  await env.CACHE_VERSION.delete('thumbnail_version');
});

async function list(query: string): Promise<Response> {
  return call(`/api/media${query}`, { headers: { Cookie: cookie } });
}

async function walk(query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = '';
  do {
    const response = await list(`?${query}&cursor=${encodeURIComponent(cursor)}`);
    expect(response.status).toBe(200);
    const page: Page = await response.json();
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { ids, pages };
}

describe('GET /api/media', () => {
  it('returns every item exactly once, ordered by date taken then id', async () => {
    const { ids, pages } = await walk('limit=97');
    expect(ids).toEqual(['a-first', 'b-clip', ...inOrder(rows)]);
    expect(pages).toBe(Math.ceil((COUNT + 2) / 97));
  });

  it('filters by kind, with the same guarantees', async () => {
    const videos = await walk('kind=video&limit=50');
    expect(videos.ids).toEqual(['b-clip', ...inOrder(rows.filter((r) => r.kind === 'video'))]);
    const images = await walk('kind=image&limit=200');
    expect(images.ids).toEqual(['a-first', ...inOrder(rows.filter((r) => r.kind === 'image'))]);
  });

  it('describes images and videos as the SPA expects', async () => {
    await env.CACHE_VERSION.put('thumbnail_version', '3');
    const page: Page = await (await list('?limit=2')).json();
    expect(page.items).toEqual([
      {
        id: 'a-first',
        kind: 'image',
        title: '',
        takenAt: '2020-01-01T00:00:00.000Z',
        width: 1200,
        height: 800,
        thumbnailUrl: '/api/thumbnail/thumbnails/a%20first.webp?v=3',
        thumbnails: [{ url: '/api/thumbnail/thumbnails/a%20first.webp?v=3', width: 480 }],
        fileUrl: '/api/file/originals/a-first.jpg',
        downloadUrl: '/api/file/originals/a-first.jpg?download=1',
      },
      {
        id: 'b-clip',
        kind: 'video',
        title: 'Toast',
        takenAt: '2020-01-01T00:00:01.000Z',
        width: 1920,
        height: 1080,
        thumbnailUrl: '/api/thumbnail/thumbnails/b-clip.jpg?v=3',
        thumbnails: [{ url: '/api/thumbnail/thumbnails/b-clip.jpg?v=3', width: 480 }],
        fileUrl: '/api/file/originals/b-clip.mp4',
        downloadUrl: '/api/file/originals/b-clip.mp4?download=1',
        videoId: 'clip1',
        durationSec: 83.25,
        playback: { query: expect.any(String), expiresAt: expect.any(Number) },
      },
    ]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.expiresAt).toBeNull();
  });

  it('hands each video its playback token, as the playback route issues it, for that video only', async () => {
    const page: Page = await (await list('?kind=video&limit=20')).json();
    const keys = parsePlaybackKeys(env.PLAYBACK_TOKEN_SECRET);
    for (const item of page.items) {
      const { query, expiresAt } = item.playback!;
      const params = new URLSearchParams(query);
      expect(
        verifyPlaybackToken(params, keys, { path: `hls/${item.videoId}/master.m3u8` }),
      ).toMatchObject({ ok: true, claims: { scope: `hls/${item.videoId}/`, expiresAt } });
      // Another video's, or anything outside hls/<videoId>/, is refused.
      for (const path of [`hls/${item.videoId}x/master.m3u8`, `originals/${item.id}.mp4`]) {
        expect(verifyPlaybackToken(params, keys, { path })).toEqual({
          ok: false,
          reason: 'out-of-scope',
        });
      }
      // The same expiry and rollout bucket as GET /api/videos/<videoId>/playback.
      const issued: { query: string; expiresAt: number } = await (
        await call(`/api/videos/${item.videoId}/playback`, { headers: { Cookie: cookie } })
      ).json();
      expect(Math.abs(issued.expiresAt - expiresAt)).toBeLessThanOrEqual(1);
      expect(params.get('bucket')).toBe(new URLSearchParams(issued.query).get('bucket'));
    }
    const images: Page = await (await list('?kind=image&limit=20')).json();
    expect(images.items.some((item) => item.playback !== undefined)).toBe(false);
  });

  it('lists only listed rows: pending uploads and hidden items stay out', async () => {
    await env.DB.prepare("UPDATE media SET state = 'pending' WHERE id = 'a-first'").run();
    await env.DB.prepare("UPDATE media SET state = 'hidden' WHERE id = 'b-clip'").run();
    const page: Page = await (await list(`?limit=${MAX_LIMIT}`)).json();
    const ids = page.items.map((item) => item.id);
    expect(ids).not.toContain('a-first');
    expect(ids).not.toContain('b-clip');
    expect(ids.length).toBeGreaterThan(0);
  });

  it('changes thumbnail URLs when thumbnail_version is bumped', async () => {
    const before: Page = await (await list('?limit=1')).json();
    expect(before.items[0]!.thumbnailUrl).toMatch(/\?v=1$/);
    await env.CACHE_VERSION.put('thumbnail_version', '4');
    const after: Page = await (await list('?limit=1')).json();
    expect(after.items[0]!.thumbnailUrl).toMatch(/\?v=4$/);
  });

  it('clamps the limit and treats empty parameters as absent', async () => {
    const count = async (query: string) =>
      ((await (await list(query)).json()) as Page).items.length;
    expect(await count('')).toBe(DEFAULT_LIMIT);
    expect(await count('?cursor=&limit=&kind=')).toBe(DEFAULT_LIMIT);
    expect(await count('?limit=0')).toBe(1);
    expect(await count('?limit=-5')).toBe(1);
    expect(await count('?limit=7')).toBe(7);
    expect(await count(`?limit=${MAX_LIMIT + 1}`)).toBe(MAX_LIMIT);
    expect(await count('?limit=99999999999999999999')).toBe(MAX_LIMIT);
  });

  it('refuses junk parameters with 400', async () => {
    for (const [query, reason] of [
      ['?limit=ten', 'bad-limit'],
      ['?limit=1.5', 'bad-limit'],
      ['?kind=photo', 'bad-kind'],
      ['?kind=IMAGE', 'bad-kind'],
    ] as const) {
      const response = await list(query);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual({ error: reason });
    }
  });

  it('refuses cursors it did not issue with 400', async () => {
    const issued = ((await (await list('?limit=1')).json()) as Page).nextCursor!;
    const [payload, mac] = issued.split('.') as [string, string];
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const forged = btoa(JSON.stringify(['2020-01-01T00:00:00.000Z', 'zzz']))
      .replaceAll('=', '')
      .replaceAll('+', '-')
      .replaceAll('/', '_');
    const otherSecret = await encodeCursor('another-secret-another-secret-012', {
      takenAt: '2020-01-01T00:00:00.000Z',
      id: 'a-first',
    });
    for (const cursor of [
      'garbage',
      `${flip(payload)}.${mac}`,
      `${payload}.${flip(mac)}`,
      `${forged}.${mac}`,
      `${payload}.${mac}.x`,
      `${payload}`,
      otherSecret,
      `${payload}.${mac}${'A'.repeat(2000)}`,
      "'; DROP TABLE media; --",
    ]) {
      const response = await list(`?cursor=${encodeURIComponent(cursor)}`);
      expect(response.status, cursor).toBe(400);
      expect(await response.json()).toEqual({ error: 'bad-cursor' });
    }
    expect((await list(`?cursor=${encodeURIComponent(issued)}`)).status).toBe(200);
  });

  it('walks an index in order, never a scan and sort', async () => {
    const after = { takenAt: '2024-06-01T12:00:00.000Z', id: 'm0000' };
    for (const [kind, index] of [
      [undefined, 'media_state_taken_at_id'],
      ['image', 'media_state_kind_taken_at_id'],
    ] as const) {
      for (const position of [undefined, after]) {
        const { sql, params } = listingQuery({ kind, after: position, limit: 10 });
        const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .bind(...params)
          .all<{ detail: string }>();
        const plan = results.map((step) => step.detail).join('\n');
        expect(plan).toContain(index);
        expect(plan).not.toContain('TEMP B-TREE');
      }
    }
  });
});
