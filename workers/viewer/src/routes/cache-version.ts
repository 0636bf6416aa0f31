import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { memoisedVersions } from '../versions.ts';

// Public: the SPA reads it before login to decide whether its stored data is stale. It tells
// nothing about the gallery's contents. Memoised like the session's check: public, so the
// memo also keeps anonymous callers from spending KV reads.
export const cacheVersion = new Hono<AppEnv>().get('/api/cache-version', async (c) =>
  c.json(await memoisedVersions(c.env.CACHE_VERSION, c.var.config.VERSIONS_MEMO_SECONDS)),
);
