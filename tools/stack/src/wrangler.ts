import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { groupAlive, signalGroup, spawnTied } from './processes.ts';

/** The workspace's wrangler (one version for every package: pnpm overrides). */
const wranglerBin = join(
  dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
  'bin',
  'wrangler.js',
);

/** No hotkeys, prompts or telemetry; Miniflare would fetch Request.cf from the internet. */
const OFFLINE = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

export type WranglerResult = {
  /** The exit code; null when it was killed (see `timedOut`). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  output: string;
  timedOut: boolean;
};

export type WranglerOptions = {
  /** Added over this process's environment (or the whole environment with `inherit: false`). */
  env?: NodeJS.ProcessEnv;
  /** false: the child sees `env` only (an offline run: no saved login, no account variables). */
  inherit?: boolean;
  /** Killed after this long; default 5 minutes. */
  timeoutMs?: number;
};

/**
 * Runs the workspace's wrangler (one version for every package: pnpm overrides) on this
 * Node (22: wrangler refuses older ones) in `cwd`, without a terminal and without metrics.
 * The one way tools run wrangler: the stack, the gallery CLI and the workflow tools.
 */
export function runWrangler(
  args: readonly string[],
  cwd: string,
  options: WranglerOptions = {},
): Promise<WranglerResult> {
  const base = options.inherit === false ? {} : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...base, WRANGLER_SEND_METRICS: 'false', ...options.env },
      timeout: options.timeoutMs ?? 300_000,
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolve({ status, stdout, stderr, output, timedOut: status === null && signal !== null }),
    );
  });
}

export type ServingWrangler = {
  url: string;
  /** The last few thousand characters it printed. */
  output(): string;
  /** Stops it and everything it started, and resolves once all of it is gone. */
  stop(): Promise<void>;
};

export type ServeOptions = {
  /** Answering here means it is up. */
  url: string;
  /** Only a 2xx answer counts (a Pages project answers its index once it is served). */
  ok?: boolean;
  /** Everything it prints is also written here. */
  logFile?: string;
  readyTimeoutMs?: number;
};

const OUTPUT_TAIL = 3000;

/**
 * Starts a serving wrangler (`dev`, `pages dev`) outside the stack (a bench's baseline
 * worker, a Pages project) and resolves once it answers. In a process group of its own:
 * wrangler starts workerd and esbuild, and `stop` signals the group and waits until none of
 * it is left (workerd may outlive wrangler's node by a moment), so nothing holds a port.
 * Tied to this process (spawnTied): it ends with it too, stopped or not.
 */
export async function serveWrangler(
  args: readonly string[],
  cwd: string,
  options: ServeOptions,
): Promise<ServingWrangler> {
  const child = spawnTied(process.execPath, [wranglerBin, ...args], {
    cwd,
    env: { ...process.env, ...OFFLINE, NO_COLOR: '1' },
  });
  const log = options.logFile ? createWriteStream(options.logFile) : undefined;
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output = (output + chunk).slice(-OUTPUT_TAIL);
      log?.write(chunk);
    });
  }
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const group = child.pid;
  const stop = async () => {
    if (group !== undefined) {
      signalGroup(group, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(group, 'SIGKILL'), 10_000);
      if (!exited) await exit;
      while (groupAlive(group)) await delay(100);
      clearTimeout(timer);
    }
    log?.end();
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    try {
      const response = await fetch(options.url, { signal: AbortSignal.timeout(3000) });
      await response.body?.cancel();
      if (response.ok || !options.ok) break;
    } catch {}
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `wrangler ${args[0] === 'pages' ? 'pages dev' : 'dev'} did not come up at ${options.url}:\n${output}`,
      );
    }
    await delay(300);
  }
  return { url: options.url, output: () => output, stop };
}
