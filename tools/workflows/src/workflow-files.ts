import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type Step = {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
};

export type Job = {
  environment?: string | { name: string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, string>;
  strategy?: Record<string, unknown>;
  steps?: Step[];
};

export type Workflow = {
  name?: string;
  on: {
    push?: { branches?: string[]; paths?: string[] } | null;
    pull_request?: unknown;
    workflow_dispatch?: {
      inputs?: Record<string, { type?: string; options?: string[]; default?: unknown }>;
    } | null;
  };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
};

/** A workflow or composite action file as text (for the linter) and as data (for the specs). */
export type WorkflowFile<T> = { path: string; text: string; data: T };

export const workflowsDir = '.github/workflows';
export const actionsDir = '.github/actions';

function readYaml<T>(root: string, path: string): WorkflowFile<T> {
  const text = readFileSync(join(root, path), 'utf8');
  return { path, text, data: parse(text) as T };
}

export function readWorkflows(root: string): WorkflowFile<Workflow>[] {
  return readdirSync(join(root, workflowsDir))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => readYaml<Workflow>(root, `${workflowsDir}/${name}`));
}

export type CompositeAction = {
  name: string;
  description?: string;
  runs: { using: string; steps: (Step & { shell?: string })[] };
};

export function readCompositeActions(root: string): WorkflowFile<CompositeAction>[] {
  if (!existsSync(join(root, actionsDir))) return [];
  return readdirSync(join(root, actionsDir))
    .sort()
    .map((name) => `${actionsDir}/${name}/action.yml`)
    .filter((path) => existsSync(join(root, path)))
    .map((path) => readYaml<CompositeAction>(root, path));
}

/** Every step of every job, with the job it belongs to. */
export function stepsOf(workflow: Workflow): { job: Job; step: Step }[] {
  return Object.values(workflow.jobs).flatMap((job) =>
    (job.steps ?? []).map((step) => ({ job, step })),
  );
}
