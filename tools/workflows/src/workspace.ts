import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A workspace package as a deploy trigger sees it: where it lives and what it ships with. */
export type WorkspacePackage = {
  name: string;
  /** Repository-relative, with forward slashes: `workers/viewer`. */
  dir: string;
  /** Runtime `dependencies` only: devDependencies never end up in a deployed bundle. */
  dependencies: readonly string[];
};

export type Workspace = ReadonlyMap<string, WorkspacePackage>;

/** Every package of pnpm-workspace.yaml (`group/*` patterns, as this repo uses). */
export function readWorkspace(root: string): Workspace {
  const manifest = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages: string[];
  };
  const workspace = new Map<string, WorkspacePackage>();
  for (const pattern of manifest.packages) {
    const group = /^([\w.-]+)\/\*$/.exec(pattern)?.[1];
    if (!group) throw new Error(`unsupported pnpm-workspace.yaml pattern: ${pattern}`);
    if (!existsSync(join(root, group))) continue;
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      workspace.set(pkg.name, {
        name: pkg.name,
        dir: `${group}/${name}`,
        dependencies: Object.keys(pkg.dependencies ?? {}),
      });
    }
  }
  return workspace;
}

/** The workspace packages bundled into `name`: its runtime dependencies, transitively. */
export function shippedWorkspacePackages(workspace: Workspace, name: string): WorkspacePackage[] {
  const seen = new Map<string, WorkspacePackage>();
  const visit = (current: string) => {
    for (const dependency of workspace.get(current)?.dependencies ?? []) {
      const pkg = workspace.get(dependency);
      if (!pkg || pkg.name === name || seen.has(pkg.name)) continue;
      seen.set(pkg.name, pkg);
      visit(pkg.name);
    }
  };
  if (!workspace.has(name)) throw new Error(`no workspace package named ${name}`);
  visit(name);
  return [...seen.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}

/**
 * The `on.push.paths` a deploy workflow of `name` needs: the package, every workspace package
 * it ships with, the lockfile (a catalog bump changes a bundle without touching a package
 * folder) and the workflow itself.
 */
export function deployTriggerPaths(
  workspace: Workspace,
  name: string,
  workflowFile: string,
): string[] {
  const own = workspace.get(name);
  if (!own) throw new Error(`no workspace package named ${name}`);
  return [
    `${own.dir}/**`,
    ...shippedWorkspacePackages(workspace, name).map((pkg) => `${pkg.dir}/**`),
    'pnpm-lock.yaml',
    workflowFile,
  ];
}
