import {
  AllowedOrigins,
  EnvError,
  Flag,
  HttpUrl,
  optional,
  PlaybackKeys,
  parseEnv,
  s3SettingsOf,
  secret,
  wholeNumber,
  withDefault,
} from '@edge-gallery/http';
import { createPresigner, type PlaybackKey, type Presigner } from '@edge-gallery/r2-signer';
import * as z from 'zod/mini';
import { tagOf } from './tag.ts';
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from './token.ts';

// The worker's environment, validated once per isolate at the first request that needs
// it (parseEnv memoises per env object). A bad or missing variable fails every such
// request with 500 {"error":"misconfigured"} and one log line naming the variable. The
// S3 variables (key pair, endpoint, bucket, region, style, TTL) are read by the one
// parser both presigning workers share, s3SettingsOf in @edge-gallery/http.

export type Settings = {
  playbackKeys: PlaybackKey[];
  adminToken: string;
  /** Presigns GETs for the store's S3 endpoint (R2's, or S3_ENDPOINT). */
  presigner: Presigner;
  /**
   * The same for HEAD: the method is signed, so a player's HEAD redirected by the
   * presign fallback needs a URL presigned for HEAD (S3 and R2 refuse a GET one).
   */
  headPresigner: Presigner;
  /** Where the worker reads playlists and token-served media from (`s3`: through the presigners). */
  storage: 'r2' | 's3';
  presignTtlSeconds: number;
  /** The longest remaining lifetime a playback token may claim (MAX_TOKEN_LIFETIME_SECONDS). */
  maxTokenLifetimeSeconds: number;
  publicBase: string | undefined;
  allowedOrigins: string[];
  debug: boolean;
  /** Changes whenever what a cached playlist holds would change with the environment. */
  fingerprint: string;
};

const Binding = (what: string) =>
  z.custom<object>(
    (value) => typeof value === 'object' && value !== null,
    `${what} binding is missing`,
  );

const EnvSchema = z.object({
  PLAYBACK_TOKEN_SECRET: PlaybackKeys,
  ADMIN_TOKEN: secret(16),
  MEDIA_STORAGE: withDefault(z.enum(['r2', 's3'], 'must be "r2" or "s3"'), 'r2'),
  // A day by default: the viewer issues 4 h tokens. The upper bound is loose on purpose:
  // the compatibility fixtures carry tokens valid until 2100 and raise it in their test.
  MAX_TOKEN_LIFETIME_SECONDS: withDefault(
    wholeNumber(60, 100 * 365 * 86_400),
    DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  ),
  PUBLIC_MEDIA_BASE: optional(HttpUrl),
  ALLOWED_ORIGINS: AllowedOrigins,
  DEBUG: withDefault(Flag, false),
  MEDIA: Binding('R2 MEDIA'),
  VIDEO_CACHE: Binding('KV VIDEO_CACHE'),
});

const settingsByEnv = new WeakMap<object, Settings>();

/** The validated settings of this env (throws EnvError naming the bad variables). */
export function settingsOf(env: Env): Settings {
  let settings = settingsByEnv.get(env);
  if (settings !== undefined) return settings;
  const own = parseEnv(EnvSchema, env);
  const s3 = s3SettingsOf(env);
  if (own.MEDIA_STORAGE === 's3' && !s3.customEndpoint) {
    throw new EnvError(
      ['S3_ENDPOINT'],
      ['S3_ENDPOINT: MEDIA_STORAGE=s3 reads from S3_ENDPOINT, which is not set'],
    );
  }
  const { location } = s3;
  const publicBase = own.PUBLIC_MEDIA_BASE?.replace(/\/+$/, '');
  settings = {
    playbackKeys: own.PLAYBACK_TOKEN_SECRET,
    adminToken: own.ADMIN_TOKEN,
    presigner: s3.presigner,
    // Cannot fail: the same config as the GET presigner, which s3SettingsOf has made.
    headPresigner: createPresigner({ ...location, method: 'HEAD' }),
    storage: own.MEDIA_STORAGE,
    presignTtlSeconds: s3.presignTtlSeconds,
    maxTokenLifetimeSeconds: own.MAX_TOKEN_LIFETIME_SECONDS,
    publicBase,
    allowedOrigins: own.ALLOWED_ORIGINS,
    debug: own.DEBUG,
    fingerprint: tagOf(
      [
        location.endpoint,
        location.bucket,
        location.region,
        location.style,
        location.accessKeyId,
        publicBase,
      ].join('\n'),
    ),
  };
  settingsByEnv.set(env, settings);
  return settings;
}
