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
