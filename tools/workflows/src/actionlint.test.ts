import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatLint, lintCompositeAction, lintWorkflow } from './actionlint.ts';
import { repositoryRoot } from './repository.ts';
import { readCompositeActions, readWorkflows } from './workflow-files.ts';

describe('actionlint', () => {
  it('catches what a workflow linter must (so a clean result means something)', async () => {
    const broken = readFileSync(new URL('./fixtures/broken-workflow.yml', import.meta.url), 'utf8');
    const lines = (await lintWorkflow(broken, 'broken.yml')).map((result) => result.line);
    expect([...new Set(lines)].sort()).toEqual([10, 11, 12, 13]);
  });

  for (const workflow of readWorkflows(repositoryRoot)) {
    it(`passes ${workflow.path}`, async () => {
      const results = await lintWorkflow(workflow.text, workflow.path);
      expect(results, formatLint(workflow.path, results)).toEqual([]);
    });
  }

  for (const action of readCompositeActions(repositoryRoot)) {
    it(`passes the steps of ${action.path}`, async () => {
      const results = await lintCompositeAction(action.data, action.path);
      expect(results, formatLint(action.path, results)).toEqual([]);
      expect(action.data.runs.using).toBe('composite');
      for (const step of action.data.runs.steps) {
        // A composite action's run steps have no default shell.
        if (step.run) expect(step.shell, step.name).toBeDefined();
      }
    });
  }
});
