import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Where a program is: the first executable among `names` in the directories of PATH (on
 * Windows also `<name>.exe`), or undefined. A name with a path separator (an explicit
 * `CHROMIUM_PATH`, `FFMPEG_PATH`) is the only candidate. Nothing is run to find out.
 */
export function findExecutable(
  names: string | readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const list = typeof names === 'string' ? [names] : names;
  const candidates = list.flatMap((name) =>
    /[\\/]/.test(name)
      ? [name]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter((dir) => dir !== '')
          .flatMap((dir) =>
            process.platform === 'win32'
              ? [join(dir, `${name}.exe`), join(dir, name)]
              : [join(dir, name)],
          ),
  );
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
