import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: pnpm gallery import <folder> [options]
       pnpm gallery renditions [options]
       pnpm gallery process [options]
       pnpm gallery link [--env local|staging|production]   (the join link + QR code; link --help)

import      Imports the photos (JPEG, PNG, HEIC), Live Photos and videos (MP4, MOV) under
            <folder> into the gallery. Safe to re-run: files already imported are skipped,
            an interrupted import continues.
renditions  Adds the preview and the high-DPR thumbnail to photos, and seek previews
            (storyboard) to videos, imported before they existed, from the stored
            originals; nothing is imported again.
process     Turns approved guest videos (played from their originals until then) into
            the HLS ladder an import makes; the item keeps its id and its place in the
            gallery, and its original stays downloadable. Safe to re-run.

Options:
  --target local|remote  local (default): the local stack's state (.state), seen by
                         \`pnpm start\`; remote: your Cloudflare account (needs --env)
  --env <name>           wrangler environment of the viewer for --target remote
                         (staging, production)
  --dry-run              read and check everything, store nothing
  --strip-location       remove GPS tags from the stored originals of photos (default:
                         originals are kept byte for byte, GPS included; renditions and
                         video streams never carry it)
  --state <dir>          local state folder (default: the repo's .state)
  --concurrency <n>      files processed at once (default: CPU cores)
  -h, --help             this text

Remote credentials come from the environment: R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY,
R2_ACCOUNT_ID (or S3_ENDPOINT); R2_BUCKET_NAME overrides the viewer config's bucket.`;

export type TargetOptions = {
  target: 'local' | 'remote';
  env: string | undefined;
  dryRun: boolean;
  stateDir: string | undefined;
  concurrency: number;
};

export type ImportCommand = TargetOptions & {
  command: 'import';
  folder: string;
  stripLocation: boolean;
};

export type RenditionsCommand = TargetOptions & { command: 'renditions' };

export type ProcessCommand = TargetOptions & { command: 'process' };

export type ParsedArgs =
  | ImportCommand
  | RenditionsCommand
  | ProcessCommand
  | { command: 'help' }
  | { command: 'error'; message: string };

/**
 * Command-line arguments → a command. Relative paths resolve against `cwd`, which the CLI
 * sets to pnpm's INIT_CWD: `pnpm gallery` runs in the repo root, the owner typed the path
 * where they were.
 */
export function parseCommandLine(argv: readonly string[], cwd: string): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { command: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...operands] = positionals;
  if (command !== 'import' && command !== 'renditions' && command !== 'process') {
    return {
      command: 'error',
      message: command ? `unknown command: ${command}` : 'missing command',
    };
  }
  const [folder, ...rest] = command === 'import' ? operands : [undefined, ...operands];
  if (command === 'import' && !folder) {
    return { command: 'error', message: 'missing <folder> to import' };
  }
  if (rest.length) return { command: 'error', message: `unexpected argument: ${rest[0]}` };
  if (command !== 'import' && values['strip-location']) {
    return { command: 'error', message: '--strip-location is for import' };
  }
  const target = values.target ?? 'local';
  if (target !== 'local' && target !== 'remote') {
    return { command: 'error', message: `--target must be local or remote, got ${target}` };
  }
  if (target === 'remote' && !values.env) {
    return { command: 'error', message: '--target remote needs --env <staging|production>' };
  }
  if (target === 'remote' && values.state) {
    return { command: 'error', message: '--state is for --target local' };
  }
  const concurrency =
    values.concurrency === undefined ? availableParallelism() : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    return { command: 'error', message: `--concurrency must be a whole number from 1 to 64` };
  }
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(cwd, path));
  const options: TargetOptions = {
    target,
    env: values.env,
    dryRun: values['dry-run'] ?? false,
    stateDir: values.state === undefined ? undefined : absolute(values.state),
    concurrency,
  };
  if (command !== 'import') return { command, ...options };
  return {
    command,
    folder: absolute(folder!),
    ...options,
    stripLocation: values['strip-location'] ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      env: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'strip-location': { type: 'boolean' },
      state: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
