import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { unstable_readConfig } from 'wrangler';
import type { DeployedVersion } from './rollout.ts';

/** A worker's wrangler.jsonc resolved for one environment (`''`: the top level, local dev). */
export function readWranglerConfig(workerDir: string, environment: string) {
  return unstable_readConfig(
    { config: join(workerDir, 'wrangler.jsonc'), ...(environment ? { env: environment } : {}) },
    { hideWarnings: true },
  );
}

/** The worker's own wrangler (its devDependency), run on the Node that runs this process. */
export function runWrangler(
  workerDir: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): SpawnSyncReturns<string> {
  const manifest = createRequire(join(workerDir, 'package.json')).resolve('wrangler/package.json');
  return spawnSync(process.execPath, [join(dirname(manifest), 'bin', 'wrangler.js'), ...args], {
    cwd: workerDir,
    encoding: 'utf8',
    env: { WRANGLER_SEND_METRICS: 'false', ...(options.env ?? process.env) },
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function wranglerJson(workerDir: string, args: readonly string[]): unknown {
  const result = runWrangler(workerDir, [...args, '--json']);
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// What `wrangler deployments status` says for a worker that was never deployed, or not created
// yet (Cloudflare API error 10007, "workers.api.error.script_not_found").
const neverDeployed = /has no deployments|\[code: 10007\]/;

/** The versions serving the environment now, or `undefined` when the worker was never deployed. */
export function currentDeployment(
  workerDir: string,
  environment: string,
): DeployedVersion[] | undefined {
  const status = runWrangler(workerDir, ['deployments', 'status', '--json', '--env', environment]);
  if (status.status !== 0) {
    if (neverDeployed.test(status.stdout + status.stderr)) return undefined;
    throw new Error(`wrangler deployments status failed:\n${status.stdout}${status.stderr}`);
  }
  const deployment = JSON.parse(status.stdout) as {
    versions: { version_id: string; percentage: number }[];
  };
  return deployment.versions.map(({ version_id, percentage }) => {
    const version = wranglerJson(workerDir, [
      'versions',
      'view',
      version_id,
      '--env',
      environment,
    ]) as { metadata: { created_on: string } };
    return { id: version_id, percentage, createdOn: version.metadata.created_on };
  });
}
