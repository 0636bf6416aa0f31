#!/usr/bin/env node
// `pnpm stack:reset`: deletes the local R2/KV/D1 state (.state), so the next start
// migrates and seeds from scratch. `--secrets` also deletes the generated .dev.vars
// files (new password, new keys). Refuses while the stack is running.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { devVarsDirs, repoRoot, services, stateDir } from './layout.ts';
import { portInUse } from './processes.ts';

const running = [];
for (const service of Object.values(services)) {
  if (await portInUse(service.port)) running.push(`${service.name} (:${service.port})`);
}
if (running.length > 0) {
  console.error(`The stack is running (${running.join(', ')}): stop it first (Ctrl-C).`);
  process.exit(1);
}

rmSync(stateDir, { recursive: true, force: true });
console.log(`deleted ${stateDir}`);
if (process.argv.includes('--secrets')) {
  for (const dir of devVarsDirs) {
    const file = join(repoRoot, dir, '.dev.vars');
    if (existsSync(file)) {
      rmSync(file);
      console.log(`deleted ${file}`);
    }
  }
}
console.log('The next `npm start` seeds the demo again.');
