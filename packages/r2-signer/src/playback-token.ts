/**
 * The gallery's playback tokens: one HMAC-SHA256 over a path scope (`hls/<videoId>/`),
 * an expiry and a rollout bucket, under a key id so that secrets can rotate. Carried as
 * query parameters because Safari's native HLS player cannot send headers:
 *
 *   scope=hls%2F<id>%2F&exp=<unix s>&bucket=<0..99>&kid=<key id>&sig=<base64url>
 *
 * The MAC covers a canonical text, not the query as received, so parameter order and
 * percent-encoding choices cannot change what was signed:
 *
 *   "edge-gallery-playback-v1\n<kid>\n<scope>\n<exp>\n<bucket>"
 *
 * Every field is fixed-alphabet (no "\n" can appear in one), so the encoding is
 * unambiguous. The version prefix keeps these MACs from ever colliding with another use
 * of the same secret.
 */
import { toBase64Url } from './base64url.ts';
import { equalInConstantTime } from './constant-time.ts';
import { digestBytes, type HmacKey, hmacInto, hmacKey } from './sha256.ts';

export type PlaybackKey = { id: string; secret: string };

export type PlaybackClaims = {
  /** `hls/<videoId>/` */
  scope: string;
  /** Unix seconds; the token is valid while now < expiresAt. */
  expiresAt: number;
  /** Rollout bucket 0..99. */
  bucket: number;
};

export type PlaybackTokenRejection =
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'out-of-scope';

export type PlaybackTokenVerdict =
  | {
      ok: true;
      claims: PlaybackClaims & { keyId: string };
      /** The canonical token query, to append to every URI written for this visitor. */
      query: string;
    }
  | { ok: false; reason: PlaybackTokenRejection };

/** The query parameters a token occupies, in the order they are written. */
export const PLAYBACK_TOKEN_PARAMS = ['scope', 'exp', 'bucket', 'kid', 'sig'] as const;

/** A bad key list or bad claims handed to the signer. The message never holds a secret. */
export class PlaybackTokenError extends Error {
  override readonly name = 'PlaybackTokenError';
}

const VERSION = 'edge-gallery-playback-v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// A video id is one path segment under hls/: no '/', never '.' or '..' (a scope must name
// exactly one video), at most 128 characters. The viewer checks ids with it before it signs
// and the video worker before it maps a URL to a key, so both read the same rule from here.
const VIDEO_ID_PATTERN = '[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}';
const VIDEO_ID = new RegExp(`^${VIDEO_ID_PATTERN}$`);
/** `hls/<videoId>/` */
const SCOPE = new RegExp(`^hls/${VIDEO_ID_PATTERN}/$`);
const MIN_SECRET_LENGTH = 16;
/** No more than 11 digits: expiries stay below the year 5138 and exactly representable. */
const EXPIRES = /^(0|[1-9][0-9]{0,10})$/;
const BUCKET = /^(0|[1-9][0-9]?)$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` is a video id a playback token can be scoped to. */
export function isVideoId(value: string): boolean {
  return typeof value === 'string' && VIDEO_ID.test(value);
}

/** The scope of a video's tokens, `hls/<videoId>/`: every key of that video lies under it. */
export function playbackScope(videoId: string): string {
  if (!isVideoId(videoId)) throw new PlaybackTokenError('playback token: not a video id');
  return `hls/${videoId}/`;
}

/**
 * Parses `PLAYBACK_TOKEN_SECRET`: `"k2:secret2,k1:secret1"`. The first key signs; all
 * verify. Key ids are 1-32 of `A-Z a-z 0-9 _ -`, secrets at least 16 characters (they
 * may contain ':'), ids unique.
 *
 * Errors name an entry by its position only, never by its id or any part of it: an entry
 * without ':' is most likely a bare secret (or the old half of a rotation list), so
 * whatever stands before a ':' may be secret text, and these messages reach logs.
 */
export function parsePlaybackKeys(value: string): PlaybackKey[] {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PlaybackTokenError('playback keys: expected "<id>:<secret>[,<id>:<secret>...]"');
  }
  const keys: PlaybackKey[] = [];
  value.split(',').forEach((entry, index) => {
    const trimmed = entry.trim();
    const colon = trimmed.indexOf(':');
    const where = `playback keys: entry ${index + 1}`;
    if (colon === -1) {
      throw new PlaybackTokenError(`${where}: expected "<id>:<secret>" (no ':' found)`);
    }
    const id = trimmed.slice(0, colon);
    const secret = trimmed.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      throw new PlaybackTokenError(`${where}: key id must be 1-32 of A-Z a-z 0-9 _ - before ':'`);
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new PlaybackTokenError(
        `${where}: secret must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    const first = keys.findIndex((key) => key.id === id);
    if (first !== -1) {
      throw new PlaybackTokenError(`${where}: same key id as entry ${first + 1}`);
    }
    keys.push({ id, secret });
  });
  return keys;
}

/** The token query for `claims` (without '?'), signed with `key`. */
export function signPlaybackToken(claims: PlaybackClaims, key: PlaybackKey): string {
  const { scope, expiresAt, bucket } = claims;
  if (typeof scope !== 'string' || !SCOPE.test(scope)) {
    throw new PlaybackTokenError('playback token: scope must be "hls/<videoId>/" with a safe id');
  }
  if (!Number.isSafeInteger(expiresAt) || !EXPIRES.test(String(expiresAt))) {
    throw new PlaybackTokenError('playback token: expiresAt must be whole unix seconds');
  }
  if (!Number.isInteger(bucket) || bucket < 0 || bucket > 99) {
    throw new PlaybackTokenError('playback token: bucket must be a whole number 0..99');
  }
  if (typeof key?.id !== 'string' || !KEY_ID.test(key.id) || typeof key.secret !== 'string') {
    throw new PlaybackTokenError('playback token: key must come from parsePlaybackKeys');
  }
  return tokenQuery(scope, String(expiresAt), String(bucket), key);
}

/**
 * Verifies the token in `params` for a request of storage key `options.path`. Checks, in
 * order: shape (each parameter exactly once, canonical numbers, safe scope), key id,
 * signature (constant time), expiry, and that `path` lies inside the scope.
 */
export function verifyPlaybackToken(
  params: URLSearchParams,
  keys: readonly PlaybackKey[],
  options: { path: string; now?: number },
): PlaybackTokenVerdict {
  const values: string[] = [];
  for (const name of PLAYBACK_TOKEN_PARAMS) {
    const all = params.getAll(name);
    if (all.length !== 1) return { ok: false, reason: 'malformed' };
    values.push(all[0]!);
  }
  const [scope, exp, bucket, kid, sig] = values as [string, string, string, string, string];
  if (
    !SCOPE.test(scope) ||
    !EXPIRES.test(exp) ||
    !BUCKET.test(bucket) ||
    !KEY_ID.test(kid) ||
    !SIGNATURE.test(sig)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const key = keys.find((candidate) => candidate.id === kid);
  if (key === undefined) return { ok: false, reason: 'unknown-key' };

  const query = tokenQuery(scope, exp, bucket, key);
  if (!equalInConstantTime(query.slice(query.length - 43), sig)) {
    return { ok: false, reason: 'bad-signature' };
  }
  const expiresAt = Number(exp);
  if ((options.now ?? Date.now()) >= expiresAt * 1000) return { ok: false, reason: 'expired' };
  if (!isInside(options.path, scope)) return { ok: false, reason: 'out-of-scope' };
  return { ok: true, claims: { scope, expiresAt, bucket: Number(bucket), keyId: kid }, query };
}

/** `path` starts with the scope and has no segment a resolver would collapse. */
function isInside(path: string, scope: string): boolean {
  if (typeof path !== 'string' || !path.startsWith(scope) || path.includes('\\')) return false;
  return path
    .slice(scope.length)
    .split('/')
    .every((segment) => segment !== '.' && segment !== '..');
}

function tokenQuery(scope: string, exp: string, bucket: string, key: PlaybackKey): string {
  const mac = macFor(key.secret, `${VERSION}\n${key.id}\n${scope}\n${exp}\n${bucket}`);
  return `scope=${encodeURIComponent(scope)}&exp=${exp}&bucket=${bucket}&kid=${key.id}&sig=${mac}`;
}

const encoder = new TextEncoder();
const hmacKeys = new Map<string, HmacKey>();
const state = new Int32Array(8);
const digest = new Uint8Array(32);

function macFor(secret: string, message: string): string {
  let key = hmacKeys.get(secret);
  if (key === undefined) {
    key = hmacKey(encoder.encode(secret));
    // A handful of secrets are live at once; the bound only guards against misuse.
    if (hmacKeys.size >= 16) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  hmacInto(key, encoder.encode(message), state);
  digestBytes(state, digest, 0);
  return toBase64Url(digest);
}
