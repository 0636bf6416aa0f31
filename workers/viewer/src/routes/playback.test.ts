import { env } from 'cloudflare:workers';
import { parsePlaybackKeys, verifyPlaybackToken } from '@edge-gallery/r2-signer';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, callWith, signIn } from '../../test/visitor.ts';
import { PLAYBACK_TOKEN_TTL_SECONDS, rolloutBucket } from './playback.ts';

type Playback = { query: string; expiresAt: number };

const KEYS = parsePlaybackKeys(env.PLAYBACK_TOKEN_SECRET);
let cookie: string;

beforeAll(async () => {
  await env.DB.prepare(
    `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
       thumbnail_key, video_id, duration_sec)
     VALUES ('m1', 'video', 'Speech', '2024-06-01T12:00:00.000Z', 1920, 1080, 1, 'originals/m1.mp4',
       'thumbnails/m1.jpg', 'speech', 61), ('m2', 'video', 'Dance', '2024-06-01T13:00:00.000Z',
       1920, 1080, 1, 'originals/m2.mp4', 'thumbnails/m2.jpg', 'dance_2.v1', 30)`,
  ).run();
  cookie = await signIn();
});

afterEach(() => {
  vi.useRealTimers();
});

async function playback(videoId: string, session = cookie): Promise<Response> {
  return call(`/api/videos/${videoId}/playback`, { headers: { Cookie: session } });
}

describe('GET /api/videos/<videoId>/playback', () => {
  it('issues a token the video worker accepts for that video only', async () => {
    const response = await playback('speech');
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const { query, expiresAt }: Playback = await response.json();
    const params = new URLSearchParams(query);
    for (const path of ['hls/speech/master.m3u8', 'hls/speech/720p/seg-00001.m4s']) {
      const verdict = verifyPlaybackToken(params, KEYS, { path });
      expect(verdict).toMatchObject({
        ok: true,
        claims: { scope: 'hls/speech/', expiresAt, keyId: 'k1' },
      });
    }
    for (const path of [
      'hls/dance_2.v1/master.m3u8',
      'hls/speech2/master.m3u8',
      'originals/m1.mp4',
    ]) {
      expect(verifyPlaybackToken(params, KEYS, { path })).toEqual({
        ok: false,
        reason: 'out-of-scope',
      });
    }
  });

  it('expires after four hours, never after the session', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { expiresAt, query }: Playback = await (await playback('speech')).json();
    expect(expiresAt - now).toBeGreaterThanOrEqual(PLAYBACK_TOKEN_TTL_SECONDS - 1);
    expect(expiresAt - now).toBeLessThanOrEqual(PLAYBACK_TOKEN_TTL_SECONDS + 1);
    const path = 'hls/speech/master.m3u8';
    const params = new URLSearchParams(query);
    expect(verifyPlaybackToken(params, KEYS, { path, now: expiresAt * 1000 - 1 }).ok).toBe(true);
    expect(verifyPlaybackToken(params, KEYS, { path, now: expiresAt * 1000 })).toEqual({
      ok: false,
      reason: 'expired',
    });

    // An hour before the session ends, the token ends with it.
    const session: { expiresAt: number } = await (
      await call('/auth', { headers: { Cookie: cookie } })
    ).json();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((session.expiresAt - 3600) * 1000);
    const late: Playback = await (await playback('speech')).json();
    expect(late.expiresAt).toBe(session.expiresAt);
  });

  it('carries a rollout bucket that is stable for the session and spread across sessions', async () => {
    const bucketOf = async (videoId: string, session = cookie) => {
      const { query }: Playback = await (await playback(videoId, session)).json();
      return Number(new URLSearchParams(query).get('bucket'));
    };
    const mine = await bucketOf('speech');
    expect(await bucketOf('speech')).toBe(mine);
    expect(await bucketOf('dance_2.v1')).toBe(mine);

    const buckets = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      buckets.add(await rolloutBucket(env.AUTH_SECRET, `session-${i}`));
    }
    expect([...buckets].every((bucket) => bucket >= 0 && bucket <= 99)).toBe(true);
    expect(buckets.size).toBe(100);
  });

  it('signs with the first key while all listed keys verify (rotation)', async () => {
    const rotated = 'k2:next-playback-secret-abcdefgh,k1:test-playback-secret-0123456789';
    const response = await callWith(
      { PLAYBACK_TOKEN_SECRET: rotated },
      '/api/videos/speech/playback',
      { headers: { Cookie: cookie } },
    );
    const { query }: Playback = await response.json();
    const params = new URLSearchParams(query);
    expect(params.get('kid')).toBe('k2');
    const path = 'hls/speech/master.m3u8';
    // A video worker that already has both keys accepts the new tokens...
    expect(verifyPlaybackToken(params, parsePlaybackKeys(rotated), { path }).ok).toBe(true);
    // ...and still the tokens issued before the rotation.
    const old = new URLSearchParams(((await (await playback('speech')).json()) as Playback).query);
    expect(old.get('kid')).toBe('k1');
    expect(verifyPlaybackToken(old, parsePlaybackKeys(rotated), { path }).ok).toBe(true);
    // Once k1 is retired, its tokens stop working.
    const retired = parsePlaybackKeys('k2:next-playback-secret-abcdefgh');
    expect(verifyPlaybackToken(old, retired, { path })).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    // A worker that does not know k2 yet refuses k2 tokens: roll keys out to it first.
    expect(verifyPlaybackToken(params, KEYS, { path })).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });

  it('answers an unknown video with 404 and an odd id with 400', async () => {
    const missing = await playback('nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not-found' });
    for (const id of ['...', '.hidden', 'a%2Fb', 'a%5Cb', `${'x'.repeat(129)}`, '%20']) {
      const response = await playback(id);
      expect(response.status, id).toBe(400);
      expect(await response.json()).toEqual({ error: 'bad-video-id' });
    }
  });

  it('is refused without a session', async () => {
    const response = await call('/api/videos/speech/playback');
    expect(response.status).toBe(401);
  });
});
