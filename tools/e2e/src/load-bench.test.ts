import { describe, expect, it } from 'vitest';
import { ratioOverBare } from './load-bench.ts';

const MiB = 1024 ** 2;

// A workerd's growth per 1,000 requests over its bare twin's: only where the twin grew.
describe('growth over the bare baseline', () => {
  it('is the ratio of the two growths', () => {
    expect(ratioOverBare(30 * MiB, 20 * MiB)).toBe(1.5);
    expect(ratioOverBare(-2 * MiB, 4 * MiB)).toBe(-0.5);
  });

  it('says so instead of dividing by a baseline that did not grow', () => {
    expect(ratioOverBare(10 * MiB, 0.5 * MiB)).toBe('bare flat');
    expect(ratioOverBare(10 * MiB, -3 * MiB)).toBe('bare flat');
  });

  it('has no ratio without a baseline or without requests', () => {
    expect(ratioOverBare(10 * MiB, undefined)).toBe('-');
    expect(ratioOverBare(Number.NaN, 4 * MiB)).toBe('-');
    expect(ratioOverBare(4 * MiB, Number.NaN)).toBe('-');
  });
});
