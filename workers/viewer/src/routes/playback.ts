import { jsonError } from '@edge-gallery/http';
import { isVideoId, playbackScope, signPlaybackToken } from '@edge-gallery/r2-signer';
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { hmac } from '../signature.ts';

// Long enough for a feature-length video with pauses; never longer than the session.
export const PLAYBACK_TOKEN_TTL_SECONDS = 4 * 60 * 60;

export const playback = new Hono<AppEnv>().get('/:videoId/playback', async (c) => {
  const videoId = c.req.param('videoId');
  if (!isVideoId(videoId)) return jsonError(400, 'bad-video-id');
  // A guest only ever plays listed items; the owner also reviews pending and hidden ones.
  const video = await c.env.DB.prepare(
    "SELECT 1 FROM media WHERE video_id = ? AND (state = 'listed' OR ?) LIMIT 1",
  )
    .bind(videoId, c.var.session.role === 'owner' ? 1 : 0)
    .first();
  if (!video) return jsonError(404, 'not-found');

  return c.json((await playbackTokens(c))(videoId));
});

/** A playback token: query parameters for the video worker, and when they expire (unix s). */
export type PlaybackToken = { query: string; expiresAt: number };

/**
 * Signs this session's playback tokens (the caller checked that the session may play the
 * video): the route above, and the listing, which hands each listed video its token so
 * that a tap waits for no token round trip. Either way the video worker verifies the token
 * before it reads anything.
 */
export async function playbackTokens(
  c: Context<AppEnv>,
): Promise<(videoId: string) => PlaybackToken> {
  const { config, session } = c.var;
  const expiresAt = Math.min(
    Math.floor(Date.now() / 1000) + PLAYBACK_TOKEN_TTL_SECONDS,
    session.expiresAt,
  );
  const bucket = await rolloutBucket(config.AUTH_SECRET, session.device);
  // The first key signs; the video worker accepts every key listed (rotation).
  return (videoId) => ({
    query: signPlaybackToken(
      { scope: playbackScope(videoId), expiresAt, bucket },
      config.PLAYBACK_TOKEN_SECRET[0]!,
    ),
    expiresAt,
  });
}

/**
 * The visitor's rollout bucket (0..99): the same for every video, token and login of one
 * device (device.ts), so the strategy the video worker picks for it stays put and signing in
 * again does not pick another; spread evenly across devices.
 */
export async function rolloutBucket(secret: string, deviceId: string): Promise<number> {
  const mac = await hmac(secret, 'rollout-bucket', deviceId);
  return new DataView(mac.buffer, mac.byteOffset).getUint32(0) % 100;
}
