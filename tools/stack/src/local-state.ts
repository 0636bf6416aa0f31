import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot, services, stateDir } from './layout.ts';

// The local R2/D1/KV state that `wrangler dev --persist-to ../../.state` uses, opened
// from Node through wrangler's own getPlatformProxy (the Miniflare wrangler dev runs):
// `--persist-to X` keeps its data under X/v3, and getPlatformProxy's `persist.path` is
// that v3 directory itself. Bindings come from the workers' wrangler.jsonc, so bucket
// names, D1 ids and KV ids are never repeated here. Used by the stack's seeding and
// meant for the import CLI too. Nothing else may hold the state while this writes:
// open it before the workers start (or while they run, for a few reads and writes).

// Structural types of the binding methods used from Node (the workers get the full
// runtime types from `wrangler types`).
export type LocalBucket = {
  put(
    key: string,
    value: Uint8Array | ArrayBuffer | string,
    options?: { httpMetadata?: { contentType?: string; cacheControl?: string } },
  ): Promise<unknown>;
  get(
    key: string,
  ): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; text(): Promise<string> } | null>;
  head(key: string): Promise<{ key: string; size: number; etag: string } | null>;
  delete(keys: string | string[]): Promise<void>;
  /** For objects too big for one `put` through the proxy (which base64-encodes bodies). */
  createMultipartUpload(key: string): Promise<{
    uploadPart(
      partNumber: number,
      value: Uint8Array,
    ): Promise<{ partNumber: number; etag: string }>;
    complete(parts: { partNumber: number; etag: string }[]): Promise<unknown>;
  }>;
  list(options?: { prefix?: string; cursor?: string }): Promise<{
    objects: { key: string; size: number }[];
    truncated: boolean;
    cursor?: string;
  }>;
};

export type LocalStatement = {
  bind(...values: unknown[]): LocalStatement;
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  run(): Promise<unknown>;
};

export type LocalDatabase = {
  prepare(sql: string): LocalStatement;
  batch(statements: LocalStatement[]): Promise<unknown>;
};

export type LocalKv = {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { metadata?: unknown }): Promise<void>;
  delete(key: string): Promise<void>;
};

export type LocalState = {
  /** R2 `MEDIA`, the bucket both workers and the dev S3 endpoint read. */
  media: LocalBucket;
  /** The viewer's D1 `DB`. */
  db: LocalDatabase;
  /** The viewer's KV `CACHE_VERSION`. */
  cacheVersion: LocalKv;
  /** The video worker's KV `VIDEO_CACHE`. */
  videoCache: LocalKv;
  dispose(): Promise<void>;
};

/** `persistTo` is what `wrangler dev --persist-to` is given (default: the repo's .state). */
export async function openLocalState(persistTo: string = stateDir): Promise<LocalState> {
  const { getPlatformProxy } = await import('wrangler');
  const open = (dir: string) =>
    getPlatformProxy<Record<string, unknown>>({
      configPath: join(repoRoot, dir, 'wrangler.jsonc'),
      persist: { path: join(persistTo, 'v3') },
      remoteBindings: false,
    });
  // One after the other: two workerd starting at once on one persist directory can
  // fail with SQLITE_BUSY on its shared SQLite files.
  const viewer = await open(services.viewer.dir);
  const video = await open(services.video.dir);
  return {
    media: viewer.env.MEDIA as LocalBucket,
    db: viewer.env.DB as LocalDatabase,
    cacheVersion: viewer.env.CACHE_VERSION as LocalKv,
    videoCache: video.env.VIDEO_CACHE as LocalKv,
    async dispose() {
      await Promise.all([viewer.dispose(), video.dispose()]);
    },
  };
}

export const migrationsDir = join(repoRoot, services.viewer.dir, 'migrations');

/** The viewer's D1 migration files, in the order wrangler applies them. */
export function migrationNames(): string[] {
  return readdirSync(migrationsDir)
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/**
 * Applies the viewer's pending D1 migrations to the local state with wrangler itself
 * (`d1 migrations apply --local`), so its `d1_migrations` bookkeeping stays the one
 * that `wrangler d1 migrations list --local` reads. Must not run while `openLocalState`
 * holds the state.
 */
export function applyMigrations(persistTo: string = stateDir): Promise<void> {
  const wrangler = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin',
    'wrangler.js',
  );
  const args = [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: join(repoRoot, services.viewer.dir),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`wrangler d1 migrations apply failed (exit ${code}):\n${output}`));
    });
  });
}
