import { join } from 'node:path';
import { runWrangler } from '@edge-gallery/stack';
import { unstable_readConfig } from 'wrangler';
import type { DeployedVersion } from './rollout.ts';

/** A worker's wrangler.jsonc resolved for one environment (`''`: the top level, local dev). */
export function readWranglerConfig(workerDir: string, environment: string) {
  return unstable_readConfig(
    { config: join(workerDir, 'wrangler.jsonc'), ...(environment ? { env: environment } : {}) },
    { hideWarnings: true },
  );
}

async function wranglerJson(workerDir: string, args: readonly string[]): Promise<unknown> {
  const result = await runWrangler([...args, '--json'], workerDir);
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

// What `wrangler deployments status` says for a worker that was never deployed, or not created
// yet (Cloudflare API error 10007, "workers.api.error.script_not_found").
const neverDeployed = /has no deployments|\[code: 10007\]/;

/** The versions serving the environment now, or `undefined` when the worker was never deployed. */
export async function currentDeployment(
  workerDir: string,
  environment: string,
): Promise<DeployedVersion[] | undefined> {
  const status = await runWrangler(
    ['deployments', 'status', '--json', '--env', environment],
    workerDir,
  );
  if (status.status !== 0) {
    if (neverDeployed.test(status.stdout + status.stderr)) return undefined;
    throw new Error(`wrangler deployments status failed:\n${status.stdout}${status.stderr}`);
  }
  const deployment = JSON.parse(status.stdout) as {
    versions: { version_id: string; percentage: number }[];
  };
  const versions: DeployedVersion[] = [];
  for (const { version_id, percentage } of deployment.versions) {
    const version = (await wranglerJson(workerDir, [
      'versions',
      'view',
      version_id,
      '--env',
      environment,
    ])) as { metadata: { created_on: string } };
    versions.push({ id: version_id, percentage, createdOn: version.metadata.created_on });
  }
  return versions;
}
