import { bundleBudget } from '@edge-gallery/bundle-budget/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { downloadWorker } from './build/download-worker.ts';
import { pageMeta, pageMetaFromEnv } from './build/page-meta.ts';
import { pageHeaders, pagesHeaders, R2_ORIGINS } from './build/security-headers.ts';
import { viewerDevProxy } from './proxy/dev-proxy.ts';

// Build-time settings (set per environment by the deploy workflow); nothing else is hard-coded.
// The viewer has none: the page reaches it on its own origin (Pages Function in production,
// the proxy below locally).
const videoApiBase = process.env.VIDEO_API_BASE ?? 'http://localhost:8788';
/** Where media URLs point besides R2 (comma-separated): locally the dev S3 endpoint. */
const mediaOrigins = [
  R2_ORIGINS,
  ...(process.env.MEDIA_ORIGINS ?? 'http://localhost:8789')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
];
/** The local viewer the dev and preview servers forward the viewer's routes to. */
const viewer = process.env.VIEWER_DEV_URL ?? 'http://localhost:8787';

/**
 * Opens the connections a video's start needs (the video worker, and storage where its
 * origin is known: `MEDIA_ORIGINS` without a wildcard) while the page's JavaScript is still
 * loading. `crossorigin`: hls.js and the head start fetch without credentials, and browsers
 * keep those connections apart from credentialed ones (Fetch: "connection pool" keyed by
 * credentials), so a preconnect without it opens a socket no video request uses.
 */
function preconnect(origins: string[]): Plugin {
  return {
    name: 'edge-gallery:preconnect',
    transformIndexHtml: () =>
      [...new Set(origins.filter((o) => !o.includes('*')).map((o) => new URL(o).origin))].map(
        (href) => ({
          tag: 'link',
          attrs: { rel: 'preconnect', href, crossorigin: '' },
          injectTo: 'head',
        }),
      ),
  };
}

const policy = { videoApiBase, mediaOrigins };

export default defineConfig({
  define: {
    __VIDEO_API_BASE__: JSON.stringify(videoApiBase),
    __GALLERY_NAME__: JSON.stringify(process.env.GALLERY_NAME ?? 'Our gallery'),
  },
  // hls.js alone is ~580 kB minified; it is lazy and listed but not counted by the bundle budget.
  build: { target: 'es2022', chunkSizeWarningLimit: 700 },
  plugins: [
    preconnect([videoApiBase, ...mediaOrigins]),
    pagesHeaders(policy),
    // Title, link preview, manifest and icons (GALLERY_NAME, GALLERY_DESCRIPTION, GALLERY_OG_IMAGE…).
    pageMeta(pageMetaFromEnv(process.env, process.cwd())),
    // /download-sw.js: the ZIP download service worker (before the budget, which counts it).
    downloadWorker(),
    bundleBudget({ initialKiB: 50, excluded: ['hls.js'] }),
  ],
  server: {
    port: 5173,
    strictPort: true,
    proxy: viewerDevProxy(viewer),
    headers: pageHeaders({ ...policy, dev: true }),
  },
  // The built page, as Pages serves it: the same proxy, the production policy.
  preview: {
    port: 5173,
    strictPort: true,
    proxy: viewerDevProxy(viewer),
    headers: pageHeaders(policy),
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'build/**/*.test.ts', 'proxy/**/*.test.ts'],
  },
});
