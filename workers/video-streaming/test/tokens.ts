// Playback tokens signed with the test secret, and the verdicts on the URIs a playlist
// is rewritten to (the token URI back to this worker, the presigned URL to the store).
import {
  createPresigner,
  parsePlaybackKeys,
  signPlaybackToken,
  verifyPlaybackToken,
  verifyPresignedUrl,
} from '@edge-gallery/r2-signer';
import { expect } from 'vitest';
import { T0 } from './worker.ts';

/** vitest.config.mts gives PLAYBACK_TOKEN_SECRET = "k1:<this>". */
export const PLAYBACK_KEY = { id: 'k1', secret: 'test-playback-secret-0123456789' };
export const S3_CREDENTIALS = {
  accessKeyId: 'test-access-key',
  secretAccessKey: 'test-secret-key',
};

export type TokenOptions = {
  bucket?: number;
  expiresAt?: number;
  key?: { id: string; secret: string };
};

/** A playback token query for one video, valid for an hour after T0 unless told otherwise. */
export function tokenFor(videoId: string, options: TokenOptions = {}): string {
  return signPlaybackToken(
    {
      scope: `hls/${videoId}/`,
      expiresAt: options.expiresAt ?? T0 / 1000 + 3600,
      bucket: options.bucket ?? 0,
    },
    options.key ?? PLAYBACK_KEY,
  );
}

const KEYS = parsePlaybackKeys(`${PLAYBACK_KEY.id}:${PLAYBACK_KEY.secret}`);

/** The storage key a URI back to this worker names, and its playback-token verdict. */
export function verifyTokenUri(uri: string, now: number) {
  const url = new URL(uri, 'https://video.test');
  expect(url.origin).toBe('https://video.test');
  expect(url.pathname.startsWith('/api/hls/')).toBe(true);
  const key = decodeURIComponent(url.pathname.slice('/api/'.length));
  return { key, verdict: verifyPlaybackToken(url.searchParams, KEYS, { path: key, now }) };
}

/** The signer's own verdict on a presigned URL to the test bucket. */
export function verifyPresigned(uri: string, now: number, method: 'GET' | 'HEAD' = 'GET') {
  return verifyPresignedUrl(uri, { credentials: S3_CREDENTIALS, region: 'auto', now, method });
}

/** A presigner holding the test key pair, for `bucket` at `endpoint` (R2's region). */
export const testPresigner = (endpoint: string, bucket: string) =>
  createPresigner({ ...S3_CREDENTIALS, endpoint, bucket, region: 'auto' });
