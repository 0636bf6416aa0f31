import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Presigner } from '@edge-gallery/r2-signer';
import { repoRoot, runWrangler, services } from '@edge-gallery/stack';
import { unstable_readConfig } from 'wrangler';
import {
  inlineSql,
  insertSql,
  ladderStatement,
  RowsNotWritten,
  renditionsStatement,
  type StoredObject,
  sqlLiteral,
  type Target,
} from './target.ts';

// The remote target: objects straight to R2's S3 API with presigned PUTs (the repo's own
// signer, no AWS SDK), rows into the viewer's D1 through `wrangler d1 execute --remote`,
// which uses the owner's wrangler login. Rows are sent in batches (one wrangler run each,
// a few seconds) and only after their objects are stored.

const viewerConfigPath = join(repoRoot, services.viewer.dir, 'wrangler.jsonc');

/** Presigned PUT URLs live this long; one upload starts right after signing. */
const PUT_EXPIRES_SECONDS = 3600;
const ROW_BATCH = 100;
const ROW_BATCH_SECONDS = 20;
const UPLOAD_ATTEMPTS = 3;

export type RemoteVars = Partial<Record<string, string>>;

export async function openRemoteTarget(options: {
  env: string;
  vars: RemoteVars;
}): Promise<Target> {
  const { env, vars } = options;
  const config = unstable_readConfig({ config: viewerConfigPath, env });
  const bucket =
    vars.R2_BUCKET_NAME ||
    config.r2_buckets.find((b: { binding: string }) => b.binding === 'MEDIA')?.bucket_name;
  const endpoint =
    vars.S3_ENDPOINT ||
    (vars.R2_ACCOUNT_ID ? `https://${vars.R2_ACCOUNT_ID}.r2.cloudflarestorage.com` : undefined);
  const missing = [
    !vars.R2_ACCESS_KEY_ID && 'R2_ACCESS_KEY_ID',
    !vars.R2_SECRET_ACCESS_KEY && 'R2_SECRET_ACCESS_KEY',
    !endpoint && 'R2_ACCOUNT_ID (or S3_ENDPOINT)',
    !bucket && 'R2_BUCKET_NAME',
  ].filter(Boolean);
  if (missing.length) {
    throw new Error(
      `--target remote needs ${missing.join(', ')} in the environment (an R2 API token's S3 credentials)`,
    );
  }
  const { createPresigner } = await import('@edge-gallery/r2-signer');
  const bucketAccess = {
    accessKeyId: vars.R2_ACCESS_KEY_ID!,
    secretAccessKey: vars.R2_SECRET_ACCESS_KEY!,
    endpoint: endpoint!,
    bucket: bucket!,
    region: vars.S3_REGION || 'auto',
  };
  const presigner = createPresigner({ ...bucketAccess, method: 'PUT' });
  // Reading originals back (`gallery renditions`): GET URLs from a second presigner.
  const reader = createPresigner(bucketAccess);
  return createRemoteTarget({
    description: `remote ${env} (bucket ${bucket}, D1 ${config.d1_databases[0]?.database_name ?? 'DB'})`,
    presigner,
    reader,
    d1: wranglerD1({ remote: true, env }),
  });
}

export type RowStore = {
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  /** The rows of one SELECT. */
  query<T>(sql: string): Promise<T[]>;
  /** Runs the statements of one `.sql` file. */
  execute(sql: string): Promise<void>;
};

export function createRemoteTarget(parts: {
  description: string;
  presigner: Presigner;
  /** Signs GETs, for `downloadObject`. */
  reader?: Presigner;
  d1: RowStore;
  fetch?: typeof fetch;
  now?: () => number;
}): Target {
  const { presigner, d1 } = parts;
  const fetchImpl = parts.fetch ?? fetch;
  const now = parts.now ?? Date.now;
  // Inserts, rendition and ladder updates, in the order they were made, each with its row's id.
  // A row leaves the queue only once the batch that holds it is written: a failed batch
  // stays queued (every statement is idempotent, so writing it again is safe).
  const rows: { id: string; statement: string }[] = [];
  let oldest = 0;
  let writing: Promise<void> | undefined;
  const write = async () => {
    // One batch at a time: files finish concurrently, and a row must not go out twice.
    while (writing) await writing.catch(() => {});
    if (!rows.length) return;
    const count = rows.length;
    const sql = `${rows
      .slice(0, count)
      .map((row) => row.statement)
      .join('\n')}\n`;
    const current = d1.execute(sql).then(
      () => void rows.splice(0, count),
      (error: unknown) => {
        // The next try waits for a full batch or period more: a D1 that is down must not
        // cost one wrangler run per file.
        oldest = now();
        throw error;
      },
    );
    writing = current;
    try {
      await current;
    } finally {
      if (writing === current) writing = undefined;
    }
  };
  const add = async (id: string, statement: string) => {
    if (!rows.length) oldest = now();
    rows.push({ id, statement });
    if (rows.length % ROW_BATCH === 0 || now() - oldest >= ROW_BATCH_SECONDS * 1000) {
      // A failed batch is not this file's failure: its rows stay queued for the next
      // batch, and `flush` reports what is still unwritten at the end.
      await write().catch(() => {});
    }
  };
  const flush = async () => {
    try {
      await write();
    } catch (error) {
      const ids = [...new Set(rows.map((row) => row.id))];
      // Reported to the caller as not imported: dropped here, so `close` does not write
      // them behind the report's back. The next run redoes these files (no row, no listing).
      rows.length = 0;
      throw new RowsNotWritten(
        ids,
        `D1 rows not written: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  return {
    description: parts.description,
    existingIds: (ids) => d1.existingIds(ids),
    putObject: (object) => uploadObject(presigner, object, fetchImpl),
    insertRow: (row) => add(row.id, insertSql(row)),
    rows: (listing) => d1.query(listing.sql),
    async downloadObject(key, path) {
      if (!parts.reader) throw new Error('no GET presigner for downloads');
      await downloadObject(parts.reader, key, path, fetchImpl);
    },
    setRenditions: (id, keys) => add(id, inlineSql(renditionsStatement(id, keys))),
    setVideoLadder: (id, ladder) => add(id, inlineSql(ladderStatement(id, ladder))),
    async hasObject(key) {
      if (!parts.reader) throw new Error('no GET presigner for reads');
      return objectExists(parts.reader, key, fetchImpl);
    },
    flush,
    close: flush,
  };
}

/** One object, one presigned PUT (`presigner` signs PUT); retried on network errors, 429 and 5xx (PUT is idempotent). */
export async function uploadObject(
  presigner: Presigner,
  object: StoredObject,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  // The presigner was created with `method: 'PUT'`.
  const options = { expiresIn: PUT_EXPIRES_SECONDS };
  let lastError = '';
  for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
    const { body } = object;
    const length = 'path' in body ? body.size : body.bytes.byteLength;
    try {
      const response = await fetchImpl(presigner.presign(object.key, options), {
        method: 'PUT',
        headers: { 'content-type': object.contentType, 'content-length': String(length) },
        body:
          'path' in body
            ? (Readable.toWeb(createReadStream(body.path)) as ReadableStream<Uint8Array>)
            : body.bytes,
        duplex: 'half',
      } as RequestInit);
      const text = await response.text();
      if (response.ok) return;
      lastError = `${response.status} ${s3ErrorCode(text)}`;
      if (response.status !== 429 && response.status < 500) break;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  throw new Error(`upload of ${object.key} failed: ${lastError}`);
}

/** One object to a file through a presigned GET; retried like uploads. */
export async function downloadObject(
  presigner: Presigner,
  key: string,
  path: string,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  let lastError = '';
  for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
    try {
      const response = await fetchImpl(presigner.presign(key, { expiresIn: PUT_EXPIRES_SECONDS }));
      if (response.ok && response.body) {
        await pipeline(
          Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
          createWriteStream(path),
        );
        return;
      }
      lastError = `${response.status} ${s3ErrorCode(await response.text())}`;
      if (response.status !== 429 && response.status < 500) break;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  throw new Error(`download of ${key} failed: ${lastError}`);
}

/** A GET of the first byte (a GET-signed URL does not sign HEAD): 404 → false. */
export async function objectExists(
  presigner: Presigner,
  key: string,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  const response = await fetchImpl(presigner.presign(key, { expiresIn: PUT_EXPIRES_SECONDS }), {
    headers: { range: 'bytes=0-0' },
  });
  if (response.ok) {
    await response.body?.cancel();
    return true;
  }
  const text = await response.text();
  if (response.status === 404) return false;
  throw new Error(`checking ${key} failed: ${response.status} ${s3ErrorCode(text)}`);
}

function s3ErrorCode(xml: string): string {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? xml.slice(0, 200);
}

/**
 * The viewer's D1 through wrangler: `--remote --env <env>` for an account, or `--local
 * --persist-to <dir>` (the same SQL against a local state, which is how it is tested).
 */
export function wranglerD1(
  where: { remote: true; env: string } | { remote: false; persistTo: string },
): RowStore {
  const location = where.remote
    ? ['--remote', '--env', where.env]
    : ['--local', '--persist-to', where.persistTo];
  const execute = async (args: string[]) => {
    const result = await runWrangler(
      ['d1', 'execute', 'DB', '--config', viewerConfigPath, ...location, '--yes', ...args],
      dirname(viewerConfigPath),
    );
    if (result.status !== 0)
      throw new Error(`wrangler d1 execute failed:\n${result.output.slice(-2000)}`);
    return result.stdout;
  };
  const query = async <T>(sql: string): Promise<T[]> => {
    const stdout = await execute(['--json', '--command', sql.replace(/\s+/g, ' ')]);
    const json = stdout.slice(stdout.indexOf('['));
    return (JSON.parse(json) as { results?: T[] }[]).flatMap(
      (statement) => statement.results ?? [],
    );
  };
  return {
    query,
    async existingIds(ids) {
      const found = new Set<string>();
      for (let start = 0; start < ids.length; start += 500) {
        const list = ids
          .slice(start, start + 500)
          .map(sqlLiteral)
          .join(', ');
        for (const row of await query<{ id: string }>(
          `SELECT id FROM media WHERE id IN (${list})`,
        )) {
          found.add(row.id);
        }
      }
      return found;
    },
    async execute(sql) {
      const dir = await mkdtemp(join(tmpdir(), 'gallery-rows-'));
      try {
        const file = join(dir, 'rows.sql');
        await writeFile(file, sql);
        await execute(['--file', file]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
