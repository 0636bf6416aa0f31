import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, type ServingWrangler, serveWrangler } from '@edge-gallery/stack';

// `wrangler pages dev` over the built SPA: the Pages project as Cloudflare runs it (static
// assets with _headers and _routes.json, the Pages Function, its VIEWER service binding to the
// viewer the local stack runs, found through wrangler's dev registry). Ports 8790 and up: clear
// of the stack's 8787–8789 and 5173, inspector at the port + 600 as the stack's workers.

export const galleryDir = join(repoRoot, 'pages/gallery');

export type PagesDev = ServingWrangler;

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
  // Its own local state: two of these starting at once on the default .wrangler/state raced
  // on workerd's SQLite files (`SQLITE_BUSY`), and the Pages project keeps nothing worth reusing.
  const state = mkdtempSync(join(tmpdir(), `edge-gallery-pages-${port}-`));
  const removeState = () => rmSync(state, { recursive: true, force: true });
  try {
    const pages = await serveWrangler(
      [
        ...['pages', 'dev', '--port', String(port), '--inspector-port', String(port + 600)],
        ...['--ip', '127.0.0.1', '--log-level', 'warn', '--persist-to', state, ...args],
      ],
      galleryDir,
      { url: `http://127.0.0.1:${port}`, ok: true },
    );
    return { ...pages, stop: () => pages.stop().finally(removeState) };
  } catch (error) {
    removeState();
    throw error;
  }
}
