import { applyD1Migrations, type D1Migration } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Every test file starts from the schema `wrangler d1 migrations apply` creates; the
// migrations come from vitest.config.mts (read in Node). Applying twice is a no-op.
const { TEST_MIGRATIONS } = env as unknown as { TEST_MIGRATIONS: D1Migration[] };
await applyD1Migrations(env.DB, TEST_MIGRATIONS);
