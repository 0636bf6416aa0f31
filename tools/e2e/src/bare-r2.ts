import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stateDir } from '@edge-gallery/stack';

// `bare-r2/`, the bench's memory baseline: `wrangler dev` of a worker that only answers
// `new Response((await env.MEDIA.get(key)).body)`, over the stack's local state, on a port
// of its own. Started after the stack is up (two workerd opening .state at the same moment
// can meet SQLITE_BUSY), in a process group of its own so that a stop leaves no workerd.

export const BARE_R2_PORT = 8797;
const READY_TIMEOUT_MS = 60_000;

export type BareR2 = { url: string; stop(): Promise<void> };

export async function startBareR2(logFile: string): Promise<BareR2> {
  const wrangler = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin',
    'wrangler.js',
  );
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      wrangler,
      'dev',
      '--port',
      String(BARE_R2_PORT),
      '--inspector-port',
      String(BARE_R2_PORT + 600),
      '--persist-to',
      stateDir,
    ],
    {
      cwd: join(import.meta.dirname, '..', 'bare-r2'),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (child.pid !== undefined && !exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {}
      }, 10_000);
      await gone;
      clearTimeout(timer);
    }
    // The group's workerd may outlive wrangler's node by a moment.
    for (let i = 0; i < 50 && child.pid !== undefined; i++) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        break;
      }
      await delay(100);
    }
    log.end();
  };
  const url = `http://localhost:${BARE_R2_PORT}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(3000) });
      await response.body?.cancel();
      return { url, stop };
    } catch {}
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`the bare R2 worker did not come up (see ${logFile})`);
    }
    await delay(500);
  }
}
