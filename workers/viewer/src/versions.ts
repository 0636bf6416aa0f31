// The two counters in KV CACHE_VERSION: bumping `auth_version` signs every session out,
// bumping `thumbnail_version` changes every thumbnail URL. A missing key counts as 1.

export type Versions = { thumbnailVersion: number; authVersion: number };

/** A stored value that is not a positive integer: the operator wrote something else. */
export class VersionError extends Error {
  constructor(readonly key: string) {
    super(`CACHE_VERSION key ${key} is not a positive integer`);
  }
}

const KEYS = { thumbnailVersion: 'thumbnail_version', authVersion: 'auth_version' } as const;

export async function readVersions(kv: KVNamespace): Promise<Versions> {
  const values = await kv.get([KEYS.thumbnailVersion, KEYS.authVersion]);
  return {
    thumbnailVersion: toVersion(KEYS.thumbnailVersion, values.get(KEYS.thumbnailVersion)),
    authVersion: toVersion(KEYS.authVersion, values.get(KEYS.authVersion)),
  };
}

function toVersion(key: string, value: string | null | undefined): number {
  if (value === null || value === undefined) return 1;
  // Fail closed: a junk auth_version must not quietly keep old sessions valid.
  if (!/^[1-9]\d{0,14}$/.test(value.trim())) throw new VersionError(key);
  return Number(value.trim());
}
