import { defineConfig } from 'vitest/config';

// Node-side tooling: tests run in Node against real local bindings (openLocalState's
// Miniflare) in a temporary persist directory.
export default defineConfig({
  // Two shared cores under parallel turbo runs: allow slow workerd starts, never assert on time.
  test: { environment: 'node', testTimeout: 120_000, hookTimeout: 240_000 },
});
