import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { readVersions } from '../versions.ts';

// Public: the SPA reads it before login to decide whether its stored data is stale. It tells
// nothing about the gallery's contents.
export const cacheVersion = new Hono<AppEnv>().get('/api/cache-version', async (c) =>
  c.json(await readVersions(c.env.CACHE_VERSION)),
);
