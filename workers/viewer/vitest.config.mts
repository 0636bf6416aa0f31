import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd with the bindings of wrangler.jsonc's local defaults (real local
// D1, R2, KV and rate limiter). The D1 migrations are read here, in Node, and applied by
// test/apply-migrations.ts inside workerd, so tests use the schema `wrangler d1 migrations
// apply` creates.
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: './wrangler.jsonc' },
      // Secrets for tests only; local dev reads .dev.vars, production `wrangler secret`.
      miniflare: {
        // Gallery-wide login ceilings with their own counts for src/login-limits.test.ts: one
        // with LOGIN_CEILING's limits (200 guests at once), one of 3 a minute (spent at once).
        ratelimits: {
          TEST_LOGIN_CEILING: { namespace_id: '9002', simple: { limit: 300, period: 60 } },
          TEST_SMALL_CEILING: { namespace_id: '9003', simple: { limit: 3, period: 60 } },
        },
        bindings: {
          GALLERY_PASSWORD: 'test-password',
          OWNER_PASSWORD: 'test-owner-password',
          AUTH_SECRET: 'test-auth-secret-0123456789abcdef',
          PLAYBACK_TOKEN_SECRET: 'k1:test-playback-secret-0123456789',
          // No S3 key pair by default (worker paths), whatever a local .dev.vars holds: the
          // presigned listing's tests pass one (media-presigned.test.ts).
          R2_ACCESS_KEY_ID: '',
          R2_SECRET_ACCESS_KEY: '',
          // Every KV bump is seen at once; the memo has tests of its own (versions.test.ts).
          VERSIONS_MEMO_SECONDS: '0',
          TEST_MIGRATIONS: await readD1Migrations(
            fileURLToPath(new URL('./migrations', import.meta.url)),
          ),
        },
      },
    })),
  ],
  test: {
    setupFiles: ['./test/apply-migrations.ts'],
    // Generous limits against hangs only: CI shares 2 cores between turbo's tasks. Speed
    // is measured by `bench`, never by a timed test.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test starts with the real console, bindings and clocks: spies end with their test.
    restoreMocks: true,
  },
});
