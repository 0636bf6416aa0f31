import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { budgetReport, type ChunkSize, excludedPackageOf } from './budget.ts';

const hls = '/repo/node_modules/.pnpm/hls.js@1.7.4/node_modules/hls.js/dist/hls.mjs';

describe('bundle budget', () => {
  it('excludes a chunk made only of hls.js (rolldown helpers aside)', () => {
    expect(excludedPackageOf([hls, '\0rolldown/runtime.js'], ['hls.js'])).toBe('hls.js');
  });

  it('counts a chunk that mixes page code into hls.js', () => {
    expect(excludedPackageOf([hls, '/repo/pages/gallery/src/player.ts'], ['hls.js'])).toBe(
      undefined,
    );
  });

  it('does not mistake a package whose name merely starts the same', () => {
    expect(excludedPackageOf(['/repo/node_modules/hls.js-extra/x.js'], ['hls.js'])).toBe(undefined);
  });

  it('sums every counted chunk against the budget', () => {
    const chunks: ChunkSize[] = [
      { fileName: 'a.js', rawBytes: 100_000, gzipBytes: 30_000, excludedAs: undefined },
      { fileName: 'b.js', rawBytes: 60_000, gzipBytes: 21_000, excludedAs: undefined },
      { fileName: 'hls.js', rawBytes: 500_000, gzipBytes: 160_000, excludedAs: 'hls.js' },
    ];
    expect(budgetReport(chunks, 50)).toMatchObject({
      gzipBytes: 51_000,
      rawBytes: 160_000,
      budgetBytes: 51_200,
      ok: true,
    });
    expect(budgetReport(chunks, 49).ok).toBe(false);
  });
});

describe('bundle-budget <dir> <KiB>', () => {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

  function run(budgetKiB: string) {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-budget-'));
    mkdirSync(join(dir, 'dist', 'chunks'), { recursive: true });
    // Random bytes hardly compress: the gzip size is about the raw size.
    writeFileSync(join(dir, 'dist', 'index.js'), randomBytes(3000).toString('base64'));
    writeFileSync(join(dir, 'dist', 'chunks', 'a.mjs'), randomBytes(3000).toString('base64'));
    writeFileSync(join(dir, 'dist', 'index.js.map'), randomBytes(30_000).toString('base64'));
    const result = spawnSync(process.execPath, [cli, 'dist', budgetKiB], {
      cwd: dir,
      encoding: 'utf8',
    });
    const report = JSON.parse(readFileSync(join(dir, '.reports', 'bundle.json'), 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    return { status: result.status, stdout: result.stdout, report };
  }

  it('sums the gzip size of every .js and .mjs file below the directory, maps aside', () => {
    const { status, stdout, report } = run('20');
    expect(status).toBe(0);
    expect(report.chunks.map((chunk: ChunkSize) => chunk.fileName)).toEqual([
      'chunks/a.mjs',
      'index.js',
    ]);
    expect(report.gzipBytes).toBeGreaterThan(2 * 3000);
    expect(report).toMatchObject({ budgetBytes: 20 * 1024, ok: true });
    expect(stdout).toMatch(/budget 20\.0 KiB gzip: ok$/m);
  });

  it('fails over budget, and says so', () => {
    const { status, stdout, report } = run('5');
    expect(status).toBe(1);
    expect(report.ok).toBe(false);
    expect(stdout).toMatch(/OVER BUDGET$/m);
  });
});
