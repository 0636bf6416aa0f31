import * as z from 'zod/mini';

// The video worker's config document: the rollout of delivery strategies and the knobs
// of signed playlists, published through the admin API (admin.ts) as versions in KV
// (versions.ts) and read through each isolate's memo (memo.ts). Not the environment:
// that is `Settings` (env.ts), fixed per deployment.

// S3 and R2 refuse presigned URLs valid for longer than 7 days (X-Amz-Expires).
const MAX_URL_LIFETIME_SECONDS = 604_800;

const Percent = z.int().check(z.minimum(0), z.maximum(100));

const Rollout = z
  .strictObject({
    presign: Percent,
    token: Percent,
    public: Percent,
    // The redirect-per-segment design this worker replaces, kept as the browser bench's
    // baseline: optional, so documents without it stay valid.
    redirect: z.optional(Percent),
  })
  .check(
    z.refine(
      (r) => r.presign + r.token + r.public + (r.redirect ?? 0) === 100,
      'percentages must add up to 100',
    ),
  );

const Origin = z
  .string()
  .check(
    z.refine(isOrigin, 'must be an origin as browsers send it, e.g. https://gallery.example.com'),
  );

const PublicBase = z.pipe(
  z.string().check(z.refine(isPublicBase, 'must be an http(s) URL without query or fragment')),
  z.transform((base: string) => base.replace(/\/+$/, '')),
);

const shape = {
  /** Percent of rollout buckets per strategy, counted in this order: presign, token, public, redirect. */
  rollout: Rollout,
  /** How long presigned URLs stay valid after the end of their playlist window. */
  presignTtlSeconds: z.int().check(z.minimum(60), z.maximum(MAX_URL_LIFETIME_SECONDS)),
  /** Signed playlists are built once per window: every viewer in it gets the same URLs. */
  playlistWindowSeconds: z.int().check(z.minimum(10), z.maximum(3600)),
  /** Base URL of a public (custom-domain) bucket, for the `public` strategy. */
  publicBase: z.nullable(PublicBase),
  /** Origins allowed by CORS, in addition to the ALLOWED_ORIGINS variable. */
  allowedOrigins: z.array(Origin).check(z.maxLength(32)),
  /** Server-Timing on every response (also on when the DEBUG variable is "true"). */
  debug: z.boolean(),
  /** Keep signed playlists in KV too (a write per playlist per window: off for the free plan). */
  kvPlaylistCache: z.boolean(),
};

type Refinable = {
  presignTtlSeconds: number;
  playlistWindowSeconds: number;
  rollout: { public: number };
  publicBase: string | null;
};

const crossFieldChecks = [
  z.refine<Refinable>(
    (c) => c.presignTtlSeconds + c.playlistWindowSeconds <= MAX_URL_LIFETIME_SECONDS,
    {
      message: `presignTtlSeconds + playlistWindowSeconds must not exceed ${MAX_URL_LIFETIME_SECONDS}`,
      path: ['presignTtlSeconds'],
    },
  ),
  z.refine<Refinable>((c) => c.rollout.public === 0 || c.publicBase !== null, {
    message: 'a public rollout share needs publicBase (or the PUBLIC_MEDIA_BASE variable)',
    path: ['publicBase'],
  }),
];

/** What an admin may publish: unknown fields are refused (a typo must not pass silently). */
export const PublishedConfig = z.strictObject(shape).check(...crossFieldChecks);
/** What a worker reads: unknown fields are dropped, so a newer version's document still loads. */
const StoredConfig = z.object(shape).check(...crossFieldChecks);

export type RolloutConfig = z.output<typeof PublishedConfig>;

/** The config while none is published (and while KV fails): everything presigned. */
export function defaultConfig(env: {
  presignTtlSeconds: number;
  publicBase: string | undefined;
}): RolloutConfig {
  return {
    rollout: { presign: 100, token: 0, public: 0 },
    presignTtlSeconds: env.presignTtlSeconds,
    playlistWindowSeconds: 300,
    publicBase: env.publicBase ?? null,
    allowedOrigins: [],
    debug: false,
    kvPlaylistCache: false,
  };
}

/**
 * A document as stored or published: fields it lacks take their defaults (so documents
 * written by an older version of this worker stay valid), then it is validated.
 */
export function parseConfig(
  document: unknown,
  defaults: RolloutConfig,
  mode: 'publish' | 'stored',
): ReturnType<typeof PublishedConfig.safeParse> {
  const merged =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? { ...defaults, ...document }
      : document;
  return (mode === 'publish' ? PublishedConfig : StoredConfig).safeParse(merged);
}

function isOrigin(value: string): boolean {
  const url = parseUrl(value);
  return url !== undefined && /^https?:$/.test(url.protocol) && url.origin === value;
}

function isPublicBase(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    // It is written into playlists as it is: nothing a URI line or a quoted-string cannot hold.
    !/[\s"'<>\\^`{|}]/.test(value) &&
    /^https?:$/.test(url.protocol) &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '' &&
    !value.includes('?') &&
    !value.includes('#')
  );
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
