import { join } from 'node:path';
import {
  repoRoot,
  type ServingWrangler,
  serveWrangler,
  services,
  stateDir,
} from '@edge-gallery/stack';
import type { LoadKind } from './load-bench.ts';

// `bare-worker/`, the bench's memory baseline: `wrangler dev` of a worker that makes the
// gallery's binding calls (R2 reads, Cache API match and put) and, for a listing page, the
// viewer's whole work by the viewer's own functions without its app around them, over the
// stack's local state, on a port of its own. The mixed load starts one per worker of the
// stack it stands beside, so that each workerd's growth is compared with a bare one's doing
// the same work. Started after the stack is up, one after another (two workerd opening
// .state at the same moment can meet SQLITE_BUSY).

/** The first bare worker's port; the others follow. Inspector: the port + 600. */
export const BARE_PORT = 8797;

export type BareWorker = ServingWrangler & { port: number; inspectorPort: number };

export async function startBareWorker(
  role: string,
  port: number,
  logFile: string,
): Promise<BareWorker> {
  const inspectorPort = port + 600;
  // The viewer's twin runs under the viewer's own wrangler config (its bindings, vars and
  // compatibility date: the listing's S3 settings, KV), the bare script in place of its own.
  const viewer = role === services.viewer.name;
  const served = await serveWrangler(
    [
      'dev',
      ...(viewer
        ? ['index.ts', '--config', join(repoRoot, services.viewer.dir, 'wrangler.jsonc')]
        : []),
      ...['--name', `edge-gallery-bench-bare-${role}`],
      ...['--port', String(port), '--inspector-port', String(inspectorPort)],
      ...['--persist-to', stateDir],
      // The viewer's secrets: its sessions, cursors and presigned URLs as the viewer's.
      ...['--env-file', join(repoRoot, services.viewer.dir, '.dev.vars')],
    ],
    join(import.meta.dirname, '..', 'bare-worker'),
    { url: `http://localhost:${port}`, logFile, readyTimeoutMs: 60_000 },
  );
  return { ...served, port, inspectorPort };
}

/** The bare worker's path for an object read straight from R2 (`key` as stored). */
export function bareObjectPath(key: string): string {
  return `/r2/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The bare worker's path for a request of the mixed load: the same work on the same
 * objects and rows as the worker that answers it — a listing page as is (the viewer's own
 * functions answer it, with the same session cookie), a thumbnail's R2 read (its presigned
 * path, without bucket or signature), a playlist from memory (the video worker's template
 * memo), a segment through the Cache API (match; R2 and a put on a miss).
 */
export function barePath(kind: LoadKind, path: string): string {
  const url = new URL(path, 'http://bench');
  if (kind === 'listing') return `${url.pathname}${url.search}`;
  if (kind === 'thumbnail') return url.pathname.replace(/^\/[^/]+\//, '/r2/');
  const master = url.pathname === '/api/hls/playlist' ? url.searchParams.get('key') : null;
  const hlsPath =
    master !== null
      ? `/hls/${encodeURIComponent(master)}/master.m3u8`
      : url.pathname.replace(/^\/api\/hls\//, '/hls/');
  return `${kind === 'playlist' ? '/memo' : '/cached'}${hlsPath}`;
}
