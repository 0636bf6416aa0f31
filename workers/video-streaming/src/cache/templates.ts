import { encodeKey } from '@edge-gallery/http';
import type { Strategy } from '../strategy.ts';
import { deserializeParts, serializeParts, type Template } from '../template.ts';
import type { Timing } from '../timing.ts';
import { CACHE_FORMAT, cacheKeyUrl, logCacheError } from './format.ts';
import type { TemplateLru } from './template-lru.ts';

// Cache tiers for signed playlist templates, fastest first: this isolate's memory
// (bounded LRU), the Workers Cache API (per data centre), and KV (global, off by
// default: the free plan allows 1,000 KV writes a day).

const PLAYLIST_CACHE = `edge-gallery-playlists:${CACHE_FORMAT}`;
const KV_PREFIX = `playlist:${CACHE_FORMAT}:`;

/** The tier that answered a playlist, or `miss` when it was built. */
export type Tier = 'isolate' | 'cache' | 'kv' | 'miss';

export type TemplateKeyParts = {
  /** Settings.fingerprint: endpoint, bucket, access key id, public base. */
  fingerprint: string;
  /** The config's version id (unique per publish); null for the defaults. */
  configVersion: string | null;
  strategy: Strategy;
  /** Unix seconds. */
  windowStart: number;
  key: string;
};

/** `<fingerprint>/<config version>/<strategy>/<window start>/<storage key>`: no token. */
export function templateKey(parts: TemplateKeyParts): string {
  const { fingerprint, configVersion, strategy, windowStart, key } = parts;
  const version = configVersion ?? 'default';
  return `${fingerprint}/${version}/${strategy}/${windowStart}/${encodeKey(key)}`;
}

type Where = {
  /** The request's origin: Cache API keys stay on the zone's own hostname. */
  origin: string;
  now: number;
  /** The KV tier, when the config turns it on. */
  kv: KVNamespace | undefined;
  timing: Timing;
};

/** Finds a template in the fastest tier that has it, and fills the faster ones. */
export async function lookupTemplate(
  memory: TemplateLru,
  key: string,
  where: Where,
): Promise<{ template: Template; tier: Tier } | undefined> {
  const hit = memory.get(key, where.now);
  if (hit !== undefined) return { template: hit, tier: 'isolate' };

  const cached = await where.timing.measure('cache-api', matchTemplate(key, where.origin));
  if (cached !== undefined) {
    memory.set(key, cached.template, cached.expiresAt);
    return { template: cached.template, tier: 'cache' };
  }
  if (where.kv === undefined) return undefined;
  const stored = await where.timing.measure('kv', getKvTemplate(where.kv, key));
  if (stored === undefined || where.now >= stored.expiresAt) return undefined;
  memory.set(key, stored.template, stored.expiresAt);
  return { template: stored.template, tier: 'kv' };
}

/** Writes a fresh template to every tier; shared tiers in the background. */
export function storeTemplate(
  memory: TemplateLru,
  key: string,
  template: Template,
  expiresAt: number,
  where: Where & { ctx: ExecutionContext },
): void {
  memory.set(key, template, expiresAt);
  const seconds = Math.floor((expiresAt - where.now) / 1000);
  if (seconds < 1) return;
  where.ctx.waitUntil(putTemplate(key, where.origin, template, expiresAt, seconds));
  if (where.kv !== undefined) {
    where.ctx.waitUntil(putKvTemplate(where.kv, key, template, expiresAt, seconds));
  }
}

// An entry is the serialized parts and this metadata: Cache API headers, KV metadata.
const HEADERS = {
  tag: 'X-Template-Tag',
  expiresAt: 'X-Template-Expires',
  urlsExpireAt: 'X-Template-Urls-Expire',
  parts: 'X-Template-Parts',
} as const;
type EntryMetadata = Record<keyof typeof HEADERS, string | null | undefined>;

let playlistCache: Promise<Cache> | undefined;

async function matchTemplate(
  key: string,
  origin: string,
): Promise<{ template: Template; expiresAt: number } | undefined> {
  try {
    playlistCache ??= caches.open(PLAYLIST_CACHE);
    const response = await (await playlistCache).match(cacheKeyUrl(origin, 'playlist', key));
    if (response === undefined) return undefined;
    const metadata = {} as EntryMetadata;
    for (const [field, header] of Object.entries(HEADERS) as [keyof EntryMetadata, string][]) {
      metadata[field] = response.headers.get(header);
    }
    return decodeEntry(await response.text(), metadata);
  } catch (error) {
    // A cache that fails is a miss: the template is built again.
    logCacheError('match', error);
    return undefined;
  }
}

async function putTemplate(
  key: string,
  origin: string,
  template: Template,
  expiresAt: number,
  seconds: number,
): Promise<void> {
  try {
    playlistCache ??= caches.open(PLAYLIST_CACHE);
    const headers = new Headers({
      'Cache-Control': `max-age=${seconds}`,
      'Content-Type': 'text/plain; charset=utf-8',
    });
    for (const [field, value] of Object.entries(entryMetadata(template, expiresAt))) {
      headers.set(HEADERS[field as keyof EntryMetadata], value);
    }
    await (await playlistCache).put(
      cacheKeyUrl(origin, 'playlist', key),
      new Response(serializeParts(template), { headers }),
    );
  } catch (error) {
    logCacheError('put', error);
  }
}

function entryMetadata(template: Template, expiresAt: number): Record<keyof EntryMetadata, string> {
  return {
    tag: template.tag,
    expiresAt: String(expiresAt),
    urlsExpireAt: template.urlsExpireAt === null ? '' : String(template.urlsExpireAt),
    parts: String(template.parts.length),
  };
}

function decodeEntry(
  body: string,
  meta: EntryMetadata,
): { template: Template; expiresAt: number } | undefined {
  const parts = deserializeParts(body);
  const expiresAt = Number(meta.expiresAt);
  // Anything unexpected is a miss, never a wrong playlist.
  if (!meta.tag || !Number.isFinite(expiresAt) || Number(meta.parts) !== parts.length) {
    return undefined;
  }
  const urlsExpireAt = meta.urlsExpireAt ? Number(meta.urlsExpireAt) : null;
  return { template: { parts, urlsExpireAt, tag: meta.tag }, expiresAt };
}

// KV keys are at most 512 bytes: a template whose key is longer skips the KV tier.
const MAX_KV_KEY = 500;

async function getKvTemplate(
  kv: KVNamespace,
  key: string,
): Promise<{ template: Template; expiresAt: number } | undefined> {
  if (KV_PREFIX.length + key.length > MAX_KV_KEY) return undefined;
  try {
    const { value, metadata } = await kv.getWithMetadata<EntryMetadata>(KV_PREFIX + key);
    if (value === null || metadata === null) return undefined;
    return decodeEntry(value, metadata);
  } catch (error) {
    logCacheError('kv get', error);
    return undefined;
  }
}

async function putKvTemplate(
  kv: KVNamespace,
  key: string,
  template: Template,
  expiresAt: number,
  seconds: number,
): Promise<void> {
  if (KV_PREFIX.length + key.length > MAX_KV_KEY) return;
  try {
    const metadata = entryMetadata(template, expiresAt);
    // KV's shortest expiry is 60 s; the window start in the key keeps a late entry unused.
    await kv.put(KV_PREFIX + key, serializeParts(template), {
      expirationTtl: Math.max(60, seconds),
      metadata,
    });
  } catch (error) {
    logCacheError('kv put', error);
  }
}
