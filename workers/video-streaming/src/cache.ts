import { encodeKey } from './paths.ts';
import type { Strategy } from './strategy.ts';
import { deserializeParts, serializeParts, type Template } from './template.ts';
import type { Timing } from './timing.ts';

// Cache tiers for signed playlist templates, fastest first: this isolate's memory
// (bounded LRU), the Workers Cache API (per data centre), and KV (global, off by
// default: the free plan allows 1,000 KV writes a day). Plus the Cache API for media
// the worker serves itself (`token` strategy).
//
// Keys name what the bytes depend on and never a visitor's token. The format version
// is part of every cache name, so two live versions of this worker (a gradual
// deployment) never read each other's entries in a format they do not know.

export const CACHE_FORMAT = 'v1';
const PLAYLIST_CACHE = `edge-gallery-playlists:${CACHE_FORMAT}`;
const MEDIA_CACHE = `edge-gallery-media:${CACHE_FORMAT}`;
const KV_PREFIX = `playlist:${CACHE_FORMAT}:`;

export type Tier = 'isolate' | 'cache' | 'kv';

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

type Entry = { template: Template; expiresAt: number; weight: number };

/**
 * A bounded LRU in isolate memory (a Map keeps insertion order: a hit moves its entry
 * to the end, eviction takes from the front). Weight is the template's length in
 * UTF-16 code units; a 600-segment presigned playlist weighs about 200,000.
 */
export class IsolateCache {
  readonly #entries = new Map<string, Entry>();
  #weight = 0;

  constructor(
    readonly maxEntries = 512,
    readonly maxWeight = 8_000_000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }

  get(key: string, now: number): Template | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (now >= entry.expiresAt) {
      this.#weight -= entry.weight;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.template;
  }

  /** Keeps `template` until `expiresAt` (ms) or until evicted. */
  set(key: string, template: Template, expiresAt: number): void {
    let weight = 0;
    for (const part of template.parts) weight += part.length;
    // One huge playlist must not flush every other video.
    if (weight > this.maxWeight / 8) return;
    this.#drop(key);
    this.#entries.set(key, { template, expiresAt, weight });
    this.#weight += weight;
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#weight <= this.maxWeight) break;
      this.#drop(oldest);
    }
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
  }
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
  isolate: IsolateCache,
  key: string,
  where: Where,
): Promise<{ template: Template; tier: Tier } | undefined> {
  const hit = isolate.get(key, where.now);
  if (hit !== undefined) return { template: hit, tier: 'isolate' };

  const cached = await where.timing.measure('cache-api', matchTemplate(key, where.origin));
  if (cached !== undefined) {
    isolate.set(key, cached.template, cached.expiresAt);
    return { template: cached.template, tier: 'cache' };
  }
  if (where.kv === undefined) return undefined;
  const stored = await where.timing.measure('kv', getKvTemplate(where.kv, key));
  if (stored === undefined || where.now >= stored.expiresAt) return undefined;
  isolate.set(key, stored.template, stored.expiresAt);
  return { template: stored.template, tier: 'kv' };
}

/** Writes a fresh template to every tier; shared tiers in the background. */
export function storeTemplate(
  isolate: IsolateCache,
  key: string,
  template: Template,
  expiresAt: number,
  where: Where & { ctx: ExecutionContext },
): void {
  isolate.set(key, template, expiresAt);
  const seconds = Math.floor((expiresAt - where.now) / 1000);
  if (seconds < 1) return;
  where.ctx.waitUntil(putTemplate(key, where.origin, template, expiresAt, seconds));
  if (where.kv !== undefined) {
    where.ctx.waitUntil(putKvTemplate(where.kv, key, template, expiresAt, seconds));
  }
}

// Cache API entries: the serialized parts as the body, the rest in headers.
const TAG = 'X-Template-Tag';
const EXPIRES = 'X-Template-Expires';
const URLS_EXPIRE = 'X-Template-Urls-Expire';
const PARTS = 'X-Template-Parts';

let playlistCache: Promise<Cache> | undefined;
let mediaCache: Promise<Cache> | undefined;

function cacheKeyUrl(origin: string, kind: 'playlist' | 'media', key: string): string {
  return `${origin}/_cache/${kind}/${key}`;
}

async function matchTemplate(
  key: string,
  origin: string,
): Promise<{ template: Template; expiresAt: number } | undefined> {
  try {
    playlistCache ??= caches.open(PLAYLIST_CACHE);
    const response = await (await playlistCache).match(cacheKeyUrl(origin, 'playlist', key));
    if (response === undefined) return undefined;
    return decodeEntry(await response.text(), {
      tag: response.headers.get(TAG),
      expiresAt: response.headers.get(EXPIRES),
      urlsExpireAt: response.headers.get(URLS_EXPIRE),
      parts: response.headers.get(PARTS),
    });
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
      ...entryHeaders(template, expiresAt),
    });
    await (await playlistCache).put(
      cacheKeyUrl(origin, 'playlist', key),
      new Response(serializeParts(template), { headers }),
    );
  } catch (error) {
    logCacheError('put', error);
  }
}

type EntryMetadata = {
  tag: string | null | undefined;
  expiresAt: string | null | undefined;
  urlsExpireAt: string | null | undefined;
  parts: string | null | undefined;
};

function entryHeaders(template: Template, expiresAt: number): Record<string, string> {
  return {
    [TAG]: template.tag,
    [EXPIRES]: String(expiresAt),
    [URLS_EXPIRE]: template.urlsExpireAt === null ? '' : String(template.urlsExpireAt),
    [PARTS]: String(template.parts.length),
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
    const h = entryHeaders(template, expiresAt);
    const metadata: EntryMetadata = {
      tag: h[TAG],
      expiresAt: h[EXPIRES],
      urlsExpireAt: h[URLS_EXPIRE],
      parts: h[PARTS],
    };
    // KV's shortest expiry is 60 s; the window start in the key keeps a late entry unused.
    await kv.put(KV_PREFIX + key, serializeParts(template), {
      expirationTtl: Math.max(60, seconds),
      metadata,
    });
  } catch (error) {
    logCacheError('kv put', error);
  }
}

// Media the worker serves itself (`token` strategy) is immutable: cached for a year,
// keyed by storage key alone. The Cache API answers Range and conditional requests
// from a stored 200 by itself.
const MEDIA_MATCH_HEADERS = ['Range', 'If-Range', 'If-None-Match', 'If-Modified-Since'];

export async function matchMedia(
  request: Request,
  key: string,
  origin: string,
): Promise<Response | undefined> {
  try {
    mediaCache ??= caches.open(MEDIA_CACHE);
    const headers = new Headers();
    for (const name of MEDIA_MATCH_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const lookup = new Request(cacheKeyUrl(origin, 'media', encodeKey(key)), {
      method: request.method === 'HEAD' ? 'HEAD' : 'GET',
      headers,
    });
    return await (await mediaCache).match(lookup);
  } catch (error) {
    logCacheError('media match', error);
    return undefined;
  }
}

/**
 * Bodies larger than this are streamed without a copy to the cache. `tee()` holds in
 * memory whatever one branch has read and the other has not, so a long body teed into
 * the cache can pile up in the isolate (the load bench saw workerd grow by 1.3 GB for a
 * 1 GiB original); production's Cache API refuses objects over 512 MB anyway. HLS
 * segments are a few MB.
 */
export const MEDIA_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/** Stores a complete 200 answer of known, bounded size; the caller gets a twin of it to send. */
export function storeMedia(
  response: Response,
  key: string,
  origin: string,
  ctx: ExecutionContext,
  maxBytes = MEDIA_CACHE_MAX_BYTES,
): Response {
  if (response.status !== 200 || response.body === null) return response;
  const length = Number(response.headers.get('Content-Length') ?? Number.NaN);
  if (!(length <= maxBytes)) return response;
  const [toVisitor, toCache] = response.body.tee();
  const stored = new Response(toCache, response);
  ctx.waitUntil(
    (async () => {
      try {
        mediaCache ??= caches.open(MEDIA_CACHE);
        await (await mediaCache).put(cacheKeyUrl(origin, 'media', encodeKey(key)), stored);
      } catch (error) {
        logCacheError('media put', error);
      }
    })(),
  );
  return new Response(toVisitor, response);
}

function logCacheError(operation: string, error: unknown): void {
  console.error(
    `video-streaming: cache ${operation} failed`,
    error instanceof Error ? error.message : error,
  );
}
