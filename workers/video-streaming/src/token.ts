import {
  PLAYBACK_TOKEN_PARAMS,
  type PlaybackKey,
  type PlaybackTokenRejection,
  verifyPlaybackToken,
} from '@edge-gallery/r2-signer';
import { Failure, type Reason } from './failure.ts';

/** What a valid playback token grants: one video's keys, until `expiresAt`, in one bucket. */
export type Grant = {
  /** Unix seconds. */
  expiresAt: number;
  /** Rollout bucket 0..99. */
  bucket: number;
  /** The canonical token query, appended to every URI written back to this worker. */
  query: string;
};

const REASONS: Record<PlaybackTokenRejection, Reason> = {
  malformed: 'token-malformed',
  'unknown-key': 'token-unknown-key',
  'bad-signature': 'token-bad-signature',
  expired: 'token-expired',
  'out-of-scope': 'token-out-of-scope',
};

/** The ceiling on a token's remaining lifetime when MAX_TOKEN_LIFETIME_SECONDS is unset. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * Checks the request's playback token for the storage key it asks for. This is the
 * first thing every playlist and media request does: no cache and no storage is read
 * for a request without a valid token.
 */
export function authorize(
  params: URLSearchParams,
  key: string,
  keys: readonly PlaybackKey[],
  now: number,
  maxLifetimeSeconds = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
): Grant {
  if (!PLAYBACK_TOKEN_PARAMS.some((name) => params.has(name))) throw new Failure('token-missing');
  const verdict = verifyPlaybackToken(params, keys, { path: key, now });
  if (!verdict.ok) throw new Failure(REASONS[verdict.reason]);
  const { expiresAt, bucket } = verdict.claims;
  // Tokens carry no issue time, so the ceiling bounds what is left of one: a correctly
  // signed token for ten years (a leaked signing key, a viewer bug) still lives a day at most.
  if (expiresAt - now / 1000 > maxLifetimeSeconds) throw new Failure('token-lifetime-exceeded');
  return { expiresAt, bucket, query: verdict.query };
}
