import { describe, expect, it } from 'vitest';
import { budgetReport, type ChunkSize, excludedPackageOf } from './bundle-budget.ts';

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
