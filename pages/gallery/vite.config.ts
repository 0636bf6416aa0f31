import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { bundleBudget } from './build/bundle-budget.ts';

const viewerApiBase = process.env.VIEWER_API_BASE ?? 'http://localhost:8787';
const videoApiBase = process.env.VIDEO_API_BASE ?? 'http://localhost:8788';

/** Opens the connections to both APIs while the page's JavaScript is still loading. */
function preconnect(origins: string[]): Plugin {
  return {
    name: 'edge-gallery:preconnect',
    transformIndexHtml: () =>
      [...new Set(origins.map((origin) => new URL(origin).origin))].map((href) => ({
        tag: 'link',
        attrs: { rel: 'preconnect', href },
        injectTo: 'head',
      })),
  };
}

export default defineConfig({
  define: {
    // Build-time settings (set per environment by the deploy workflow); nothing else is hard-coded.
    __VIEWER_API_BASE__: JSON.stringify(viewerApiBase),
    __VIDEO_API_BASE__: JSON.stringify(videoApiBase),
    __GALLERY_NAME__: JSON.stringify(process.env.GALLERY_NAME ?? 'Our gallery'),
  },
  // hls.js alone is ~580 kB minified; it is lazy and budgeted separately (bundle-budget.ts).
  build: { target: 'es2022', chunkSizeWarningLimit: 700 },
  plugins: [
    preconnect([viewerApiBase, videoApiBase]),
    bundleBudget({ initialKiB: 50, excluded: ['hls.js'] }),
  ],
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
  test: { environment: 'node', include: ['src/**/*.test.ts', 'build/**/*.test.ts'] },
});
