import { describe, expect, it } from 'vitest';
import { type DeployedVersion, parsePercentage, planRollout } from './rollout.ts';

const stable: DeployedVersion = { id: 'v1', percentage: 100, createdOn: '2026-11-01T10:00:00Z' };
const split: DeployedVersion[] = [
  { id: 'v2', percentage: 10, createdOn: '2026-11-02T10:00:00Z' },
  { id: 'v1', percentage: 90, createdOn: '2026-11-01T10:00:00Z' },
];

describe('gradual rollout of the video worker', () => {
  it('gives a new version the first slice and the serving version the rest', () => {
    expect(
      planRollout([stable], { action: 'rollout', percentage: 10, newVersion: 'v2' }),
    ).toMatchObject({
      ok: true,
      specs: ['v2@10%', 'v1@90%'],
    });
  });

  it('deploys a new version whole at 100%', () => {
    expect(
      planRollout([stable], { action: 'rollout', percentage: 100, newVersion: 'v2' }),
    ).toMatchObject({
      ok: true,
      specs: ['v2@100%'],
    });
  });

  it('replaces a rollout still in progress, keeping the older version as the stable one', () => {
    const plan = planRollout(split, { action: 'rollout', percentage: 5, newVersion: 'v3' });
    expect(plan).toMatchObject({ ok: true, specs: ['v3@5%', 'v1@95%'] });
    expect(plan.summary).toContain('replacing v2 at 10%');
  });

  it('promotes the newest version of the split, by creation time rather than share', () => {
    const even: DeployedVersion[] = [
      { id: 'v1', percentage: 50, createdOn: '2026-11-01T10:00:00Z' },
      { id: 'v2', percentage: 50, createdOn: '2026-11-02T10:00:00Z' },
    ];
    expect(planRollout(even, { action: 'promote', percentage: 100 })).toMatchObject({
      ok: true,
      specs: ['v2@100%'],
    });
    expect(planRollout(split, { action: 'promote', percentage: 50 })).toMatchObject({
      ok: true,
      specs: ['v2@50%', 'v1@50%'],
    });
  });

  it('has nothing to promote when one version serves everyone', () => {
    expect(planRollout([stable], { action: 'promote', percentage: 100 })).toMatchObject({
      ok: true,
      specs: [],
    });
  });

  it('cannot split traffic before the first deployment', () => {
    expect(planRollout([], { action: 'rollout', percentage: 10, newVersion: 'v1' })).toMatchObject({
      ok: false,
      reason: 'no-deployment',
    });
  });

  it('accepts whole percentages from 1 to 100 only', () => {
    expect(['1', '10', ' 100 '].map(parsePercentage)).toEqual([1, 10, 100]);
    expect(['0', '101', '-5', '12.5', '10%', '', 'ten'].map(parsePercentage)).toEqual(
      Array(7).fill(undefined),
    );
  });
});
