// Builds src/download-sw.ts (with client-zip) into one classic script at /download-sw.js:
// a service worker must live at a fixed URL, and a classic script runs in every browser
// that has service workers (module workers came later to some). Served by the dev server,
// emitted by `vite build`, and counted by the bundle budget.
import { join } from 'node:path';
import { build, type Plugin } from 'vite';
import { DOWNLOAD_WORKER_URL } from '../src/download-protocol.ts';

async function bundleWorker(root: string, minify: boolean): Promise<string> {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: {
      write: false,
      minify,
      target: 'es2022',
      emptyOutDir: false,
      lib: {
        entry: join(root, 'src/download-sw.ts'),
        formats: ['iife'],
        name: 'downloadWorker',
        fileName: () => 'download-sw.js',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((file) => file.type === 'chunk');
    if (chunk && chunk.type === 'chunk') return chunk.code;
  }
  throw new Error('download-sw.ts built to nothing');
}

export function downloadWorker(): Plugin {
  let root = process.cwd();
  return {
    name: 'edge-gallery:download-worker',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (request.url?.split('?')[0] !== DOWNLOAD_WORKER_URL) return next();
        bundleWorker(root, false).then(
          (code) => {
            response.setHeader('content-type', 'text/javascript');
            response.setHeader('cache-control', 'no-cache');
            response.end(code);
          },
          (error) => next(error),
        );
      });
    },
    async generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: DOWNLOAD_WORKER_URL.slice(1),
        source: await bundleWorker(root, true),
      });
    },
  };
}
