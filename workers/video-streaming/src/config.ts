import * as z from 'zod/mini';

// The worker's runtime config: one JSON document per version in KV VIDEO_CACHE, and a
// pointer naming the live one. Old versions stay for rollback.
//
//   config:current                       →  "config:v20300101T000000000Z-k3j9x2m4qa"
//   config:v20300101T000000000Z-k3j9x2m4qa →  {"rollout":{"presign":90,...}, ...}   metadata {publishedAt}
//
// A version id is the publish time (UTC, to the millisecond, so ids sort in time order) and
// 50 random bits: two admins publishing at once get two ids, each naming exactly one
// document, so no two isolates can hold different configs under one version (they could
// with counted versions: both publishers read "6" and wrote "7"). The document is written
// before the pointer names it. Versions published before ids (`config:v7`) still load.

export const CURRENT_KEY = 'config:current';
const VERSION_PREFIX = 'config:v';

/** `20300101T000000000Z-k3j9x2m4qa`, or a legacy counted version such as `7`. */
export type VersionId = string;

const VERSION_ID = /^(?:[0-9]{8}T[0-9]{9}Z-[a-z2-7]{10}|[1-9][0-9]{0,8})$/;
const LEGACY_ID = /^[1-9][0-9]{0,8}$/;

export const versionKey = (version: VersionId): string => `${VERSION_PREFIX}${version}`;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new version id for a publish at `now` (ms). */
export function newVersionId(now: number): VersionId {
  const time = new Date(now).toISOString().replace(/[-:.]/g, ''); // 20300101T000000000Z
  const random = crypto.getRandomValues(new Uint8Array(10));
  let suffix = '';
  for (const byte of random) suffix += BASE32[byte & 31];
  return `${time}-${suffix}`;
}

/** Whether `value` is a version id (new or legacy). */
export const isVersionId = (value: unknown): value is VersionId =>
  typeof value === 'string' && VERSION_ID.test(value);

// S3 and R2 refuse presigned URLs valid for longer than 7 days (X-Amz-Expires).
const MAX_URL_LIFETIME_SECONDS = 604_800;

const Percent = z.int().check(z.minimum(0), z.maximum(100));

const Rollout = z
  .strictObject({
    presign: Percent,
    token: Percent,
    public: Percent,
    // The redirect-per-segment design this worker replaces, kept as the browser bench's
    // baseline: optional, so documents without it stay valid.
    redirect: z.optional(Percent),
  })
  .check(
    z.refine(
      (r) => r.presign + r.token + r.public + (r.redirect ?? 0) === 100,
      'percentages must add up to 100',
    ),
  );

const Origin = z
  .string()
  .check(
    z.refine(isOrigin, 'must be an origin as browsers send it, e.g. https://gallery.example.com'),
  );

const PublicBase = z.pipe(
  z.string().check(z.refine(isPublicBase, 'must be an http(s) URL without query or fragment')),
  z.transform((base: string) => base.replace(/\/+$/, '')),
);

const shape = {
  /** Percent of rollout buckets per strategy, counted in this order: presign, token, public, redirect. */
  rollout: Rollout,
  /** How long presigned URLs stay valid after the end of their playlist window. */
  presignTtlSeconds: z.int().check(z.minimum(60), z.maximum(MAX_URL_LIFETIME_SECONDS)),
  /** Signed playlists are built once per window: every viewer in it gets the same URLs. */
  playlistWindowSeconds: z.int().check(z.minimum(10), z.maximum(3600)),
  /** Base URL of a public (custom-domain) bucket, for the `public` strategy. */
  publicBase: z.nullable(PublicBase),
  /** Origins allowed by CORS, in addition to the ALLOWED_ORIGINS variable. */
  allowedOrigins: z.array(Origin).check(z.maxLength(32)),
  /** Server-Timing on every response (also on when the DEBUG variable is "true"). */
  debug: z.boolean(),
  /** Keep signed playlists in KV too (a write per playlist per window: off for the free plan). */
  kvPlaylistCache: z.boolean(),
};

type Refinable = {
  presignTtlSeconds: number;
  playlistWindowSeconds: number;
  rollout: { public: number };
  publicBase: string | null;
};

const crossFieldChecks = [
  z.refine<Refinable>(
    (c) => c.presignTtlSeconds + c.playlistWindowSeconds <= MAX_URL_LIFETIME_SECONDS,
    {
      message: `presignTtlSeconds + playlistWindowSeconds must not exceed ${MAX_URL_LIFETIME_SECONDS}`,
      path: ['presignTtlSeconds'],
    },
  ),
  z.refine<Refinable>((c) => c.rollout.public === 0 || c.publicBase !== null, {
    message: 'a public rollout share needs publicBase (or the PUBLIC_MEDIA_BASE variable)',
    path: ['publicBase'],
  }),
];

/** What an admin may publish: unknown fields are refused (a typo must not pass silently). */
export const PublishedConfig = z.strictObject(shape).check(...crossFieldChecks);
/** What a worker reads: unknown fields are dropped, so a newer version's document still loads. */
const StoredConfig = z.object(shape).check(...crossFieldChecks);

export type Config = z.output<typeof PublishedConfig>;
export type Rollout = Config['rollout'];

/** The config while none is published (and while KV fails): everything presigned. */
export function defaultConfig(env: {
  presignTtlSeconds: number;
  publicBase: string | undefined;
}): Config {
  return {
    rollout: { presign: 100, token: 0, public: 0 },
    presignTtlSeconds: env.presignTtlSeconds,
    playlistWindowSeconds: 300,
    publicBase: env.publicBase ?? null,
    allowedOrigins: [],
    debug: false,
    kvPlaylistCache: false,
  };
}

/**
 * A document as stored or published: fields it lacks take their defaults (so documents
 * written by an older version of this worker stay valid), then it is validated.
 */
export function parseConfig(
  document: unknown,
  defaults: Config,
  mode: 'publish' | 'stored',
): ReturnType<typeof PublishedConfig.safeParse> {
  const merged =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? { ...defaults, ...document }
      : document;
  return (mode === 'publish' ? PublishedConfig : StoredConfig).safeParse(merged);
}

export type LoadedConfig = {
  /** null when no version is published, or none could be read. */
  version: VersionId | null;
  config: Config;
  /**
   * `kv`: the published version. `default`: none is published. `fallback`: KV failed or
   * holds a bad document; nothing built from a fallback is written to a shared cache.
   */
  source: 'kv' | 'default' | 'fallback';
};

// Isolate memo: a published config is re-checked about once a minute, an absent one more
// often so that a first publish takes effect quickly; a failing KV is retried after 5 s.
export const MEMO_MS = { found: 60_000, absent: 10_000, failed: 5_000 } as const;

/** Reads the live config through an isolate memo. One instance per isolate and namespace. */
export class ConfigStore {
  #memo: { loaded: LoadedConfig; until: number } | undefined;
  #pending: Promise<LoadedConfig> | undefined;
  // Version documents never change once written: each is read once per isolate.
  readonly #documents = new Map<VersionId, Config>();

  constructor(
    readonly kv: KVNamespace,
    readonly defaults: Config,
  ) {}

  /** The live config; `onRead` hears how long a KV read took, when one happened. */
  current(now: number, onRead?: (ms: number) => void): Promise<LoadedConfig> {
    const memo = this.#memo;
    if (memo !== undefined && now < memo.until) return Promise.resolve(memo.loaded);
    // Concurrent requests of one isolate share one read.
    this.#pending ??= this.#load(now, onRead).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** The config this isolate last read, however old, without any I/O. */
  peek(): LoadedConfig | undefined {
    return this.#memo?.loaded;
  }

  /** Makes a just-published or rolled-back version live in this isolate at once. */
  remember(version: VersionId, config: Config, now: number): void {
    this.#documents.set(version, config);
    this.#memo = { loaded: { version, config, source: 'kv' }, until: now + MEMO_MS.found };
  }

  async #load(now: number, onRead?: (ms: number) => void): Promise<LoadedConfig> {
    const started = performance.now();
    let loaded: LoadedConfig;
    let ttl: number;
    try {
      const read = await readLive(this.kv, this.defaults, this.#documents);
      loaded = read ?? { version: null, config: this.defaults, source: 'default' };
      ttl = read === undefined ? MEMO_MS.absent : MEMO_MS.found;
    } catch (error) {
      console.error('video-streaming: config unreadable, serving a fallback', describe(error));
      // A config that was live a moment ago is a better guess than the defaults.
      const previous = this.#memo?.loaded;
      loaded = {
        version: previous?.version ?? null,
        config: previous?.config ?? this.defaults,
        source: 'fallback',
      };
      ttl = MEMO_MS.failed;
    }
    onRead?.(performance.now() - started);
    this.#memo = { loaded, until: now + ttl };
    return loaded;
  }
}

/** A bad pointer or document in KV: reported like a KV failure, never served. */
export class ConfigDocumentError extends Error {
  override readonly name = 'ConfigDocumentError';
}

async function readLive(
  kv: KVNamespace,
  defaults: Config,
  documents: Map<VersionId, Config>,
): Promise<LoadedConfig | undefined> {
  const pointer = await kv.get(CURRENT_KEY);
  if (pointer === null) return undefined;
  const version = parsePointer(pointer);
  if (version === undefined) throw new ConfigDocumentError(`${CURRENT_KEY} is not a version key`);
  let config = documents.get(version);
  if (config === undefined) {
    config = await readVersion(kv, version, defaults);
    if (config === undefined) throw new ConfigDocumentError(`${versionKey(version)} is missing`);
    documents.set(version, config);
  }
  return { version, config, source: 'kv' };
}

/** `config:v<id>` (and a bare id, as an owner might write by hand) → the id. */
export function parsePointer(pointer: string): VersionId | undefined {
  const trimmed = pointer.trim();
  const id = trimmed.startsWith(VERSION_PREFIX) ? trimmed.slice(VERSION_PREFIX.length) : trimmed;
  return isVersionId(id) ? id : undefined;
}

/** One stored version; `undefined` when absent. Throws ConfigDocumentError when invalid. */
export async function readVersion(
  kv: KVNamespace,
  version: VersionId,
  defaults: Config,
): Promise<Config | undefined> {
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
export async function listVersions(kv: KVNamespace): Promise<VersionInfo[]> {
  const versions: VersionInfo[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<VersionMetadata> = await kv.list<VersionMetadata>({
      prefix: VERSION_PREFIX,
      ...(cursor !== undefined && { cursor }),
    });
    for (const key of page.keys) {
      const version = parsePointer(key.name);
      if (version === undefined || versionKey(version) !== key.name) continue;
      versions.push({ version, publishedAt: key.metadata?.publishedAt ?? null });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor !== undefined);
  // Newest first: ids sort by their publish time; versions counted before ids are older.
  return versions.sort((a, b) => compareVersionIds(b.version, a.version));
}

/** Orders ids by publish time; a legacy counted version comes before every id. */
export function compareVersionIds(a: VersionId, b: VersionId): number {
  const legacyA = LEGACY_ID.test(a);
  const legacyB = LEGACY_ID.test(b);
  if (legacyA && legacyB) return Number(a) - Number(b);
  if (legacyA !== legacyB) return legacyA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The version the pointer names, or undefined when none is published. */
export async function currentVersion(kv: KVNamespace): Promise<VersionId | undefined> {
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
  kv: KVNamespace,
  config: Config,
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
  kv: KVNamespace,
  version: VersionId,
  defaults: Config,
): Promise<Config | undefined> {
  const config = await readVersion(kv, version, defaults);
  if (config === undefined) return undefined;
  await kv.put(CURRENT_KEY, versionKey(version));
  return config;
}

function isOrigin(value: string): boolean {
  const url = parseUrl(value);
  return url !== undefined && /^https?:$/.test(url.protocol) && url.origin === value;
}

function isPublicBase(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== undefined &&
    // It is written into playlists as it is: nothing a URI line or a quoted-string cannot hold.
    !/[\s"'<>\\^`{|}]/.test(value) &&
    /^https?:$/.test(url.protocol) &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '' &&
    !value.includes('?') &&
    !value.includes('#')
  );
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
