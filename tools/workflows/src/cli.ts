// The deploy workflows' helpers, run from the repository root on the workspace's Node 22:
//   pnpm exec node tools/workflows/src/cli.ts fill-ids <worker dir> <environment>
//   pnpm exec node tools/workflows/src/cli.ts secrets-file <worker dir> <environment> <out file>
//   pnpm exec node tools/workflows/src/cli.ts rollout-plan <worker dir> <environment>
//     --action rollout|promote --percentage <1-100> [--new-version <version id>]
// Values come from the environment the workflow step sets; results go to $GITHUB_OUTPUT.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fillPlaceholders, placeholdersIn } from './placeholders.ts';
import { parsePercentage, planRollout } from './rollout.ts';
import { secretsFor } from './secrets.ts';
import { currentDeployment, readWranglerConfig } from './wrangler.ts';

class UsageError extends Error {}

function output(values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) {
    console.log(`${key}=${value}`);
    if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `${key}=${value}\n`);
  }
}

function stepSummary(markdown: string): void {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
}

function fillIds(workerDir: string, environment: string): void {
  const placeholders = placeholdersIn(readWranglerConfig(workerDir, environment));
  if (placeholders.length === 0) {
    console.log(`${workerDir}: no placeholders in the ${environment} environment`);
    return;
  }
  const file = join(workerDir, 'wrangler.jsonc');
  const filled = fillPlaceholders(
    readFileSync(file, 'utf8'),
    placeholders,
    environment,
    process.env,
  );
  if (filled.invalid.length > 0) {
    throw new UsageError(`not a plain id: ${filled.invalid.join(', ')}`);
  }
  if (filled.missing.length > 0) {
    throw new UsageError(
      `set the variable(s) ${filled.missing.join(', ')} of the GitHub environment ` +
        `"${environment}" (or commit the ids in ${file}); see docs/deploy.md`,
    );
  }
  writeFileSync(file, filled.text);
  const left = placeholdersIn(readWranglerConfig(workerDir, environment));
  if (left.length > 0) throw new UsageError(`placeholders left in ${file}: ${left.join(', ')}`);
  console.log(`${workerDir}: filled ${placeholders.join(', ')} for ${environment}`);
}

function writeSecretsFile(workerDir: string, environment: string, outFile: string): void {
  const required = readWranglerConfig(workerDir, environment).secrets?.required ?? [];
  const { values, inherited } = secretsFor(required, process.env);
  writeFileSync(outFile, JSON.stringify(values), { mode: 0o600 });
  console.log(`${workerDir} (${environment}): uploading ${Object.keys(values).join(', ') || '-'}`);
  if (inherited.length > 0) {
    console.log(`kept from the deployed version: ${inherited.join(', ')}`);
  }
}

async function rolloutPlan(workerDir: string, environment: string, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      action: { type: 'string' },
      percentage: { type: 'string' },
      'new-version': { type: 'string' },
    },
  });
  const action = values.action;
  if (action !== 'rollout' && action !== 'promote') {
    throw new UsageError('--action must be rollout or promote');
  }
  const percentage = parsePercentage(values.percentage ?? '');
  if (percentage === undefined) {
    throw new UsageError(
      `--percentage must be a whole number from 1 to 100, not "${values.percentage}"`,
    );
  }

  const current = await currentDeployment(workerDir, environment);
  output({ deployed: String(current !== undefined) });
  for (const version of current ?? []) {
    console.log(`now: ${version.id} ${version.percentage}% (created ${version.createdOn})`);
  }
  // Without the uploaded version a rollout only asks whether there is a deployment to split.
  if (action === 'rollout' && !values['new-version']) return;

  const newVersion = values['new-version'] ?? '';
  const plan = planRollout(
    current ?? [],
    action === 'rollout' ? { action, percentage, newVersion } : { action, percentage },
  );
  if (!plan.ok) throw new UsageError(plan.summary);
  console.log(plan.summary);
  stepSummary(`### video worker, ${environment}: ${action}\n\n${plan.summary}\n\n`);
  output({ specs: plan.specs.join(' ') });
}

async function main(argv: string[]): Promise<void> {
  const [command, workerDir, environment, ...rest] = argv;
  if (!workerDir || !environment) throw new UsageError('usage: see the top of cli.ts');
  const dir = resolve(workerDir);
  if (command === 'fill-ids') fillIds(dir, environment);
  else if (command === 'secrets-file' && rest[0]) writeSecretsFile(dir, environment, rest[0]);
  else if (command === 'rollout-plan') await rolloutPlan(dir, environment, rest);
  else throw new UsageError(`unknown command: ${argv.join(' ')}`);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof UsageError ? `error: ${error.message}` : error);
  process.exitCode = 1;
}
