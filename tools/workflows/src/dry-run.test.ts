import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWrangler } from '@edge-gallery/stack';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineEnv } from './offline-env.ts';
import { environments, repositoryRoot, workers } from './repository.ts';

// wrangler needs Node >= 22; the workspace's `node` devDependency provides it to pnpm scripts.
const nodeMajor = Number(process.versions.node.split('.')[0]);

// No account, no login, no network: the placeholder ids of staging and production are never
// sent anywhere.
const scratch = mkdtempSync(join(tmpdir(), 'edge-gallery-dry-run-'));
const offline = offlineEnv(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('wrangler deploy --dry-run, offline', () => {
  it('runs on Node 22 or newer', () => {
    expect(nodeMajor).toBeGreaterThanOrEqual(22);
  });

  for (const worker of workers) {
    for (const environment of environments) {
      it(`bundles ${worker} for ${environment || 'local'}`, { timeout: 180_000 }, async () => {
        const outdir = join(scratch, worker, environment || 'local');
        const result = await runWrangler(
          ['deploy', '--dry-run', '--outdir', outdir, `--env=${environment}`],
          join(repositoryRoot, worker),
          { env: offline, inherit: false, timeoutMs: 150_000 },
        );
        expect(result.timedOut, 'wrangler did not finish in time').toBe(false);
        expect(result.status, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toContain('--dry-run: exiting now.');
        expect(existsSync(join(outdir, 'index.js'))).toBe(true);
      });
    }
  }
});
