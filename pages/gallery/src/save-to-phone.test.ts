import { describe, expect, it } from 'vitest';
import { BATCH_BYTES, BATCH_FILES, batches, canSaveFiles } from './save-to-phone.ts';

describe('Save on phones', () => {
  it('offers the share sheet only on touch screens that share files', () => {
    const host = { canShare: () => true, share: async () => {} };
    expect(canSaveFiles(host, true)).toBe(true);
    expect(canSaveFiles(host, false)).toBe(false);
    expect(canSaveFiles({ ...host, canShare: () => false }, true)).toBe(false);
    expect(canSaveFiles({}, true)).toBe(false);
  });

  it('shares in batches the platforms accept: ≤ 10 files and ≤ 100 MiB each', () => {
    const small = Array.from({ length: 23 }, () => ({ size: 1e6 }));
    expect(batches(small).map((b) => b.length)).toEqual([BATCH_FILES, BATCH_FILES, 3]);
    const big = [
      { size: 60 * 2 ** 20 },
      { size: 60 * 2 ** 20 },
      { size: 10 },
      { size: BATCH_BYTES * 2 },
    ];
    expect(batches(big).map((b) => b.length)).toEqual([1, 2, 1]);
  });
});
