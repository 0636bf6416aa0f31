import { describe, expect, it } from 'vitest';
import { missingTriggerPaths } from './triggers.ts';
import type { Workflow } from './workflow-files.ts';
import {
  deployTriggerPaths,
  shippedWorkspacePackages,
  type Workspace,
  type WorkspacePackage,
} from './workspace.ts';

function workspaceOf(...packages: WorkspacePackage[]): Map<string, WorkspacePackage> {
  return new Map(packages.map((pkg) => [pkg.name, pkg]));
}

// A synthetic workspace: the worker bundles `signer`, which bundles `crypto`; `fixtures` is a
// devDependency and never listed here (only runtime dependencies are).
const graph = workspaceOf(
  { name: 'worker', dir: 'workers/worker', dependencies: ['signer', 'hono'] },
  { name: 'signer', dir: 'packages/signer', dependencies: ['crypto'] },
  { name: 'crypto', dir: 'packages/crypto', dependencies: [] },
  { name: 'unrelated', dir: 'packages/unrelated', dependencies: [] },
);

const workflowFile = '.github/workflows/deploy-worker.yml';
const workflowWith = (paths: string[]): Workflow => ({
  on: { push: { branches: ['main'], paths } },
  jobs: {},
});

describe('deploy triggers from the workspace graph', () => {
  it('follows runtime workspace dependencies transitively, ignoring registry packages', () => {
    expect(shippedWorkspacePackages(graph, 'worker').map((pkg) => pkg.name)).toEqual([
      'crypto',
      'signer',
    ]);
  });

  it('needs the package, what it ships with, the lockfile and the workflow itself', () => {
    expect(deployTriggerPaths(graph, 'worker', workflowFile)).toEqual([
      'workers/worker/**',
      'packages/crypto/**',
      'packages/signer/**',
      'pnpm-lock.yaml',
      workflowFile,
    ]);
  });

  it('accepts a workflow whose paths cover the graph', () => {
    const workflow = workflowWith(deployTriggerPaths(graph, 'worker', workflowFile));
    expect(missingTriggerPaths(workflow, workflowFile, graph, 'worker')).toEqual([]);
  });

  it('fails once the worker gains a dependency its trigger does not list', () => {
    const workflow = workflowWith(deployTriggerPaths(graph, 'worker', workflowFile));
    const grown: Workspace = workspaceOf(
      ...graph.values(),
      { name: 'worker', dir: 'workers/worker', dependencies: ['signer', 'hono', 'http'] },
      { name: 'http', dir: 'packages/http', dependencies: ['unrelated'] },
    );
    expect(missingTriggerPaths(workflow, workflowFile, grown, 'worker')).toEqual([
      'packages/http/**',
      'packages/unrelated/**',
    ]);
  });

  it('survives a dependency cycle without listing the package as its own dependency', () => {
    const cyclic = workspaceOf(
      { name: 'a', dir: 'packages/a', dependencies: ['b'] },
      { name: 'b', dir: 'packages/b', dependencies: ['a'] },
    );
    expect(shippedWorkspacePackages(cyclic, 'a').map((pkg) => pkg.name)).toEqual(['b']);
  });
});
