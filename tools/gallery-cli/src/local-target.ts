import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { applyMigrations, repoRoot, services, stateDir } from '@edge-gallery/stack';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_readConfig } from 'wrangler';
import {
  existingIdsQueries,
  insertStatement,
  type MediaRow,
  type StoredObject,
  type Target,
} from './target.ts';

// The local target writes into the same persisted state `wrangler dev --persist-to .state`
// uses, so the running stack (or the next `pnpm start`) lists what was imported. It opens
// that state with Miniflare and the viewer's bindings as wrangler maps them (R2 by bucket
// name, D1 by database id). Objects go through a tiny ingest worker as request bodies:
// streamed, with a known length, never held in memory. The stack's openLocalState
// (getPlatformProxy) takes whole buffers and serialises each one through the binding
// proxy: ~6 MB/s measured here, and a 4 GB video would have to fit in memory.

export const viewerConfigPath = join(repoRoot, services.viewer.dir, 'wrangler.jsonc');

const INGEST_WORKER = `export default {
  async fetch(request, env) {
    const key = new URL(request.url).searchParams.get('key');
    if (request.method !== 'PUT' || !key) return new Response('bad request', { status: 400 });
    const contentType = request.headers.get('content-type') ?? undefined;
    const object = await env.MEDIA.put(key, request.body, { httpMetadata: { contentType } });
    return Response.json({ key: object.key, size: object.size });
  },
};`;

export type D1Like = {
  prepare(sql: string): {
    bind(...values: unknown[]): {
      all<T>(): Promise<{ results: T[] }>;
      run(): Promise<unknown>;
    };
  };
};

export async function openLocalTarget(persistTo: string = stateDir): Promise<Target> {
  let state = await openLocalState(persistTo);
  if (!(await hasMediaTable(state.db))) {
    // A state the stack never started: create the viewer's schema the way the stack does.
    await state.mf.dispose();
    await applyMigrations(persistTo);
    state = await openLocalState(persistTo);
  }
  const { mf, db } = state;
  return {
    description: `local state ${persistTo}`,
    async existingIds(ids) {
      const found = new Set<string>();
      for (const { sql, params } of existingIdsQueries(ids)) {
        const { results } = await db
          .prepare(sql)
          .bind(...params)
          .all<{ id: string }>();
        for (const row of results) found.add(row.id);
      }
      return found;
    },
    async putObject(object: StoredObject) {
      const { body } = object;
      const payload =
        'path' in body
          ? {
              body: Readable.toWeb(createReadStream(body.path)) as ReadableStream<Uint8Array>,
              length: body.size,
            }
          : { body: body.bytes, length: body.bytes.byteLength };
      const response = await mf.dispatchFetch(
        `http://ingest.local/?key=${encodeURIComponent(object.key)}`,
        {
          method: 'PUT',
          body: payload.body,
          headers: { 'content-type': object.contentType, 'content-length': String(payload.length) },
          duplex: 'half',
        },
      );
      if (!response.ok) {
        throw new Error(`local R2 put ${object.key}: ${response.status} ${await response.text()}`);
      }
      await response.arrayBuffer();
    },
    async insertRow(row: MediaRow) {
      const { sql, params } = insertStatement(row);
      await db
        .prepare(sql)
        .bind(...params)
        .run();
    },
    async flush() {},
    async close() {
      await mf.dispose();
    },
  };
}

/** Miniflare over the state with the viewer's MEDIA bucket and DB database (the ingest worker). */
export async function openLocalState(persistTo: string): Promise<{ mf: Miniflare; db: D1Like }> {
  const config = unstable_readConfig({ config: viewerConfigPath });
  const bucket = config.r2_buckets.find((b: { binding: string }) => b.binding === 'MEDIA');
  const database = config.d1_databases.find((d: { binding: string }) => d.binding === 'DB');
  if (!bucket?.bucket_name || !database?.database_id) {
    throw new Error(`${viewerConfigPath} has no MEDIA bucket or DB database`);
  }
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // wrangler dev --persist-to <dir> keeps everything under <dir>/v3.
      resourcePersistencePath: join(persistTo, 'v3'),
      workers: [
        {
          name: 'gallery-import',
          modules: true,
          script: INGEST_WORKER,
          compatibilityDate: config.compatibility_date ?? '2026-11-01',
          r2Buckets: { MEDIA: { id: bucket.bucket_name } },
          d1Databases: { DB: { id: database.database_id } },
        },
      ],
    }),
  );
  await mf.ready;
  const db = (await mf.getD1Database('DB')) as unknown as D1Like;
  return { mf, db };
}

async function hasMediaTable(db: D1Like): Promise<boolean> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
    .bind('media')
    .all();
  return results.length > 0;
}

/** Runs the workspace's wrangler on this Node (22: wrangler refuses older ones). */
export function runWrangler(
  args: readonly string[],
  cwd: string,
): Promise<{ status: number | null; output: string; stdout: string }> {
  const wrangler = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin',
    'wrangler.js',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrangler, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output, stdout }));
  });
}
