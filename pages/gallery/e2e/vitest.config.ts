import { defineConfig } from 'vitest/config';

// The browser test runs against a running local stack (`npm start`), never in `test`.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // The page works against a whole local stack on shared 2-core machines: a poll waits for
    // what the guest would see, not for a second (vitest's default).
    expect: { poll: { timeout: 15_000 } },
    // The steps are one visit: after the first failure the rest would only time out.
    bail: 1,
  },
});
