import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { repoRoot, services } from './layout.ts';
import { faultSwitchArgs } from './processes.ts';

// The local fault switch (packages/http fault-switch.ts) can never reach a deployment: the
// deployed entry of each worker never imports it, no config sets the variable that arms it,
// and the stack passes that variable only when the bench asks.

const FAULT_SWITCH = join(repoRoot, 'packages/http/src/fault-switch.ts');

/** Every file `entry` imports, transitively (relative and workspace imports). */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const target = resolveImport(file, specifier!);
      if (target !== undefined) visit(target);
    }
  };
  visit(entry);
  return seen;
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    const file = resolve(dirname(from), specifier);
    return existsSync(file) ? file : undefined;
  }
  const workspace = /^@edge-gallery\/([^/]+)(\/.+)?$/.exec(specifier);
  if (workspace === null) return undefined;
  const [, name, subpath] = workspace;
  const dir = ['http', 'r2-signer'].includes(name!)
    ? join(repoRoot, 'packages', name!)
    : join(repoRoot, 'tools', name!);
  const { exports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | object>;
  };
  const target = exports[`.${subpath ?? ''}`];
  return typeof target === 'string' ? join(dir, target) : undefined;
}

describe.each([services.viewer, services.video])('the local fault switch: $name', (service) => {
  const dir = join(repoRoot, service.dir);
  const config = unstable_readConfig({ config: join(dir, 'wrangler.jsonc') });

  it('is not in the deployed entry: src/index.ts never imports it', () => {
    expect(config.main).toBe(join(dir, 'src/index.ts'));
    const graph = moduleGraph(join(dir, 'src/index.ts'));
    expect(graph.size).toBeGreaterThan(10);
    expect(graph).not.toContain(FAULT_SWITCH);
  });

  it.each(['staging', 'production'])('is not in the %s entry either', (env) => {
    const deployed = unstable_readConfig({ config: join(dir, 'wrangler.jsonc'), env });
    expect(deployed.main).toBe(join(dir, 'src/index.ts'));
    expect(Object.keys(deployed.vars)).not.toContain('LOCAL_FAULT_SWITCH');
  });

  it('is in the local entry that wrangler dev runs (the check above would see it)', () => {
    const { scripts } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(scripts.dev).toMatch(/^wrangler dev src\/local\.ts /);
    expect(moduleGraph(join(dir, 'src/local.ts'))).toContain(FAULT_SWITCH);
  });

  it('is armed by no config: not in vars, not in .dev.vars.example', () => {
    expect(Object.keys(config.vars)).not.toContain('LOCAL_FAULT_SWITCH');
    expect(readFileSync(join(dir, '.dev.vars.example'), 'utf8')).not.toContain(
      'LOCAL_FAULT_SWITCH',
    );
  });
});

describe('the stack arms the fault switch', () => {
  const dev = 'wrangler dev src/local.ts --port 8788';
  it('only when started with STACK_FAULT_SWITCH=on, and only for wrangler dev', () => {
    expect(faultSwitchArgs(dev, { STACK_FAULT_SWITCH: 'on' })).toEqual([
      '--var',
      'LOCAL_FAULT_SWITCH:on',
    ]);
    for (const value of [undefined, '', '1', 'true', 'ON']) {
      expect(faultSwitchArgs(dev, { STACK_FAULT_SWITCH: value })).toEqual([]);
    }
    expect(faultSwitchArgs('vite --port 5173', { STACK_FAULT_SWITCH: 'on' })).toEqual([]);
  });
});
