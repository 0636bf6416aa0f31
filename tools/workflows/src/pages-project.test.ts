import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWrangler } from '@edge-gallery/stack';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineEnv } from './offline-env.ts';
import { pagesEnvironments, pagesProject, repositoryRoot, viewerWorker } from './repository.ts';
import { readWorkflows } from './workflow-files.ts';
import { readWranglerConfig } from './wrangler.ts';

// The Pages project's dry run: its Function compiles as `wrangler pages deploy` would compile
// it, offline, and every environment binds the viewer of that same environment.

const projectDir = join(repositoryRoot, pagesProject);
const scratch = mkdtempSync(join(tmpdir(), 'edge-gallery-pages-'));
const offline = offlineEnv(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the Pages project, offline', () => {
  it('compiles its Function (wrangler pages functions build)', { timeout: 120_000 }, async () => {
    const outdir = join(scratch, 'functions');
    const result = await runWrangler(
      ['pages', 'functions', 'build', '--outdir', outdir],
      projectDir,
      { env: offline, inherit: false, timeoutMs: 100_000 },
    );
    expect(result.timedOut, 'wrangler did not finish in time').toBe(false);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const bundle = readFileSync(join(outdir, 'index.js'), 'utf8');
    // The Function is in it, with its answer for a viewer that is not there.
    expect(bundle).toContain('viewer-unavailable');
  });

  for (const { deploy, pages, viewer } of pagesEnvironments) {
    it(`binds VIEWER to the ${deploy} viewer (Pages environment "${pages || 'top level'}")`, () => {
      const config = readWranglerConfig(projectDir, pages);
      expect(config.pages_build_output_dir).toBe(join(projectDir, 'dist'));
      const viewerName = readWranglerConfig(join(repositoryRoot, viewerWorker), viewer).name;
      expect(config.services).toEqual([{ binding: 'VIEWER', service: viewerName }]);
    });
  }

  it('keeps static assets off the Function: the build ships _routes.json and _headers', () => {
    expect(existsSync(join(projectDir, 'public', '_routes.json'))).toBe(true);
    const vite = readFileSync(join(projectDir, 'vite.config.ts'), 'utf8');
    expect(vite).toContain('pagesHeaders(');
  });

  it('deploys when anything the project ships changes (Function, config, page)', () => {
    const workflow = readWorkflows(repositoryRoot).find(
      (file) => file.path === '.github/workflows/deploy-gallery.yml',
    );
    const paths = workflow?.data.on.push?.paths ?? [];
    const covered = (file: string) =>
      paths.some((path) =>
        path.endsWith('/**') ? file.startsWith(path.slice(0, -2)) : file === path,
      );
    for (const file of [
      `${pagesProject}/functions/[[path]].ts`,
      `${pagesProject}/proxy/viewer-proxy.ts`,
      `${pagesProject}/wrangler.jsonc`,
      `${pagesProject}/public/_routes.json`,
      `${pagesProject}/src/main.ts`,
    ]) {
      expect(existsSync(join(repositoryRoot, file)), file).toBe(true);
      expect(covered(file), file).toBe(true);
    }
  });
});
