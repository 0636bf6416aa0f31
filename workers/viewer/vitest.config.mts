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
          GALLERY_PASSWORD: 'test-password',
          AUTH_SECRET: 'test-auth-secret-0123456789abcdef',
          PLAYBACK_TOKEN_SECRET: 'k1:test-playback-secret-0123456789',
        },
      },
    }),
  ],
});
