import { defineConfig } from 'vitest/config';

// `test`: the helpers' unit tests only. The end-to-end suites (*.e2e.ts) need the
// running stack and run through `e2e` (src/run.ts, vitest.e2e.config.mts).
export default defineConfig({
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
