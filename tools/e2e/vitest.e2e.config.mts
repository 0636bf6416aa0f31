import { defineConfig } from 'vitest/config';

// The end-to-end suites, against the running stack (src/run.ts starts or reuses it).
// One file at a time: they switch the video worker's live config.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.e2e.ts'],
    globalSetup: ['src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
