import * as z from 'zod/mini';

// Building blocks for a worker's env schema (zod/mini, parsed by parseEnv): wrangler
// gives every variable as a string, and an absent or empty one means "not set".

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

/** `"true"` or `"false"`. */
export const Flag = z.pipe(
  z.enum(['true', 'false'], 'must be "true" or "false"'),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

export const HttpUrl = z.string().check(
  z.refine(
    // Written into playlists and listings as it is: no quote, space or other character a URI cannot hold.
    (value) => /^https?:\/\//.test(value) && URL.canParse(value) && !/[\s"'<>\\^`{|}]/.test(value),
    'must be an http(s) URL',
  ),
);
