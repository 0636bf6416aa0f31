import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from '@edge-gallery/stack';

// `wrangler pages dev` over the built SPA: the Pages project as Cloudflare runs it (static
// assets with _headers and _routes.json, the Pages Function, its VIEWER service binding to the
// viewer the local stack runs, found through wrangler's dev registry). Ports 8790 and up: clear
// of the stack's 8787–8789 and 5173, inspector at the port + 600 as the stack's workers.

export const galleryDir = join(repoRoot, 'pages/gallery');

export type PagesDev = { url: string; output: () => string; stop(): Promise<void> };

const READY_TIMEOUT_MS = 90_000;

function packageBin(dir: string, name: string, bin: string): string {
  const manifest = createRequire(join(dir, 'package.json')).resolve(`${name}/package.json`);
  return join(dirname(manifest), bin);
}

/** Builds the SPA into pages/gallery/dist with its local defaults (as `vite build`). */
export async function buildGallery(): Promise<void> {
  const vite = packageBin(galleryDir, 'vite', 'bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: galleryDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (status !== 0) throw new Error(`vite build failed (${status})`);
}

/** Starts `wrangler pages dev` on `port`; `args` add flags (e.g. another `--service`). */
export async function startPagesDev(port: number, args: readonly string[] = []): Promise<PagesDev> {
  const wrangler = packageBin(galleryDir, 'wrangler', 'bin/wrangler.js');
  // Its own local state: two of these starting at once on the default .wrangler/state raced
  // on workerd's SQLite files (`SQLITE_BUSY`), and the Pages project keeps nothing worth reusing.
  const state = mkdtempSync(join(tmpdir(), `edge-gallery-pages-${port}-`));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      wrangler,
      'pages',
      'dev',
      '--port',
      String(port),
      '--inspector-port',
      String(port + 600),
      '--ip',
      '127.0.0.1',
      '--log-level',
      'warn',
      '--persist-to',
      state,
      ...args,
    ],
    {
      cwd: galleryDir,
      // Its own process group: wrangler starts workerd and esbuild, and stop() reaches them all.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        NO_COLOR: '1',
      },
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {}
      }, 10_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(state, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(3000) });
      await response.body?.cancel();
      if (response.ok) break;
    } catch {}
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler pages dev did not come up on ${port}:\n${output.slice(-3000)}`);
    }
    await delay(300);
  }
  return { url, output: () => output, stop };
}
