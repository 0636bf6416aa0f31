import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeholdersIn, variableFor } from './placeholders.ts';
import { deployWorkflows, repositoryRoot } from './repository.ts';
import { readWorkflows, type Step, stepsOf, type Workflow } from './workflow-files.ts';
import { readWranglerConfig } from './wrangler.ts';

const workflows = new Map(readWorkflows(repositoryRoot).map((file) => [file.path, file.data]));

function workflow(file: string): Workflow {
  const found = workflows.get(file);
  if (!found) throw new Error(`${file} is missing`);
  return found;
}

function stepsRunning(file: string, command: RegExp): Step[] {
  return stepsOf(workflow(file))
    .map(({ step }) => step)
    .filter((step) => command.test(step.run ?? ''));
}

function indexOfStep(file: string, command: RegExp): number {
  return stepsOf(workflow(file)).findIndex(({ step }) => command.test(step.run ?? ''));
}

const credential = /TOKEN|SECRET|PASSWORD|ACCOUNT_ID|ACCESS_KEY/;

/** A GitHub Actions expression as written in a workflow: `${{ <expression> }}`. */
const expression = (inside: string) => `\${{ ${inside} }}`;

/**
 * The GitHub secret a worker secret comes from: its own name, but for the viewer's R2 key
 * pair, which may write (uploads) where the video worker's may only read — two tokens, so
 * the environment holds both under different names.
 */
const githubSecretOf = (workerDir: string, name: string) =>
  workerDir === 'workers/viewer' && name.startsWith('R2_') ? `VIEWER_${name}` : name;

describe.each(Object.entries(deployWorkflows))('%s', (file, packageName) => {
  const jobs = Object.values(workflow(file).jobs);

  it('deploys to a GitHub environment, never two runs of one environment at once', () => {
    for (const job of jobs) {
      expect(job.environment).toBe(expression('matrix.environment'));
      expect(job.concurrency).toMatchObject({
        group: expect.stringContaining(expression('matrix.environment')),
        'cancel-in-progress': false,
      });
      expect(job.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
    }
  });

  it('takes credentials and worker secrets from GitHub secrets only, and only where used', () => {
    for (const job of jobs) {
      // Job-wide variables reach every step, the test run's dependencies included.
      expect(JSON.stringify(job.env ?? {})).not.toContain('secrets.');
      for (const step of job.steps ?? []) {
        for (const [name, value] of Object.entries(step.env ?? {})) {
          if (credential.test(name))
            expect(value, name).toMatch(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/);
        }
      }
    }
  });

  it(`checks ${packageName} and what it bundles before anything is deployed`, () => {
    const check = indexOfStep(file, new RegExp(`^npm test -- --filter=${packageName}\\.\\.\\.$`));
    const firstWrangler = indexOfStep(file, /wrangler /);
    expect(check).toBeGreaterThanOrEqual(0);
    expect(check).toBeLessThan(firstWrangler);
  });
});

describe.each([
  ['workers/viewer', '.github/workflows/deploy-viewer.yml'],
  ['workers/video-streaming', '.github/workflows/deploy-video-streaming.yml'],
])('%s deploys', (workerDir, file) => {
  const dir = join(repositoryRoot, workerDir);

  it("fill every resource id placeholder of staging and production from the environment's variables", () => {
    const [fill, ...others] = stepsRunning(file, new RegExp(`cli\\.ts fill-ids ${workerDir} `));
    expect(others).toEqual([]);
    for (const environment of ['staging', 'production']) {
      for (const name of placeholdersIn(readWranglerConfig(dir, environment))) {
        expect(fill?.env, `${name} in ${environment}`).toHaveProperty(
          variableFor(name, environment),
        );
      }
    }
  });

  it("upload every secret the worker requires from the environment's secrets", () => {
    const [collect] = stepsRunning(file, new RegExp(`cli\\.ts secrets-file ${workerDir} `));
    for (const environment of ['staging', 'production']) {
      for (const name of readWranglerConfig(dir, environment).secrets?.required ?? []) {
        expect(collect?.env?.[name], name).toBe(
          expression(`secrets.${githubSecretOf(workerDir, name)}`),
        );
      }
    }
    for (const step of stepsRunning(file, /wrangler (deploy|versions upload)\b/)) {
      expect(step.run).toContain('--secrets-file');
    }
  });
});

describe('the viewer deploy', () => {
  const file = '.github/workflows/deploy-viewer.yml';

  it('applies D1 migrations to the environment before the new code goes live', () => {
    const migrate = indexOfStep(
      file,
      /wrangler d1 migrations apply DB --remote --env "\$DEPLOY_ENV"/,
    );
    const deploy = indexOfStep(file, /wrangler deploy /);
    expect(migrate).toBeGreaterThanOrEqual(0);
    expect(migrate).toBeLessThan(deploy);
  });
});

describe('the video worker deploy', () => {
  const file = '.github/workflows/deploy-video-streaming.yml';

  it('offers rollout, promote and rollback by hand, with a percentage', () => {
    const inputs = workflow(file).on.workflow_dispatch?.inputs;
    expect(inputs?.action?.options).toEqual(['rollout', 'promote', 'rollback']);
    expect(inputs).toHaveProperty('percentage');
    expect(inputs?.environment?.options).toEqual(['staging', 'production']);
  });

  it('uploads a version and splits traffic with Workers gradual deployments', () => {
    expect(stepsRunning(file, /wrangler versions upload /)).toHaveLength(1);
    const [split] = stepsRunning(file, /wrangler versions deploy /);
    expect(split?.run).toMatch(
      /wrangler versions deploy "\$\{specs\[@\]\}" --yes --env "\$DEPLOY_ENV"/,
    );
    expect(stepsRunning(file, /wrangler rollback --yes --env "\$DEPLOY_ENV"/)).toHaveLength(1);
  });

  it('deploys a version whole only when there is nothing to split with yet', () => {
    const whole = stepsRunning(file, /wrangler deploy /);
    expect(whole).toHaveLength(1);
    expect(whole[0]?.if).toContain("steps.current.outputs.deployed == 'false'");
  });
});

describe('the gallery deploy', () => {
  const file = '.github/workflows/deploy-gallery.yml';

  it("builds the SPA with the environment's video worker, and no viewer URL", () => {
    const [build] = stepsRunning(file, /--filter @edge-gallery\/gallery run build/);
    expect(build?.env).toMatchObject({ VIDEO_API_BASE: expression('vars.VIDEO_API_BASE') });
    // The page reaches the viewer on its own origin, through the Pages Function.
    expect(JSON.stringify(workflow(file))).not.toContain('VIEWER_API_BASE');
  });

  it('compiles the Pages Function, then deploys page and Function from the project folder', () => {
    const compile = indexOfStep(file, /wrangler pages functions build /);
    const deployAt = indexOfStep(file, /wrangler pages deploy /);
    expect(compile).toBeGreaterThan(-1);
    expect(deployAt).toBeGreaterThan(compile);
    const [deploy] = stepsRunning(file, /wrangler pages deploy /);
    // functions/ and wrangler.jsonc (the VIEWER binding) are read from the working directory.
    expect(deploy?.['working-directory']).toBe('pages/gallery');
    expect(deploy?.run).toMatch(/--project-name "\$PAGES_PROJECT_NAME" --branch "\$PAGES_BRANCH"/);
  });
});

describe('docs/deploy.md, followed to the letter', () => {
  const guide = readFileSync(join(repositoryRoot, 'docs/deploy.md'), 'utf8');
  const read = (kind: 'secrets' | 'vars') =>
    new Set(
      Object.keys(deployWorkflows).flatMap((file) =>
        [...JSON.stringify(workflow(file)).matchAll(new RegExp(`${kind}\\.([A-Z0-9_]+)`, 'g'))].map(
          ([, name]) => name,
        ),
      ),
    );

  it('sets every GitHub secret a deploy reads (the very first deploy needs them all)', () => {
    for (const name of read('secrets'))
      expect(guide, `gh secret set ${name}`).toMatch(new RegExp(`gh secret set ${name} `));
  });

  it('names every GitHub variable a deploy reads', () => {
    for (const name of read('vars')) expect(guide, name).toContain(name);
  });
});
