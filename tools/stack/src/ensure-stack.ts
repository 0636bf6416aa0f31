import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot, services } from './layout.ts';

// The stack for the end-to-end run and the benches: reused when all four ports answer
// (a running `npm start`), else started (start.ts) and stopped after.

const STACK_TIMEOUT_MS = 300_000;
const all = [services.viewer, services.video, services.devS3, services.spa];

export async function answering(): Promise<boolean[]> {
  return Promise.all(
    all.map(async (service) => {
      try {
        const response = await fetch(`http://localhost:${service.port}/`, {
          signal: AbortSignal.timeout(3000),
        });
        await response.body?.cancel();
        return true;
      } catch {
        return false;
      }
    }),
  );
}

export type Stack = { started: boolean; stop(): Promise<void> };

/**
 * `beforeStart` runs only when this call starts the stack, before any worker runs
 * (the moment the local state may be written from outside).
 */
export async function ensureStack({
  logFile,
  beforeStart,
  env = {},
  reuse = true,
}: {
  logFile: string;
  beforeStart?: () => Promise<void>;
  /** For start.ts, e.g. `STACK_SPA=preview`. */
  env?: Record<string, string>;
  /** false: a running stack is an error (the caller needs one started as it asks). */
  reuse?: boolean;
}): Promise<Stack> {
  const up = await answering();
  if (up.every(Boolean) && !reuse) {
    throw new Error('the stack is already running: stop it first (this needs its own)');
  }
  if (up.every(Boolean)) {
    console.log('reusing the running stack');
    return { started: false, async stop() {} };
  }
  if (up.some(Boolean)) {
    const partial = all.filter((_, i) => up[i]).map((s) => `${s.name} :${s.port}`);
    throw new Error(
      `part of the stack is already running (${partial.join(', ')}): stop it or start all of it`,
    );
  }
  await beforeStart?.();
  console.log(`starting the stack (output in ${logFile.slice(repoRoot.length + 1)})`);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'tools/stack/src/start.ts')],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, NO_COLOR: '1' },
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const stop = async () => {
    if (!dead) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  const deadline = Date.now() + STACK_TIMEOUT_MS;
  while (!(await answering()).every(Boolean)) {
    if (dead || Date.now() > deadline) {
      await stop();
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`the stack did not come up${dead ? ' (it exited)' : ''}:\n${tail}`);
    }
    await delay(1000);
  }
  console.log('the stack is up');
  return { started: true, stop };
}
