import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd with the bindings of wrangler.jsonc's local defaults.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      // Secrets for tests only; local dev reads .dev.vars, production `wrangler secret`.
      miniflare: {
        bindings: {
          PLAYBACK_TOKEN_SECRET: 'k1:test-playback-secret-0123456789',
          ADMIN_TOKEN: 'test-admin-token',
          R2_ACCESS_KEY_ID: 'test-access-key',
          R2_SECRET_ACCESS_KEY: 'test-secret-key',
        },
      },
    }),
  ],
  // Generous limits against hangs only: CI shares 2 cores between turbo's tasks. Speed
  // is measured by `bench`, never by a timed test.
  // Every test starts with the real console, caches and bindings: spies end with their test.
  test: { testTimeout: 30_000, hookTimeout: 60_000, restoreMocks: true },
});
