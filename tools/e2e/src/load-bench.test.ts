import { describe, expect, it } from 'vitest';
import { overBare, ratioOverBare } from './load-bench.ts';

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

// Per request and in MiB over the same time: they part when the two answered unlike counts.
describe('a workerd beside its bare twin', () => {
  const rows = [
    { worker: 'viewer', role: 'runtime' as const, bytes: 280 * MiB, requests: 4000 },
    { worker: 'viewer', role: 'proxy' as const, bytes: 100 * MiB, requests: 4000 },
    { worker: 'bare viewer', role: 'proxy' as const, bytes: 100 * MiB, requests: 4000 },
    { worker: 'bare viewer', role: 'runtime' as const, bytes: 280 * MiB, requests: 8000 },
  ];

  it('is compared with the same process of the twin, per request and in all', () => {
    expect(overBare(rows)).toEqual([
      // As much memory for half the requests: 2× per request, 1× in MiB.
      { perRequest: 2, absolute: 1 },
      { perRequest: 1, absolute: 1 },
      { perRequest: '-', absolute: '-' },
      { perRequest: '-', absolute: '-' },
    ]);
  });

  it('has no ratio without a twin or over a twin that did not grow', () => {
    expect(overBare([{ worker: 'video', role: 'runtime', bytes: MiB, requests: 10 }])).toEqual([
      { perRequest: '-', absolute: '-' },
    ]);
    const flat = { worker: 'bare video', role: 'runtime' as const, bytes: 0, requests: 10 };
    expect(overBare([{ ...flat, worker: 'video', bytes: MiB }, flat])[0]).toEqual({
      perRequest: 'bare flat',
      absolute: 'bare flat',
    });
  });
});
