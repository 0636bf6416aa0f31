import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const FFMPEG_INSTALL_HINT =
  'ffmpeg and ffprobe are needed to import videos. Install them and run the import again:\n' +
  '  Debian/Ubuntu: sudo apt-get install ffmpeg\n' +
  '  macOS:         brew install ffmpeg\n' +
  '  Windows:       winget install ffmpeg';

/** The first executable `name` on PATH, or undefined. */
export function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const candidate of process.platform === 'win32' ? [`${name}.exe`, name] : [name]) {
      const path = join(dir, candidate);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {}
    }
  }
  return undefined;
}

/** Undefined when ffmpeg and ffprobe are both there, else what to tell the owner. */
export function missingFfmpeg(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const missing = ['ffmpeg', 'ffprobe'].filter((tool) => !findExecutable(tool, env));
  return missing.length === 0
    ? undefined
    : `${missing.join(' and ')} not found on PATH. ${FFMPEG_INSTALL_HINT}`;
}

export type RunResult = { code: number | null; stdout: Buffer; stderr: string };

/** Runs ffmpeg or ffprobe to the end, collecting output; never throws on a non-zero exit. */
export function run(
  command: 'ffmpeg' | 'ffprobe',
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep the end: that is where ffmpeg says what went wrong.
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}
