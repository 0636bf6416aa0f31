import type { Workflow } from './workflow-files.ts';
import { deployTriggerPaths, type Workspace } from './workspace.ts';

/**
 * Paths a deploy workflow's push trigger is missing: a change there would ship in the next
 * bundle of `packageName` without deploying it. Patterns are compared as written, so the
 * workflow lists each folder the way `deployTriggerPaths` spells it.
 */
export function missingTriggerPaths(
  workflow: Workflow,
  workflowFile: string,
  workspace: Workspace,
  packageName: string,
): string[] {
  const listed = new Set(workflow.on.push?.paths ?? []);
  return deployTriggerPaths(workspace, packageName, workflowFile).filter(
    (path) => !listed.has(path),
  );
}
