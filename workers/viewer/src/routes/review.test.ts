import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { insertMedia } from '../../test/media.ts';
import {
  authState,
  call,
  callWith,
  clientAddress,
  cookieOf,
  login,
  signIn,
  signInOwner,
} from '../../test/visitor.ts';
import type { MediaItem, MediaPage } from '../media-item.ts';
import { type MediaRow, mediaRow } from '../media-row.ts';

// The owner's routes: who may call them, and what each does to the row and its objects.

let guest: string;
let owner: string;

function row(id: string, fields: Partial<MediaRow> = {}): MediaRow {
  return mediaRow({
    id,
    kind: 'image',
    title: `Photo ${id}`,
    taken_at: '2025-05-01T10:00:00.000Z',
    width: 4000,
    height: 3000,
    bytes: 5,
    original_key: `uploads/${id}/original.jpg`,
    thumbnail_key: `uploads/${id}/thumbnail.jpg`,
    preview_key: `uploads/${id}/preview.jpg`,
    video_id: null,
    duration_sec: null,
    ...fields,
  });
}

async function putObjects(item: MediaRow): Promise<void> {
  for (const key of [item.original_key, item.thumbnail_key, item.preview_key]) {
    if (key) await env.MEDIA.put(key, 'bytes');
  }
}

async function stateOf(id: string): Promise<string | null> {
  const found = await env.DB.prepare('SELECT state FROM media WHERE id = ?')
    .bind(id)
    .first<{ state: string }>();
  return found?.state ?? null;
}

function post(path: string, cookie: string, body?: unknown, headers: HeadersInit = {}) {
  return call(path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeEach(async () => {
  await env.DB.prepare('DELETE FROM media').run();
  guest ??= await signIn();
  owner ??= await signInOwner();
});

describe('the owner role', () => {
  it('comes with OWNER_PASSWORD, says so at login and in GET /auth', async () => {
    const response = await login(env.OWNER_PASSWORD);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, role: 'owner' });
    expect(await authState(cookieOf(response))).toMatchObject({ role: 'owner' });
    expect(await authState(guest)).toMatchObject({ authenticated: true, role: 'guest' });
  });

  it('is never given for the gallery password', async () => {
    const response = await login(env.GALLERY_PASSWORD);
    expect(await response.json()).toMatchObject({ role: 'guest' });
  });

  it('needs an OWNER_PASSWORD other than the gallery password', async () => {
    const response = await callWith({ OWNER_PASSWORD: env.GALLERY_PASSWORD }, '/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': clientAddress() },
      body: JSON.stringify({ password: env.GALLERY_PASSWORD }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'misconfigured',
      variable: 'OWNER_PASSWORD',
    });
  });
});

const OWNER_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/review'],
  ['GET', '/api/review?state=hidden'],
  ['POST', '/api/media/p1/approve'],
  ['POST', '/api/media/p1/reject'],
  ['POST', '/api/media/l1/hide'],
  ['POST', '/api/media/h1/unhide'],
  ['POST', '/api/media/l1/rename', { title: 'Mine now' }],
  ['DELETE', '/api/media/l1'],
];

describe('owner routes', () => {
  beforeEach(async () => {
    for (const item of [
      row('p1', { state: 'pending', uploaded_by: 'someone' }),
      row('l1'),
      row('h1', { state: 'hidden' }),
    ]) {
      await insertMedia(item);
      await putObjects(item);
    }
  });

  it.each(OWNER_ROUTES)('%s %s is 401 without a session', async (method, path, body) => {
    const response = await call(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status).toBe(401);
  });

  it.each(OWNER_ROUTES)(
    '%s %s is 403 for a guest and changes nothing',
    async (method, path, body) => {
      const response = await call(path, {
        method,
        headers: { Cookie: guest, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'owner-only' });
      expect([await stateOf('p1'), await stateOf('l1'), await stateOf('h1')]).toEqual([
        'pending',
        'listed',
        'hidden',
      ]);
      expect(await env.MEDIA.head('uploads/l1/original.jpg')).not.toBeNull();
      expect(await env.MEDIA.head('uploads/p1/original.jpg')).not.toBeNull();
    },
  );

  it('refuses a browser on another origin (CSRF) even with the owner cookie', async () => {
    const response = await post('/api/media/p1/approve', owner, undefined, {
      Origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(await stateOf('p1')).toBe('pending');
  });

  it('GET /api/review lists pending items, marked, with the listing URLs', async () => {
    const response = await call('/api/review', { headers: { Cookie: owner } });
    expect(response.status).toBe(200);
    const page = await response.json<MediaPage>();
    expect(page.items.map((item: MediaItem) => [item.id, item.state])).toEqual([['p1', 'pending']]);
    expect(page.items[0]!.previewUrl).toContain('uploads/p1/preview.jpg');
    const hidden = await (
      await call('/api/review?state=hidden', { headers: { Cookie: owner } })
    ).json<MediaPage>();
    expect(hidden.items.map((item: MediaItem) => [item.id, item.state])).toEqual([
      ['h1', 'hidden'],
    ]);
    expect((await call('/api/review?state=listed', { headers: { Cookie: owner } })).status).toBe(
      400,
    );
  });

  it('approve lists a pending item for everyone', async () => {
    const response = await post('/api/media/p1/approve', owner);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'p1', state: 'listed' });
    const page = await (await call('/api/media', { headers: { Cookie: guest } })).json<MediaPage>();
    expect(page.items.map((item: MediaItem) => item.id).sort()).toEqual(['l1', 'p1']);
    expect((await post('/api/media/p1/approve', owner)).status).toBe(409);
    expect((await post('/api/media/nope/approve', owner)).status).toBe(404);
  });

  it('reject deletes a pending item and its objects; a listed one is 409', async () => {
    expect((await post('/api/media/l1/reject', owner)).status).toBe(409);
    const response = await post('/api/media/p1/reject', owner);
    expect(response.status).toBe(200);
    expect(await stateOf('p1')).toBeNull();
    for (const key of ['original', 'thumbnail', 'preview']) {
      expect(await env.MEDIA.head(`uploads/p1/${key}.jpg`)).toBeNull();
    }
  });

  it('hide takes an item out of the listing, unhide brings it back', async () => {
    expect(await (await post('/api/media/l1/hide', owner)).json()).toEqual({
      id: 'l1',
      state: 'hidden',
    });
    let page = await (await call('/api/media', { headers: { Cookie: guest } })).json<MediaPage>();
    expect(page.items).toEqual([]);
    expect((await post('/api/media/p1/hide', owner)).status).toBe(409);
    expect((await post('/api/media/l1/unhide', owner)).status).toBe(200);
    page = await (await call('/api/media', { headers: { Cookie: guest } })).json<MediaPage>();
    expect(page.items.map((item: MediaItem) => item.id)).toEqual(['l1']);
  });

  it('rename sets the title (trimmed, control characters dropped; empty clears it)', async () => {
    const response = await post('/api/media/l1/rename', owner, { title: '  First\u0000 dance ' });
    expect(await response.json()).toEqual({ id: 'l1', title: 'First dance' });
    const page = await (await call('/api/media', { headers: { Cookie: guest } })).json<MediaPage>();
    expect(page.items[0]!.title).toBe('First dance');
    await post('/api/media/l1/rename', owner, { title: '' });
    const title = await env.DB.prepare("SELECT title FROM media WHERE id = 'l1'").first('title');
    expect(title).toBeNull();
    expect((await post('/api/media/l1/rename', owner, { title: 'x'.repeat(201) })).status).toBe(
      400,
    );
    expect((await post('/api/media/l1/rename', owner, { name: 'x' })).status).toBe(400);
    expect((await post('/api/media/nope/rename', owner, { title: 'x' })).status).toBe(404);
  });

  it('delete removes the row and every object, a video its whole HLS tree', async () => {
    const video = row('v1', {
      kind: 'video',
      original_key: 'originals/v1.mp4',
      thumbnail_key: 'thumbnails/v1.jpg',
      preview_key: null,
      video_id: 'clip-v1',
      duration_sec: 3,
    });
    await insertMedia(video);
    await putObjects(video);
    const hls = ['master.m3u8', '720p/index.m3u8', '720p/seg_0001.m4s', '1080p/init.mp4'];
    for (const name of hls) await env.MEDIA.put(`hls/clip-v1/${name}`, 'x');
    await env.MEDIA.put('hls/clip-v10/master.m3u8', 'another video');

    const response = await call('/api/media/v1', { method: 'DELETE', headers: { Cookie: owner } });
    expect(response.status).toBe(200);
    expect(await stateOf('v1')).toBeNull();
    const left = await env.MEDIA.list({ prefix: 'hls/' });
    expect(left.objects.map((object) => object.key)).toEqual(['hls/clip-v10/master.m3u8']);
    expect(await env.MEDIA.head('originals/v1.mp4')).toBeNull();
    expect(await env.MEDIA.head('thumbnails/v1.jpg')).toBeNull();
    expect(
      (await call('/api/media/v1', { method: 'DELETE', headers: { Cookie: owner } })).status,
    ).toBe(404);
  });
});

describe('playback tokens', () => {
  it.each(['hidden', 'pending'] as const)(
    'are refused to a guest for a %s video, given to the owner',
    async (state) => {
      await insertMedia(row('hv', { kind: 'video', state, video_id: `${state}-clip` }));
      const path = `/api/videos/${state}-clip/playback`;
      expect((await call(path, { headers: { Cookie: guest } })).status).toBe(404);
      expect((await call(path, { headers: { Cookie: owner } })).status).toBe(200);
    },
  );
});
