import { defineConfig } from 'vitest/config';

// Node, not workerd: these tests read the repository's workflow files and spawn wrangler.
export default defineConfig({
  test: { environment: 'node', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
