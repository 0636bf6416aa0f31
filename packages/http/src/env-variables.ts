import { type PlaybackKey, parsePlaybackKeys } from '@edge-gallery/r2-signer';
import * as z from 'zod/mini';

// The field parsers of every worker's env schema (zod/mini, parsed by parseEnv): wrangler
// gives every variable as a string, and an absent or empty one means "not set". A message
// says what a value must be, never what it was: a variable may hold a secret.

/** A variable that may be absent or empty (both mean "not set"), else must match `schema`. */
export function optional<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.transform((value: unknown) => (value === '' ? undefined : value)),
    z.optional(schema),
  );
}

/** An optional variable with a default. */
export function withDefault<T extends z.ZodMiniType>(schema: T, fallback: z.output<T>) {
  return z.pipe(
    optional(schema),
    z.transform((value: z.output<T> | undefined) => value ?? fallback),
  );
}

/** A secret or password of at least `min` characters. */
export const secret = (min = 1) =>
  z
    .string()
    .check(
      z.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
    );

/** `"true"` or `"false"`. */
export const Flag = z.pipe(
  z.enum(['true', 'false'], 'must be "true" or "false"'),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

/** A whole number from `min` to `max` (seconds, bytes, counts), written in decimal. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.pipe(
    z.pipe(z.string(), z.transform(Number)),
    z
      .int('must be a whole number')
      .check(z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`)),
  );

export const HttpUrl = z.string().check(
  z.refine(
    // Written into playlists and listings as it is: no quote, space or other character a URI cannot hold.
    (value) => /^https?:\/\//.test(value) && URL.canParse(value) && !/[\s"'<>\\^`{|}]/.test(value),
    'must be an http(s) URL',
  ),
);

/** Comma-separated items, trimmed; empty items are dropped. */
export const CommaList = z.pipe(
  z.string(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

const isOrigin = (origin: string) => URL.canParse(origin) && new URL(origin).origin === origin;

/**
 * ALLOWED_ORIGINS: the origins CORS answers (`https://host[:port]`, exactly as browsers send
 * them), comma-separated; absent or empty, none.
 */
export const AllowedOrigins = withDefault(
  CommaList.check(
    z.refine(
      (origins) => origins.every(isOrigin),
      'must be a comma-separated list of origins such as https://gallery.example.com',
    ),
  ),
  [],
);

/** PLAYBACK_TOKEN_SECRET: `id:secret` pairs, the first one signing (r2-signer's parser). */
export const PlaybackKeys = z.pipe(
  z.string(),
  z.transform((value: string, ctx): PlaybackKey[] => {
    try {
      return parsePlaybackKeys(value);
    } catch (error) {
      // The parser's messages name entries by position only, never by content (tested there).
      ctx.issues.push({ code: 'custom', message: (error as Error).message, input: '(secret)' });
      return z.NEVER;
    }
  }),
);
