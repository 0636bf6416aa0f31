#!/usr/bin/env node
// The README's two commands land here: `npm start` and `npm test`.
//
// This runs on whatever Node the machine has (Node 20 is enough) and only spawns.
// It fetches pnpm through npx (pinned by `packageManager`), installs the workspace
// when the lockfile or a manifest changed since the last install, and then hands
// over to a pnpm script. Every pnpm script runs on the Node 22 that the root
// devDependency `node` places in node_modules/.bin, which wrangler needs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stampFile = join(root, 'node_modules', '.edge-gallery-install');

const commands = {
  start: ['run', 'stack'],
  test: ['run', 'test:all'],
};

const command = process.argv[2];
if (!(command in commands)) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}

function pnpm(args) {
  const result = spawnSync('npx', ['--yes', packageManager, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** What an install depends on: the lockfile and every manifest in the workspace. */
function installInputs() {
  const hash = createHash('sha256');
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  for (const group of ['packages', 'workers', 'pages', 'tools']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) files.push(join(group, name, 'package.json'));
  }
  for (const file of files) {
    const path = join(root, file);
    hash.update(file).update(existsSync(path) ? readFileSync(path) : '');
  }
  return hash.digest('hex');
}

const inputs = installInputs();
const installed = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === inputs;
if (!installed) {
  const status = pnpm(['install', ...(process.env.CI ? ['--frozen-lockfile'] : [])]);
  if (status !== 0) process.exit(status);
  writeFileSync(stampFile, installInputs());
}

// Extra arguments go on to the script: `npm test -- --filter=...` (CI checks affected packages).
process.exit(pnpm([...commands[command], ...process.argv.slice(3)]));
