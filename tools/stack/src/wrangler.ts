import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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
  const wrangler = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin',
    'wrangler.js',
  );
  const base = options.inherit === false ? {} : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrangler, ...args], {
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
