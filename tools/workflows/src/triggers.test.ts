import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployWorkflows, repositoryRoot } from './repository.ts';
import { missingTriggerPaths } from './triggers.ts';
import { readWorkflows, workflowsDir } from './workflow-files.ts';
import { readWorkspace } from './workspace.ts';

const workspace = readWorkspace(repositoryRoot);
const workflows = new Map(readWorkflows(repositoryRoot).map((file) => [file.path, file.data]));

describe('deploy workflow triggers', () => {
  it('exist for every deploy workflow, and every deploy workflow ships a known package', () => {
    const deployFiles = readdirSync(join(repositoryRoot, workflowsDir))
      .filter((name) => name.startsWith('deploy-'))
      .map((name) => `${workflowsDir}/${name}`);
    expect(deployFiles.sort()).toEqual(Object.keys(deployWorkflows).sort());
    for (const name of Object.values(deployWorkflows)) expect(workspace.has(name)).toBe(true);
  });

  for (const [file, packageName] of Object.entries(deployWorkflows)) {
    describe(file, () => {
      const workflow = workflows.get(file);

      it(`runs on pushes to main and by hand`, () => {
        expect(workflow?.on.push?.branches).toEqual(['main']);
        expect(workflow?.on).toHaveProperty('workflow_dispatch');
      });

      it(`lists ${packageName} and every workspace package it bundles`, () => {
        if (!workflow) throw new Error(`${file} is missing`);
        const missing = missingTriggerPaths(workflow, file, workspace, packageName);
        expect(missing, `add to on.push.paths of ${file}: ${missing.join(', ')}`).toEqual([]);
      });

      it('lists only paths that exist', () => {
        for (const path of workflow?.on.push?.paths ?? []) {
          expect(existsSync(join(repositoryRoot, path.replace(/\/\*\*$/, ''))), path).toBe(true);
        }
      });
    });
  }
});
