import {
  AllowedOrigins,
  Flag,
  hasS3Credentials,
  PlaybackKeys,
  parseEnv,
  type S3Settings,
  s3SettingsOf,
  secret,
  wholeNumber,
  withDefault,
} from '@edge-gallery/http';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import { warnAboutGuessablePasswords } from './login-limits.ts';
import type { Session } from './session.ts';
import type { Versions } from './versions.ts';

const DAY = 24 * 60 * 60;
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const TiB = 2 ** 40;

/** The environment the viewer needs, checked once per isolate at the first request. */
const configSchema = z
  .object({
    GALLERY_PASSWORD: secret(),
    // Signs in with the owner role (review, hide, rename, delete); guests never get it.
    OWNER_PASSWORD: secret(12),
    AUTH_SECRET: secret(32),
    PLAYBACK_TOKEN_SECRET: PlaybackKeys,
    ALLOWED_ORIGINS: AllowedOrigins,
    SESSION_TTL_SECONDS: withDefault(wholeNumber(300, 30 * DAY), 7 * DAY),
    // How long an isolate trusts the auth_version/thumbnail_version it read (versions.ts).
    VERSIONS_MEMO_SECONDS: withDefault(wholeNumber(0, 60), 15),
    // Server-Timing on responses (where the versions came from, the listing's signing time).
    DEBUG: withDefault(Flag, false),
    // Guest uploads (routes/uploads.ts): the largest file, the part size the browser
    // sends (R2: at least 5 MiB but for the last part), the most parts of one upload (the
    // part size grows to stay under it), and per uploader an hourly count and daily bytes.
    UPLOAD_MAX_BYTES: withDefault(wholeNumber(1, 5 * TiB), 4 * GiB),
    UPLOAD_PART_BYTES: withDefault(wholeNumber(5 * MiB, 5 * GiB), 8 * MiB),
    UPLOAD_MAX_PARTS: withDefault(wholeNumber(1, 10_000), 1000),
    UPLOADS_PER_HOUR: withDefault(wholeNumber(1), 300),
    UPLOAD_DAILY_BYTES: withDefault(wholeNumber(1), 50 * GiB),
  })
  // The same value for both would make every guest the owner.
  .check(
    z.refine((config) => config.OWNER_PASSWORD !== config.GALLERY_PASSWORD, {
      path: ['OWNER_PASSWORD'],
      message: 'must differ from GALLERY_PASSWORD',
    }),
  );

/** The validated environment (the video worker's word too; its `RolloutConfig` is the KV document). */
export type Settings = z.output<typeof configSchema>;

export type AppEnv = {
  Bindings: Env;
  Variables: {
    config: Settings;
    /** Absent without R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY: media go through this worker. */
    s3: S3Settings | undefined;
    /** Where this request's session check found the versions (Server-Timing with DEBUG). */
    versionsFrom: 'memo' | 'kv';
    /** Server-Timing entries a route measured (sent with DEBUG). */
    timing: string;
    session: Session;
    versions: Versions;
  };
};

let toldNoS3 = false;

/**
 * The S3 settings (the video worker's names and checks, from @edge-gallery/http) when the
 * key pair is set, else undefined: the listing keeps worker-served URLs and says so once
 * per isolate. Half a key pair, or keys with a bad endpoint, is a misconfiguration.
 */
function s3Of(env: object): S3Settings | undefined {
  if (hasS3Credentials(env)) return s3SettingsOf(env);
  if (!toldNoS3) {
    toldNoS3 = true;
    console.log(
      'viewer: R2_ACCESS_KEY_ID/R2_SECRET_ACCESS_KEY not set: the listing serves media through /api/file and /api/thumbnail (one Worker request per image)',
    );
  }
  return undefined;
}

export const loadConfig = createMiddleware<AppEnv>(async (c, next) => {
  const config = parseEnv(configSchema, c.env);
  warnAboutGuessablePasswords({
    GALLERY_PASSWORD: config.GALLERY_PASSWORD,
    OWNER_PASSWORD: config.OWNER_PASSWORD,
  });
  c.set('config', config);
  c.set('s3', s3Of(c.env));
  await next();
});
