import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot, type Service } from './layout.ts';

// The stack's child processes. Each service runs its package's own `dev` script, as
// `pnpm --filter <pkg> dev` would, in a process group of its own: wrangler starts
// workerd and esbuild, vite starts esbuild, and signalling the group reaches them all,
// so a stop leaves no orphaned workerd behind. And a stop that never comes (the starter
// SIGKILLed, crashed, or gone without one) leaves none either: spawnTied.

const endWithParent = join(import.meta.dirname, 'end-with-parent.ts');

/**
 * Spawns `command` in a process group of its own (its pid is the group's id) that ends with
 * this process however this one ends: end-with-parent.ts runs it and ends the group when
 * this process's end closes the pipe to its stdin. The way the stack and the benches start
 * servers (startService, serveWrangler); stdout and stderr are the command's.
 */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn(process.execPath, [endWithParent, command, ...args], {
    ...options,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export type Running = {
  service: Service;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the shell of the service exits. */
  exited: Promise<number | string>;
  /** The last lines it printed, for the error message when it dies early. */
  tail: string[];
};

const TAIL_LINES = 40;

export function startService(
  service: Service,
  {
    write,
    colour,
    scriptName = 'dev',
  }: { write: (line: string) => void; colour: boolean; scriptName?: string },
): Running {
  const dir = join(repoRoot, service.dir);
  const { scripts } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const script = scripts[scriptName];
  if (script === undefined) {
    throw new Error(`${service.dir}/package.json has no ${scriptName} script`);
  }
  const bins = [join(dir, 'node_modules', '.bin'), join(repoRoot, 'node_modules', '.bin')];
  // As `pnpm run dev -- <args>` would: the arguments go after the script.
  const command = [script, ...(service.args ?? []), ...faultSwitchArgs(script)].join(' ');
  const child = spawnTied('sh', ['-c', command], {
    cwd: dir,
    env: {
      ...process.env,
      PATH: [...bins, process.env.PATH ?? ''].join(delimiter),
      // No hotkeys, prompts or telemetry: the stack runs fine without a terminal.
      WRANGLER_SEND_METRICS: 'false',
      // Miniflare would fetch Request.cf from the internet; the stack runs offline.
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      ...(colour ? { FORCE_COLOR: '1' } : {}),
    },
  });
  const tail: string[] = [];
  const label = colour
    ? `\x1b[36m${service.name.padEnd(6)}\x1b[0m │ `
    : `${service.name.padEnd(6)} │ `;
  const onLine = (line: string) => {
    if (line.trim() === '') return;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    write(`${label}${line}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    stream.on('end', () => onLine(pending));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.on('error', (error) => resolve(error.message));
  });
  return { service, child, exited, tail };
}

/**
 * `pnpm bench`'s fault phase starts the stack with STACK_FAULT_SWITCH=on: then, and only
 * then, every `wrangler dev` gets the variable that arms its worker's local fault switch
 * (packages/http fault-switch.ts). `npm start` and the e2e run never set it.
 */
export function faultSwitchArgs(script: string, environment = process.env): string[] {
  return environment.STACK_FAULT_SWITCH === 'on' && script.startsWith('wrangler dev')
    ? ['--var', 'LOCAL_FAULT_SWITCH:on']
    : [];
}

/** True while any process of the group (the service and what it spawned) is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is gone already.
  }
}

/** SIGTERM to every group, then SIGKILL to whatever still runs after `graceMs`. */
export async function stopAll(running: readonly Running[], graceMs = 8000): Promise<void> {
  const groups = running.map((r) => r.child.pid).filter((pid): pid is number => pid !== undefined);
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groups.some(groupAlive) && Date.now() < deadline) await delay(100);
  for (const pgid of groups.filter(groupAlive)) signalGroup(pgid, 'SIGKILL');
  while (groups.some(groupAlive)) await delay(50);
}

/** Whether something accepts TCP connections on localhost:port (IPv4 or IPv6). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: 'localhost', autoSelectFamily: true });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether an HTTP server answers at `url` (any status counts). */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
