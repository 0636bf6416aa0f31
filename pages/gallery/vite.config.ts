import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: {
    // Build-time API bases (set per environment by the deploy workflow).
    __VIEWER_API_BASE__: JSON.stringify(process.env.VIEWER_API_BASE ?? 'http://localhost:8787'),
    __VIDEO_API_BASE__: JSON.stringify(process.env.VIDEO_API_BASE ?? 'http://localhost:8788'),
  },
  test: { environment: 'node' },
});
