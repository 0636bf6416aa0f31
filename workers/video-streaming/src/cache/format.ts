// Every cache this worker writes carries its format version in its name, so two live
// versions of this worker (a gradual deployment) never read each other's entries in a
// format they do not know. Keys name what the bytes depend on and never a visitor's token.

export const CACHE_FORMAT = 'v1';

/** The Cache API key of an entry: on the request's own host name, under `/_cache/`. */
export function cacheKeyUrl(origin: string, kind: 'playlist' | 'media', key: string): string {
  return `${origin}/_cache/${kind}/${key}`;
}

/** A cache that fails is a miss (or a skipped write): logged, never answered. */
export function logCacheError(operation: string, error: unknown): void {
  console.error(
    `video-streaming: cache ${operation} failed`,
    error instanceof Error ? error.message : error,
  );
}
