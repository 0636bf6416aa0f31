import { join } from 'node:path';
import { type ServingWrangler, serveWrangler, stateDir } from '@edge-gallery/stack';

// `bare-r2/`, the bench's memory baseline: `wrangler dev` of a worker that only answers
// `new Response((await env.MEDIA.get(key)).body)`, over the stack's local state, on a port
// of its own. Started after the stack is up (two workerd opening .state at the same moment
// can meet SQLITE_BUSY).

export const BARE_R2_PORT = 8797;

export type BareR2 = ServingWrangler;

export function startBareR2(logFile: string): Promise<BareR2> {
  return serveWrangler(
    [
      'dev',
      ...['--port', String(BARE_R2_PORT), '--inspector-port', String(BARE_R2_PORT + 600)],
      ...['--persist-to', stateDir],
    ],
    join(import.meta.dirname, '..', 'bare-r2'),
    { url: `http://localhost:${BARE_R2_PORT}`, logFile, readyTimeoutMs: 60_000 },
  );
}
