import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd against a real local R2 bucket (binding MEDIA of wrangler.jsonc).
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.jsonc' } })],
  // Generous limits against hangs only: CI shares 2 cores between turbo's tasks. Speed
  // is measured by `bench`, never by a timed test.
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
