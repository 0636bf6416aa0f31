/**
 * Gradual rollout of the video worker over Workers versions and deployments: a deployment
 * serves one version, or splits traffic between two. This module only decides the split;
 * `wrangler versions deploy <id>@<n>% ...` carries it out.
 */

/** A version in the current deployment. */
export type DeployedVersion = { id: string; percentage: number; createdOn: string };

export type RolloutRequest =
  /** A freshly uploaded version gets `percentage`, the stable version the rest. */
  | { action: 'rollout'; percentage: number; newVersion: string }
  /** The newest version of the current split gets `percentage` (100: it serves everyone). */
  | { action: 'promote'; percentage: number };

export type RolloutPlan =
  | { ok: true; specs: string[]; summary: string }
  | { ok: false; reason: 'no-deployment' | 'unknown-split'; summary: string };

/** A traffic share from a workflow input: a whole number from 1 to 100. */
export function parsePercentage(value: string): number | undefined {
  if (!/^\d{1,3}$/.test(value.trim())) return undefined;
  const percentage = Number(value);
  return percentage >= 1 && percentage <= 100 ? percentage : undefined;
}

function split(version: string, percentage: number, rest: string): string[] {
  return percentage === 100
    ? [`${version}@100%`]
    : [`${version}@${percentage}%`, `${rest}@${100 - percentage}%`];
}

export function planRollout(
  current: readonly DeployedVersion[],
  request: RolloutRequest,
): RolloutPlan {
  const byAge = [...current].sort((a, b) => a.createdOn.localeCompare(b.createdOn));
  const stable = byAge[0];
  const newest = byAge.at(-1);
  if (!stable || !newest) {
    return {
      ok: false,
      reason: 'no-deployment',
      summary: 'the worker has no deployment yet: the first version has to be deployed whole',
    };
  }
  if (current.length > 2) {
    return {
      ok: false,
      reason: 'unknown-split',
      summary: `the current deployment has ${current.length} versions; a gradual deployment has at most two`,
    };
  }

  if (request.action === 'rollout') {
    // A rollout still in progress is replaced: the older version is the one known to be good.
    const replaced =
      current.length === 2 ? ` (replacing ${newest.id} at ${newest.percentage}%)` : '';
    return {
      ok: true,
      specs: split(request.newVersion, request.percentage, stable.id),
      summary: `${request.newVersion} gets ${request.percentage}%, ${stable.id} keeps ${100 - request.percentage}%${replaced}`,
    };
  }

  if (current.length === 1) {
    return { ok: true, specs: [], summary: `nothing to promote: ${stable.id} serves 100%` };
  }
  return {
    ok: true,
    specs: split(newest.id, request.percentage, stable.id),
    summary: `${newest.id} goes from ${newest.percentage}% to ${request.percentage}%`,
  };
}
