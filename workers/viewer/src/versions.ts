// The two counters in KV CACHE_VERSION: bumping `auth_version` signs every session out,
// bumping `thumbnail_version` changes every worker-served thumbnail URL. A missing key
// counts as 1.
//
// Every signed-in request needs them, so they are memoised in the isolate for
// VERSIONS_MEMO_SECONDS (default 15): an isolate reads KV at most once per period, not
// once per request (a guest's scroll is a listing page every few seconds). The price is
// revocation: after a bump, an isolate accepts old sessions for up to one period more,
// on top of KV's own propagation (up to about 60 s). Login reads KV fresh.

export type Versions = { thumbnailVersion: number; authVersion: number };

/** A stored value that is not a positive integer: the operator wrote something else. */
export class VersionError extends Error {
  constructor(readonly key: string) {
    super(`CACHE_VERSION key ${key} is not a positive integer`);
  }
}

const KEYS = { thumbnailVersion: 'thumbnail_version', authVersion: 'auth_version' } as const;

// The values, never a pending promise: a promise settled by another request's I/O must
// not be awaited by this one (workerd refuses cross-request I/O). Keyed by the binding,
// which an isolate keeps across requests.
const memo = new WeakMap<KVNamespace, { readAt: number; versions: Versions }>();

/** KV's current values (one read), which also refresh the memo. */
export async function readVersions(kv: KVNamespace, now = Date.now()): Promise<Versions> {
  const values = await kv.get([KEYS.thumbnailVersion, KEYS.authVersion]);
  const versions = {
    thumbnailVersion: toVersion(KEYS.thumbnailVersion, values.get(KEYS.thumbnailVersion)),
    authVersion: toVersion(KEYS.authVersion, values.get(KEYS.authVersion)),
  };
  memo.set(kv, { readAt: now, versions });
  return versions;
}

/**
 * The values read at most `maxAgeSeconds` ago in this isolate, else read now (`source`
 * says which: the cost model of `pnpm bench` counts KV reads by it).
 */
export async function memoisedVersions(
  kv: KVNamespace,
  maxAgeSeconds: number,
  { now = Date.now(), source }: { now?: number; source?: (from: 'memo' | 'kv') => void } = {},
): Promise<Versions> {
  const kept = memo.get(kv);
  if (kept !== undefined && now - kept.readAt < maxAgeSeconds * 1000 && now >= kept.readAt) {
    source?.('memo');
    return kept.versions;
  }
  source?.('kv');
  return readVersions(kv, now);
}

function toVersion(key: string, value: string | null | undefined): number {
  if (value === null || value === undefined) return 1;
  // Fail closed: a junk auth_version must not quietly keep old sessions valid.
  if (!/^[1-9]\d{0,14}$/.test(value.trim())) throw new VersionError(key);
  return Number(value.trim());
}
