import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.ts';

describe('command line', () => {
  it('resolves the folder against the directory the owner ran pnpm in', () => {
    expect(parseCommandLine(['import', './photos'], '/home/owner/pictures')).toMatchObject({
      command: 'import',
      folder: '/home/owner/pictures/photos',
      target: 'local',
      dryRun: false,
      stateDir: undefined,
    });
    expect(parseCommandLine(['import', '/abs/photos', '--state', 's'], '/x')).toMatchObject({
      folder: '/abs/photos',
      stateDir: '/x/s',
    });
  });

  it('takes --dry-run, --target and --concurrency', () => {
    expect(
      parseCommandLine(
        [
          'import',
          'p',
          '--dry-run',
          '--target',
          'remote',
          '--env',
          'production',
          '--concurrency',
          '3',
        ],
        '/',
      ),
    ).toMatchObject({ dryRun: true, target: 'remote', env: 'production', concurrency: 3 });
  });

  it('takes --strip-location for import (off by default)', () => {
    expect(parseCommandLine(['import', 'p'], '/')).toMatchObject({ stripLocation: false });
    expect(parseCommandLine(['import', 'p', '--strip-location'], '/')).toMatchObject({
      stripLocation: true,
    });
  });

  it('parses renditions with the same target options and no folder', () => {
    expect(parseCommandLine(['renditions', '--state', 's'], '/x')).toEqual({
      command: 'renditions',
      target: 'local',
      env: undefined,
      dryRun: false,
      stateDir: '/x/s',
      concurrency: expect.any(Number),
    });
    expect(
      parseCommandLine(['renditions', '--target', 'remote', '--env', 'staging'], '/'),
    ).toMatchObject({ command: 'renditions', target: 'remote', env: 'staging' });
  });

  it('parses process like renditions', () => {
    expect(parseCommandLine(['process', '--state', 's', '--dry-run'], '/x')).toMatchObject({
      command: 'process',
      target: 'local',
      dryRun: true,
      stateDir: '/x/s',
    });
    expect(
      parseCommandLine(['process', '--target', 'remote', '--env', 'production'], '/'),
    ).toMatchObject({ command: 'process', target: 'remote', env: 'production' });
  });

  it('refuses what it cannot do, with the reason', () => {
    const error = (argv: string[]) => {
      const parsed = parseCommandLine(argv, '/');
      return parsed.command === 'error' ? parsed.message : undefined;
    };
    expect(error([])).toBe('missing command');
    expect(error(['export', 'p'])).toBe('unknown command: export');
    expect(error(['import'])).toBe('missing <folder> to import');
    expect(error(['import', 'p', '--target', 'cloud'])).toMatch(/local or remote/);
    expect(error(['import', 'p', '--target', 'remote'])).toMatch(/needs --env/);
    expect(error(['import', 'p', '--concurrency', '0'])).toMatch(/--concurrency/);
    expect(error(['import', 'p', '--bogus'])).toMatch(/bogus/);
    expect(error(['renditions', 'p'])).toBe('unexpected argument: p');
    expect(error(['renditions', '--strip-location'])).toMatch(/for import/);
    expect(error(['renditions', '--target', 'remote'])).toMatch(/needs --env/);
    expect(error(['process', 'p'])).toBe('unexpected argument: p');
    expect(error(['process', '--strip-location'])).toMatch(/for import/);
  });

  it('answers --help', () => {
    expect(parseCommandLine(['--help'], '/')).toEqual({ command: 'help' });
  });
});
