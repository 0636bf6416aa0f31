import { defineConfig } from 'vitest/config';

// Node, not workerd: the CLI runs in Node (sharp, ffmpeg, Miniflare over a temp state).
// Two shared cores: generous timeouts, files one at a time, never assertions on time.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
