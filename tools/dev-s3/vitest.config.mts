import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd with the local R2 bucket of wrangler.jsonc.
export default defineConfig({
  // Two shared cores under parallel turbo runs: allow slow starts, never assert on time.
  // Spies (a captured console) end with their test.
  test: { testTimeout: 60_000, hookTimeout: 60_000, restoreMocks: true },
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.jsonc' },
      // Test-only key pair; local dev reads the generated .dev.vars.
      miniflare: {
        bindings: {
          R2_ACCESS_KEY_ID: 'test-access-key',
          R2_SECRET_ACCESS_KEY: 'test-secret-key',
        },
      },
    }),
  ],
});
