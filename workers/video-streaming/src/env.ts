import { parseEnv } from '@edge-gallery/http';
import {
  createPresigner,
  type PlaybackKey,
  type Presigner,
  PresignerConfigError,
  parsePlaybackKeys,
} from '@edge-gallery/r2-signer';
import * as z from 'zod/mini';
import { tagOf } from './tag.ts';
import type { S3Location } from './upstream.ts';

// The worker's environment, validated once per isolate at the first request that needs
// it (parseEnv memoises per env object). A bad or missing variable fails every such
// request with 500 {"error":"misconfigured"} and one log line naming the variable.

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
  /** The same endpoint, for reading when `storage` is `s3`. */
  s3: S3Location;
  /** Where the worker reads playlists and token-served media from. */
  storage: 'r2' | 's3';
  presignTtlSeconds: number;
  publicBase: string | undefined;
  allowedOrigins: string[];
  debug: boolean;
  /** Changes whenever what a cached playlist holds would change with the environment. */
  fingerprint: string;
};

/** A variable that may be absent or empty (both mean "not set"), else must match `schema`. */
function optional<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    z.optional(schema),
  );
}

/** An optional variable with a default. */
function withDefault<T extends z.ZodMiniType>(schema: T, fallback: z.output<T>) {
  return z.pipe(
    optional(schema),
    z.transform((value: z.output<T> | undefined) => value ?? fallback),
  );
}

const Flag = z.pipe(
  z.enum(['true', 'false'], 'must be "true" or "false"'),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

const HttpUrl = z.string().check(
  z.refine(
    // Written into playlists as it is: no quote, space or other character a URI cannot hold.
    (value) => /^https?:\/\//.test(value) && URL.canParse(value) && !/[\s"'<>\\^`{|}]/.test(value),
    'must be an http(s) URL',
  ),
);

const Seconds = z.pipe(
  z.pipe(z.string(), z.transform(Number)),
  z.int('must be whole seconds').check(z.minimum(60), z.maximum(600_000)),
);

const Origins = z
  .pipe(
    z.string(),
    z.transform((value: string) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  )
  .check(
    z.refine(
      (origins) =>
        origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
      'must be a comma-separated list of origins such as https://gallery.example.com',
    ),
  );

const PlaybackKeys = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    try {
      return parsePlaybackKeys(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: '(secret)' });
      return z.NEVER;
    }
  }),
);

const Binding = (what: string) =>
  z.custom<object>(
    (value) => typeof value === 'object' && value !== null,
    `${what} binding is missing`,
  );

const EnvSchema = z.pipe(
  z.object({
    PLAYBACK_TOKEN_SECRET: PlaybackKeys,
    ADMIN_TOKEN: z.string().check(z.minLength(16, 'must be at least 16 characters')),
    R2_ACCESS_KEY_ID: z.string().check(z.minLength(1)),
    R2_SECRET_ACCESS_KEY: z.string().check(z.minLength(1)),
    R2_ACCOUNT_ID: optional(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'must be an account id'))),
    S3_ENDPOINT: optional(HttpUrl),
    R2_BUCKET_NAME: z.string().check(z.minLength(1)),
    S3_REGION: withDefault(z.string(), 'auto'),
    S3_FORCE_PATH_STYLE: withDefault(Flag, true),
    MEDIA_STORAGE: withDefault(z.enum(['r2', 's3'], 'must be "r2" or "s3"'), 'r2'),
    PRESIGN_EXPIRES_SECONDS: withDefault(Seconds, 3600),
    PUBLIC_MEDIA_BASE: optional(HttpUrl),
    ALLOWED_ORIGINS: withDefault(Origins, []),
    DEBUG: withDefault(Flag, false),
    MEDIA: Binding('R2 MEDIA'),
    VIDEO_CACHE: Binding('KV VIDEO_CACHE'),
  }),
  z.transform((env, ctx): Settings => {
    const problem = (variable: string, message: string) => {
      ctx.issues.push({ code: 'custom', path: [variable], message, input: undefined });
      return z.NEVER;
    };
    const endpoint =
      env.S3_ENDPOINT ??
      (env.R2_ACCOUNT_ID === undefined
        ? undefined
        : `https://${env.R2_ACCOUNT_ID}.r2.cloudflarestorage.com`);
    if (endpoint === undefined) {
      return problem(
        'S3_ENDPOINT',
        'set R2_ACCOUNT_ID (R2) or S3_ENDPOINT (another S3-compatible store)',
      );
    }
    if (env.MEDIA_STORAGE === 's3' && env.S3_ENDPOINT === undefined) {
      return problem('S3_ENDPOINT', 'MEDIA_STORAGE=s3 reads from S3_ENDPOINT, which is not set');
    }
    const s3: S3Location = {
      endpoint: new URL(endpoint).origin,
      bucket: env.R2_BUCKET_NAME,
      region: env.S3_REGION,
      style: env.S3_FORCE_PATH_STYLE ? 'path' : 'virtual-hosted',
      accessKeyId: env.R2_ACCESS_KEY_ID,
      secretAccessKey: env.R2_SECRET_ACCESS_KEY,
    };
    let presigner: Presigner;
    let headPresigner: Presigner;
    try {
      presigner = createPresigner({ ...s3, endpoint });
      headPresigner = createPresigner({ ...s3, endpoint, method: 'HEAD' });
    } catch (error) {
      if (!(error instanceof PresignerConfigError)) throw error;
      return problem(PRESIGNER_VARIABLES[error.field], error.message);
    }
    const publicBase = env.PUBLIC_MEDIA_BASE?.replace(/\/+$/, '');
    return {
      playbackKeys: env.PLAYBACK_TOKEN_SECRET,
      adminToken: env.ADMIN_TOKEN,
      presigner,
      headPresigner,
      s3,
      storage: env.MEDIA_STORAGE,
      presignTtlSeconds: env.PRESIGN_EXPIRES_SECONDS,
      publicBase,
      allowedOrigins: env.ALLOWED_ORIGINS,
      debug: env.DEBUG,
      fingerprint: tagOf(
        [endpoint, s3.bucket, s3.region, s3.style, s3.accessKeyId, publicBase].join('\n'),
      ),
    };
  }),
);

// `method` is fixed (GET, HEAD) here, not read from a variable; listed for completeness.
const PRESIGNER_VARIABLES: Record<PresignerConfigError['field'], string> = {
  accessKeyId: 'R2_ACCESS_KEY_ID',
  secretAccessKey: 'R2_SECRET_ACCESS_KEY',
  sessionToken: 'R2_SECRET_ACCESS_KEY',
  endpoint: 'S3_ENDPOINT',
  bucket: 'R2_BUCKET_NAME',
  region: 'S3_REGION',
  style: 'S3_FORCE_PATH_STYLE',
  method: 'S3_ENDPOINT',
};

/** The validated settings of this env (throws EnvError naming the bad variables). */
export function settingsOf(env: Env): Settings {
  return parseEnv(EnvSchema, env);
}
