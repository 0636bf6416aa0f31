import { parseConfig, type RolloutConfig } from './document.ts';

// The config's versions in KV VIDEO_CACHE: one JSON document per version and a pointer
// naming the live one. Old versions stay for rollback.
//
//   config:current                         →  "config:v20300101T000000000Z-k3j9x2m4qa"
//   config:v20300101T000000000Z-k3j9x2m4qa →  {"rollout":{"presign":90,...}, ...}   metadata {publishedAt}
//
// A version id is the publish time (UTC, to the millisecond, so ids sort in time order) and
// 50 random bits: two admins publishing at once get two ids, each naming exactly one
// document, so no two isolates can hold different configs under one version (they could
// with counted versions: both publishers read "6" and wrote "7"). The document is written
// before the pointer names it. Versions published before ids (`config:v7`) still load.
//
// Plain TypeScript over the few KV calls it makes, so that Node tools (the local stack's
// seed) publish through it too, with Miniflare's KV.

/** The KV calls the version store makes (a Workers KV namespace has them all). */
export type ConfigKv = {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { metadata?: VersionMetadata }): Promise<unknown>;
  list(options: {
    prefix: string;
    cursor?: string;
  }): Promise<
    { keys: { name: string; metadata?: unknown }[] } & (
      | { list_complete: false; cursor: string }
      | { list_complete: true }
    )
  >;
};

export const CURRENT_KEY = 'config:current';
const VERSION_PREFIX = 'config:v';

/** `20300101T000000000Z-k3j9x2m4qa`, or a legacy counted version such as `7`. */
export type VersionId = string;

const VERSION_ID = /^(?:[0-9]{8}T[0-9]{9}Z-[a-z2-7]{10}|[1-9][0-9]{0,8})$/;
const LEGACY_ID = /^[1-9][0-9]{0,8}$/;

export const versionKey = (version: VersionId): string => `${VERSION_PREFIX}${version}`;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new version id for a publish at `now` (ms). */
function newVersionId(now: number): VersionId {
  const time = new Date(now).toISOString().replace(/[-:.]/g, ''); // 20300101T000000000Z
  const random = crypto.getRandomValues(new Uint8Array(10));
  let suffix = '';
  for (const byte of random) suffix += BASE32[byte & 31];
  return `${time}-${suffix}`;
}

/** Whether `value` is a version id (new or legacy). */
export const isVersionId = (value: unknown): value is VersionId =>
  typeof value === 'string' && VERSION_ID.test(value);

/** A bad pointer or document in KV: reported like a KV failure, never served. */
export class ConfigDocumentError extends Error {
  override readonly name = 'ConfigDocumentError';
}

/** `config:v<id>` (and a bare id, as an owner might write by hand) → the id. */
export function parsePointer(pointer: string): VersionId | undefined {
  const trimmed = pointer.trim();
  const id = trimmed.startsWith(VERSION_PREFIX) ? trimmed.slice(VERSION_PREFIX.length) : trimmed;
  return isVersionId(id) ? id : undefined;
}

/** One stored version; `undefined` when absent. Throws ConfigDocumentError when invalid. */
export async function readVersion(
  kv: Pick<ConfigKv, 'get'>,
  version: VersionId,
  defaults: RolloutConfig,
): Promise<RolloutConfig | undefined> {
  const text = await kv.get(versionKey(version));
  if (text === null) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ConfigDocumentError(`${versionKey(version)} is not JSON`);
  }
  const parsed = parseConfig(document, defaults, 'stored');
  if (!parsed.success)
    throw new ConfigDocumentError(`${versionKey(version)} is not a valid config`);
  return parsed.data;
}

export type VersionInfo = { version: VersionId; publishedAt: string | null };
type VersionMetadata = { publishedAt?: string };

/** Every stored version, newest first. */
export async function listVersions(kv: ConfigKv): Promise<VersionInfo[]> {
  const versions: VersionInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list({
      prefix: VERSION_PREFIX,
      ...(cursor !== undefined && { cursor }),
    });
    for (const key of page.keys) {
      const version = parsePointer(key.name);
      if (version === undefined || versionKey(version) !== key.name) continue;
      const metadata = key.metadata as VersionMetadata | null | undefined;
      versions.push({ version, publishedAt: metadata?.publishedAt ?? null });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor !== undefined);
  // Newest first: ids sort by their publish time; versions counted before ids are older.
  return versions.sort((a, b) => compareVersionIds(b.version, a.version));
}

/** Orders ids by publish time; a legacy counted version comes before every id. */
function compareVersionIds(a: VersionId, b: VersionId): number {
  const legacyA = LEGACY_ID.test(a);
  const legacyB = LEGACY_ID.test(b);
  if (legacyA && legacyB) return Number(a) - Number(b);
  if (legacyA !== legacyB) return legacyA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The version the pointer names, or undefined when none is published. */
export async function currentVersion(kv: Pick<ConfigKv, 'get'>): Promise<VersionId | undefined> {
  const pointer = await kv.get(CURRENT_KEY);
  if (pointer === null) return undefined;
  const version = parsePointer(pointer);
  if (version === undefined) throw new ConfigDocumentError(`${CURRENT_KEY} is not a version key`);
  return version;
}

/**
 * Stores `config` under a new version id, then points at it: the document exists before any
 * isolate can read the pointer. Concurrent publishes each get their own id; the pointer
 * names whichever was written last.
 */
export async function publishConfig(
  kv: Pick<ConfigKv, 'put'>,
  config: RolloutConfig,
  now: number,
  /** A caller that gave up (its deadline passed) must not see its publish go live later. */
  signal?: AbortSignal,
): Promise<VersionId> {
  const version = newVersionId(now);
  const metadata: VersionMetadata = { publishedAt: new Date(now).toISOString() };
  await kv.put(versionKey(version), JSON.stringify(config), { metadata });
  signal?.throwIfAborted();
  await kv.put(CURRENT_KEY, versionKey(version));
  return version;
}

/** Points at an existing, valid version. Returns its config, or undefined if there is none. */
export async function rollbackTo(
  kv: ConfigKv,
  version: VersionId,
  defaults: RolloutConfig,
): Promise<RolloutConfig | undefined> {
  const config = await readVersion(kv, version, defaults);
  if (config === undefined) return undefined;
  await kv.put(CURRENT_KEY, versionKey(version));
  return config;
}
