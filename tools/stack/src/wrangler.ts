import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type WranglerResult = { status: number | null; stdout: string; output: string };

/**
 * Runs the workspace's wrangler on this Node (22: wrangler refuses older ones), without
 * a terminal and without metrics; `output` is stdout and stderr as they came.
 */
export function runWrangler(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<WranglerResult> {
  const wrangler = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin',
    'wrangler.js',
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrangler, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...env },
    });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, output }));
  });
}
