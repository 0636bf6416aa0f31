import { createPresigner, type Presigner, PresignerConfigError } from '@edge-gallery/r2-signer';
import * as z from 'zod/mini';
import { parseEnv } from './env.ts';
import { Flag, HttpUrl, optional, secret, wholeNumber, withDefault } from './env-variables.ts';

// The S3 side of a worker's environment, the same names and checks in every worker that
// presigns (the video worker for segments, the viewer for photos): the key pair, where
// the store is (R2's endpoint from R2_ACCOUNT_ID, or S3_ENDPOINT for any S3-compatible
// store, such as the dev S3 endpoint), the bucket, the region, the addressing style and
// how long presigned URLs live.

/** Where a store is and as whom to reach it. */
export type S3Location = {
  /** The S3 endpoint's origin. */
  endpoint: string;
  bucket: string;
  region: string;
  style: 'path' | 'virtual-hosted';
  accessKeyId: string;
  secretAccessKey: string;
};

export type S3Settings = {
  location: S3Location;
  /** True when S3_ENDPOINT named the endpoint; false for R2's, built from R2_ACCOUNT_ID. */
  customEndpoint: boolean;
  /** Presigns GETs on the location; made once per env object (once per isolate). */
  presigner: Presigner;
  /** PRESIGN_EXPIRES_SECONDS: how long a presigned URL lives (after its window, if any). */
  presignTtlSeconds: number;
};

/** The variables read here, for docs and for telling "not configured" from "misconfigured". */
export const S3_VARIABLES = [
  'R2_ACCESS_KEY_ID',
  'R2_SECRET_ACCESS_KEY',
  'R2_ACCOUNT_ID',
  'S3_ENDPOINT',
  'R2_BUCKET_NAME',
  'S3_REGION',
  'S3_FORCE_PATH_STYLE',
  'PRESIGN_EXPIRES_SECONDS',
] as const;

/** PRESIGN_EXPIRES_SECONDS: a minute to 600,000 s, leaving room under S3's 7-day limit
 * (604,800 s) for a time window in front of it. */
export const MAX_PRESIGN_TTL_SECONDS = 600_000;

// The variable behind each presigner field this module sets from one (not `sessionToken`
// or `method`, and `style` only ever from a valid flag).
const PRESIGNER_VARIABLES: Partial<Record<PresignerConfigError['field'], string>> = {
  accessKeyId: 'R2_ACCESS_KEY_ID',
  secretAccessKey: 'R2_SECRET_ACCESS_KEY',
  endpoint: 'S3_ENDPOINT',
  bucket: 'R2_BUCKET_NAME',
  region: 'S3_REGION',
};

const S3Schema = z.pipe(
  z.object({
    R2_ACCESS_KEY_ID: secret(),
    R2_SECRET_ACCESS_KEY: secret(),
    R2_ACCOUNT_ID: optional(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'must be an account id'))),
    S3_ENDPOINT: optional(HttpUrl),
    R2_BUCKET_NAME: z.string().check(z.minLength(1)),
    S3_REGION: withDefault(z.string(), 'auto'),
    S3_FORCE_PATH_STYLE: withDefault(Flag, true),
    PRESIGN_EXPIRES_SECONDS: withDefault(wholeNumber(60, MAX_PRESIGN_TTL_SECONDS), 3600),
  }),
  z.transform((env, ctx): S3Settings => {
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
    const location: S3Location = {
      endpoint: new URL(endpoint).origin,
      bucket: env.R2_BUCKET_NAME,
      region: env.S3_REGION,
      style: env.S3_FORCE_PATH_STYLE ? 'path' : 'virtual-hosted',
      accessKeyId: env.R2_ACCESS_KEY_ID,
      secretAccessKey: env.R2_SECRET_ACCESS_KEY,
    };
    let presigner: Presigner;
    try {
      presigner = createPresigner({ ...location, endpoint });
    } catch (error) {
      const variable = error instanceof PresignerConfigError && PRESIGNER_VARIABLES[error.field];
      if (!variable) throw error;
      return problem(variable, error.message);
    }
    return {
      location,
      customEndpoint: env.S3_ENDPOINT !== undefined,
      presigner,
      presignTtlSeconds: env.PRESIGN_EXPIRES_SECONDS,
    };
  }),
);

/**
 * The validated S3 settings of a worker's env, memoised per env object like parseEnv.
 * Throws EnvError naming each bad or missing variable (never a value).
 */
export function s3SettingsOf(env: object): S3Settings {
  return parseEnv(S3Schema, env);
}

/** Whether the env sets either half of the key pair: S3 is wanted, so must be valid. */
export function hasS3Credentials(env: object): boolean {
  const record = env as Record<string, unknown>;
  return ['R2_ACCESS_KEY_ID', 'R2_SECRET_ACCESS_KEY'].some(
    (name) => record[name] !== undefined && record[name] !== '',
  );
}
