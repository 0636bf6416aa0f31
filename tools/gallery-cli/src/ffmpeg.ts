import { spawn } from 'node:child_process';
import { findExecutable } from '@edge-gallery/stack';

export const FFMPEG_INSTALL_HINT =
  'ffmpeg and ffprobe are needed to import videos. Install them and run the import again:\n' +
  '  Debian/Ubuntu: sudo apt-get install ffmpeg\n' +
  '  macOS:         brew install ffmpeg\n' +
  '  Windows:       winget install ffmpeg';

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
