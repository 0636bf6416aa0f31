import { join } from 'node:path';

// Where everything of the local stack lives. Ports are fixed (DESIGN.md, "Local stack"), so the SPA's
// build-time API bases, the workers' ALLOWED_ORIGINS and S3_ENDPOINT all agree.

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** All local R2/KV/D1 state: `wrangler dev --persist-to ../../.state` in every package. */
export const stateDir = join(repoRoot, '.state');

/** The demo media and its manifest (D1 rows, object keys). */
export const demoDir = join(repoRoot, 'demo');

export type Service = {
  name: string;
  /** Package directory, relative to the repo root; its `dev` script starts it. */
  dir: string;
  port: number;
  /**
   * Arguments appended to the dev script. Each wrangler gets its own inspector port:
   * left to itself, every `wrangler dev` probes for a free one from 9229, and three
   * starting at once pick the same one and all but one fail. 9387–9389 (the worker's
   * port + 600) stay clear of other `wrangler dev`s and `node --inspect` on 9229.
   */
  args?: readonly string[];
  /** Other ports it listens on (checked to be free before starting). */
  otherPorts?: readonly number[];
};

export const services = {
  viewer: {
    name: 'viewer',
    dir: 'workers/viewer',
    port: 8787,
    args: ['--inspector-port', '9387'],
    otherPorts: [9387],
  },
  video: {
    name: 'video',
    dir: 'workers/video-streaming',
    port: 8788,
    args: ['--inspector-port', '9388'],
    otherPorts: [9388],
  },
  devS3: {
    name: 'dev-s3',
    dir: 'tools/dev-s3',
    port: 8789,
    args: ['--inspector-port', '9389'],
    otherPorts: [9389],
  },
  spa: { name: 'spa', dir: 'pages/gallery', port: 5173 },
} as const satisfies Record<string, Service>;

export const urls = {
  spa: `http://localhost:${services.spa.port}`,
  viewer: `http://localhost:${services.viewer.port}`,
  video: `http://localhost:${services.video.port}`,
  devS3: `http://localhost:${services.devS3.port}`,
} as const;

/** The wrangler configs whose `.dev.vars` the stack generates. */
export const devVarsDirs = [services.viewer.dir, services.video.dir, services.devS3.dir];
