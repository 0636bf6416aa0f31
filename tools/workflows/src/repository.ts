import { fileURLToPath } from 'node:url';

/** The monorepo's root folder (this file is tools/workflows/src/repository.ts). */
export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** Each deploy workflow and the workspace package it ships. */
export const deployWorkflows = {
  '.github/workflows/deploy-viewer.yml': '@edge-gallery/viewer',
  '.github/workflows/deploy-video-streaming.yml': '@edge-gallery/video-streaming',
  '.github/workflows/deploy-gallery.yml': '@edge-gallery/gallery',
} as const;

/** The workers, with the environments of their wrangler.jsonc (`''`: the local top level). */
export const workers = ['workers/viewer', 'workers/video-streaming'] as const;
export const environments = ['', 'staging', 'production'] as const;

/** The Pages project (the SPA and its Function) and the viewer its VIEWER binding reaches. */
export const pagesProject = 'pages/gallery';
export const viewerWorker = 'workers/viewer';

/**
 * Pages has two environments of its own: "production" (the production branch) and "preview"
 * (every other branch, among them the `staging` branch deployment). Each GitHub environment the
 * gallery deploys to, with the Pages environment it lands in and the viewer environment that
 * must answer it (`''`: the local top level, `wrangler pages dev`).
 */
export const pagesEnvironments = [
  { deploy: 'local', pages: '', viewer: '' },
  { deploy: 'staging', pages: 'preview', viewer: 'staging' },
  { deploy: 'production', pages: 'production', viewer: 'production' },
] as const;
