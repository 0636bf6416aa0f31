import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from './executable.ts';

const root = mkdtempSync(join(tmpdir(), 'edge-gallery-executable-'));
const [first, second] = [join(root, 'a'), join(root, 'b')];
const file = (path: string, mode: number) => {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
};
mkdirSync(first);
mkdirSync(second);
file(join(first, 'tool'), 0o644); // there, but not executable
file(join(second, 'tool'), 0o755);
file(join(first, 'other'), 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { PATH: [join(root, 'missing'), '', first, second].join(delimiter) };

describe.skipIf(process.platform === 'win32')('findExecutable', () => {
  it('finds the first executable of that name on PATH, skipping one that is not executable', () => {
    expect(findExecutable('tool', env)).toBe(join(second, 'tool'));
  });

  it('tries the names in order, each over the whole PATH', () => {
    expect(findExecutable(['nothing', 'tool', 'other'], env)).toBe(join(second, 'tool'));
  });

  it('is undefined for a program on no directory of PATH, or with no PATH', () => {
    expect(findExecutable('nothing', env)).toBeUndefined();
    expect(findExecutable('tool', {})).toBeUndefined();
  });

  it('checks an explicit path itself, not PATH', () => {
    expect(findExecutable(join(second, 'tool'), {})).toBe(join(second, 'tool'));
    expect(findExecutable(join(first, 'tool'), env)).toBeUndefined();
    expect(findExecutable(join(root, 'missing', 'tool'), env)).toBeUndefined();
  });
});
