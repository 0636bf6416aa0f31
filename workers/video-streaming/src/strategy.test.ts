import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config/document.ts';
import { strategyFor } from './strategy.ts';

const base = defaultConfig({ presignTtlSeconds: 3600, publicBase: 'https://media.example.com' });
const config = (presign: number, token: number, pub: number) => ({
  ...base,
  rollout: { presign, token, public: pub },
});
const all = (c: ReturnType<typeof config>) =>
  Array.from({ length: 100 }, (_, bucket) => strategyFor(bucket, c));

describe('strategy for a rollout bucket', () => {
  it('deals buckets by cumulative percentage: presign, then token, then public', () => {
    const strategies = all(config(90, 7, 3));
    expect(strategies.slice(0, 90).every((s) => s === 'presign')).toBe(true);
    expect(strategies.slice(90, 97).every((s) => s === 'token')).toBe(true);
    expect(strategies.slice(97).every((s) => s === 'public')).toBe(true);
  });

  it.each([
    [100, 0, 0],
    [0, 100, 0],
    [0, 0, 100],
    [34, 33, 33],
    [1, 98, 1],
  ])('gives exactly the configured share of buckets (%i/%i/%i)', (presign, token, pub) => {
    const strategies = all(config(presign, token, pub));
    expect(strategies.filter((s) => s === 'presign')).toHaveLength(presign);
    expect(strategies.filter((s) => s === 'token')).toHaveLength(token);
    expect(strategies.filter((s) => s === 'public')).toHaveLength(pub);
  });

  it('is a pure function of bucket and config (sticky)', () => {
    const c = config(50, 25, 25);
    expect(all(c)).toEqual(all(structuredClone(c)));
  });

  it('moves only the buckets a change has to move when a share grows', () => {
    const before = all(config(90, 10, 0));
    const after = all(config(80, 20, 0));
    const moved = before.filter((s, bucket) => s !== after[bucket]);
    expect(moved).toHaveLength(10);
  });

  it('deals the redirect baseline the buckets after public, and none while it has no share', () => {
    const c = { ...base, rollout: { presign: 50, token: 20, public: 10, redirect: 20 } };
    const strategies = all(c);
    expect(strategies.slice(80).every((s) => s === 'redirect')).toBe(true);
    expect(strategies.filter((s) => s === 'redirect')).toHaveLength(20);
    expect(all(config(90, 7, 3))).not.toContain('redirect');
  });

  it('presigns instead of pointing at a public base that is not configured', () => {
    expect(strategyFor(99, { ...config(0, 0, 100), publicBase: null })).toBe('presign');
  });
});
