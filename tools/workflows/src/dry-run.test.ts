import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environments, repositoryRoot, workers } from './repository.ts';
import { runWrangler } from './wrangler.ts';

// wrangler needs Node >= 22; the workspace's `node` devDependency provides it to pnpm scripts.
const nodeMajor = Number(process.versions.node.split('.')[0]);

// No account, no login, no network: an empty home (no saved wrangler login) and no Cloudflare
// credentials. The placeholder ids of staging and production are never sent anywhere.
const scratch = mkdtempSync(join(tmpdir(), 'edge-gallery-dry-run-'));
const offline: NodeJS.ProcessEnv = {
  PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
  HOME: scratch,
  XDG_CONFIG_HOME: join(scratch, 'config'),
  CI: 'true',
  WRANGLER_SEND_METRICS: 'false',
};
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('wrangler deploy --dry-run, offline', () => {
  it('runs on Node 22 or newer', () => {
    expect(nodeMajor).toBeGreaterThanOrEqual(22);
  });

  for (const worker of workers) {
    for (const environment of environments) {
      it(`bundles ${worker} for ${environment || 'local'}`, { timeout: 180_000 }, () => {
        const outdir = join(scratch, worker, environment || 'local');
        const result = runWrangler(
          join(repositoryRoot, worker),
          ['deploy', '--dry-run', '--outdir', outdir, `--env=${environment}`],
          { env: offline, timeoutMs: 150_000 },
        );
        expect(result.error, 'wrangler did not finish in time').toBeUndefined();
        expect(result.status, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toContain('--dry-run: exiting now.');
        expect(existsSync(join(outdir, 'index.js'))).toBe(true);
      });
    }
  }
});
