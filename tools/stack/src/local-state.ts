import { createReadStream, createWriteStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { repoRoot, services, stateDir } from './layout.ts';
import { runWrangler } from './wrangler.ts';

// The local R2/D1/KV state that `wrangler dev --persist-to ../../.state` uses, opened
// from Node with Miniflare (the version wrangler pins, so the storage format is the
// one wrangler dev writes). One workerd carries every binding the tools need, so the
// seed and the import CLI never start two processes on the shared SQLite files (two
// starting at once can fail with SQLITE_BUSY). Binding ids are read from the workers'
// wrangler.jsonc and mapped as wrangler dev maps them locally, never repeated here.
// Objects are written (and read back) by a tiny ingest worker as streamed bodies: the binding
// proxy (what `media.put` and getPlatformProxy use) base64-encodes whole bodies, ~6 MB/s
// measured, and a 4 GB video would have to sit in memory. Nothing else may write the
// state heavily meanwhile: open it before the workers start, or keep it to an import's
// worth of writes while they run.

const INGEST_WORKER = `export default {
  async fetch(request, env) {
    const key = new URL(request.url).searchParams.get('key');
    if (request.method === 'GET' && key) {
      const object = await env.MEDIA.get(key);
      return object ? new Response(object.body) : new Response('not found', { status: 404 });
    }
    if (request.method !== 'PUT' || !key) return new Response('bad request', { status: 400 });
    const contentType = request.headers.get('content-type') ?? undefined;
    const object = await env.MEDIA.put(key, request.body, { httpMetadata: { contentType } });
    return Response.json({ key: object.key, size: object.size });
  },
};`;

// Structural types of the binding methods used from Node (the workers get the full
// runtime types from `wrangler types`).
export type LocalBucket = {
  put(
    key: string,
    value: Uint8Array | ArrayBuffer | string,
    options?: { httpMetadata?: { contentType?: string; cacheControl?: string } },
  ): Promise<unknown>;
  get(key: string): Promise<{
    arrayBuffer(): Promise<ArrayBuffer>;
    text(): Promise<string>;
    httpMetadata?: { contentType?: string };
  } | null>;
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
  list(options?: { prefix?: string; cursor?: string; include?: 'httpMetadata'[] }): Promise<{
    objects: {
      key: string;
      size: number;
      etag: string;
      httpMetadata?: { contentType?: string };
    }[];
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

/** A body to store: a file on disk (streamed) or bytes in memory. */
export type ObjectBody = { path: string; size: number } | { bytes: Uint8Array };

export type LocalState = {
  /** R2 `MEDIA`, the bucket both workers and the dev S3 endpoint read. */
  media: LocalBucket;
  /** Stores into `media` through the ingest worker: streamed, never whole in memory. */
  putObject(key: string, body: ObjectBody, options?: { contentType?: string }): Promise<void>;
  /** Reads an object from `media` into a file, streamed; false when there is none. */
  getObject(key: string, path: string): Promise<boolean>;
  /** The viewer's D1 `DB`. */
  db: LocalDatabase;
  /** The viewer's KV `CACHE_VERSION`. */
  cacheVersion: LocalKv;
  /** The video worker's KV `VIDEO_CACHE`. */
  videoCache: LocalKv;
  dispose(): Promise<void>;
};

/** The part of a worker's wrangler config read here. */
type BindingsConfig = {
  compatibility_date?: string | undefined;
  r2_buckets: { binding: string; bucket_name?: string | undefined }[];
  d1_databases: {
    binding: string;
    database_id?: string | undefined;
    preview_database_id?: string | undefined;
  }[];
  kv_namespaces: { binding: string; id?: string | undefined }[];
};

/** `persistTo` is what `wrangler dev --persist-to` is given (default: the repo's .state). */
export async function openLocalState(persistTo: string = stateDir): Promise<LocalState> {
  // Loaded here: a start with nothing to seed never pays for them.
  const { convertV4MiniflareOptions, Miniflare } = await import('miniflare');
  const { unstable_readConfig } = await import('wrangler');
  const readConfig = (dir: string): BindingsConfig =>
    unstable_readConfig({ config: join(repoRoot, dir, 'wrangler.jsonc') });
  const viewer = readConfig(services.viewer.dir);
  const video = readConfig(services.video.dir);
  // wrangler dev's local ids: R2 by bucket name, D1 by (preview) database id, KV by id.
  const bucket = viewer.r2_buckets.find((b) => b.binding === 'MEDIA')?.bucket_name;
  const d1 = viewer.d1_databases.find((d) => d.binding === 'DB');
  const database = d1?.preview_database_id ?? d1?.database_id;
  const cacheVersion = viewer.kv_namespaces.find((k) => k.binding === 'CACHE_VERSION')?.id;
  const videoCache = video.kv_namespaces.find((k) => k.binding === 'VIDEO_CACHE')?.id;
  if (!bucket || !database || !cacheVersion || !videoCache) {
    throw new Error("the workers' wrangler.jsonc lack MEDIA, DB, CACHE_VERSION or VIDEO_CACHE");
  }

  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // wrangler dev --persist-to <dir> keeps everything under <dir>/v3.
      resourcePersistencePath: join(persistTo, 'v3'),
      workers: [
        {
          name: 'local-state',
          modules: true,
          script: INGEST_WORKER,
          compatibilityDate: viewer.compatibility_date ?? '2026-11-01',
          r2Buckets: { MEDIA: { id: bucket } },
          d1Databases: { DB: { id: database } },
          kvNamespaces: {
            CACHE_VERSION: { id: cacheVersion },
            VIDEO_CACHE: { id: videoCache },
          },
        },
      ],
    }),
  );
  await mf.ready;
  return {
    media: (await mf.getR2Bucket('MEDIA')) as unknown as LocalBucket,
    async putObject(key, body, { contentType } = {}) {
      const payload =
        'path' in body
          ? {
              body: Readable.toWeb(createReadStream(body.path)),
              length: body.size,
            }
          : { body: body.bytes, length: body.bytes.byteLength };
      const headers: Record<string, string> = { 'content-length': String(payload.length) };
      if (contentType !== undefined) headers['content-type'] = contentType;
      const response = await mf.dispatchFetch(
        `http://ingest.local/?key=${encodeURIComponent(key)}`,
        {
          method: 'PUT',
          body: payload.body,
          headers,
          duplex: 'half',
        },
      );
      if (!response.ok) {
        throw new Error(`local R2 put ${key}: ${response.status} ${await response.text()}`);
      }
      await response.arrayBuffer();
    },
    async getObject(key, path) {
      const response = await mf.dispatchFetch(
        `http://ingest.local/?key=${encodeURIComponent(key)}`,
      );
      if (response.status === 404) {
        await response.arrayBuffer();
        return false;
      }
      if (!response.ok || !response.body) {
        throw new Error(`local R2 get ${key}: ${response.status} ${await response.text()}`);
      }
      await pipeline(
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
        createWriteStream(path),
      );
      return true;
    },
    db: (await mf.getD1Database('DB')) as unknown as LocalDatabase,
    cacheVersion: (await mf.getKVNamespace('CACHE_VERSION')) as unknown as LocalKv,
    videoCache: (await mf.getKVNamespace('VIDEO_CACHE')) as unknown as LocalKv,
    dispose: () => mf.dispose(),
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
export async function applyMigrations(persistTo: string = stateDir): Promise<void> {
  const { status, output } = await runWrangler(
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
    join(repoRoot, services.viewer.dir),
    { env: { CI: 'true' } },
  );
  if (status !== 0)
    throw new Error(`wrangler d1 migrations apply failed (exit ${status}):\n${output}`);
}
