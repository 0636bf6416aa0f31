import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests and benchmarks run inside workerd, where the signer runs in production.
export default defineConfig({
  plugins: [
    cloudflareTest({
      miniflare: {
        compatibilityDate: '2026-11-01',
        // What wrangler does by default (the workers' test configs read their wrangler
        // config, which brings these rules): `x.wasm?module` is a WebAssembly.Module.
        modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm', '**/*.wasm?module'] }],
      },
    }),
  ],
  // Generous limits against hangs only: CI shares 2 cores between turbo's tasks. Speed
  // is measured by `bench`, never by a timed test.
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
