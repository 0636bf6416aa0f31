import { encodeKey, serveBytes } from '@edge-gallery/http';
import { matchMedia, storeMedia } from './cache/media.ts';
import { lookupTemplate, storeTemplate, templateKey } from './cache/templates.ts';
import type { LoadedConfig } from './config/memo.ts';
import { Failure } from './failure.ts';
import { isPlaylistKey, isStoryboardKey, type ObjectPath } from './paths.ts';
import { type Strategy, strategyFor } from './strategy.ts';
import { tagOf } from './tag.ts';
import { buildTemplate, renderTemplate, type Template } from './template.ts';
import { authorize, type Grant } from './token.ts';
import type { Visit } from './visit.ts';

// The request path: verify the token → pick the strategy → cache tiers → rewrite (a
// playlist) or stream/redirect (media).

export async function serveHls(visit: Visit, path: ObjectPath): Promise<Response> {
  const { playbackKeys, maxTokenLifetimeSeconds } = visit.settings;
  const grant = authorize(
    visit.url.searchParams,
    path.key,
    playbackKeys,
    visit.now,
    maxTokenLifetimeSeconds,
  );
  const loaded = await visit.config();
  const strategy = strategyFor(grant.bucket, loaded.config);
  visit.timing.strategy(strategy);
  return isPlaylistKey(path.key)
    ? servePlaylist(visit, path, grant, loaded, strategy)
    : serveMedia(visit, path, loaded, strategy);
}

async function servePlaylist(
  visit: Visit,
  path: ObjectPath,
  grant: Grant,
  loaded: LoadedConfig,
  strategy: Strategy,
): Promise<Response> {
  const { config } = loaded;
  const { settings, timing } = visit;
  const nowSeconds = Math.floor(visit.now / 1000);
  const windowStart = nowSeconds - (nowSeconds % config.playlistWindowSeconds);
  const windowEnd = windowStart + config.playlistWindowSeconds;
  const key = templateKey({
    fingerprint: settings.fingerprint,
    configVersion: loaded.version,
    strategy,
    windowStart,
    key: path.key,
  });
  const where = {
    origin: visit.url.origin,
    now: visit.now,
    kv: config.kvPlaylistCache ? visit.env.VIDEO_CACHE : undefined,
    timing,
  };

  let template: Template;
  const hit = await lookupTemplate(visit.isolate.templates, key, where);
  if (hit !== undefined) {
    template = hit.template;
    timing.tier(hit.tier);
  } else {
    timing.tier('miss');
    const storage = visit.storage;
    const source = await timing.measure(storage.kind, storage.readPlaylist(path.key));
    if (source === null) {
      throw new Failure(path.key === `${path.scope}master.m3u8` ? 'unknown-video' : 'not-found');
    }
    template = buildTemplate(source, {
      key: path.key,
      scope: path.scope,
      strategy,
      presigner: settings.presigner,
      windowStart: windowStart * 1000,
      urlLifetime: config.playlistWindowSeconds + config.presignTtlSeconds,
      publicBase: config.publicBase,
      tagBase: key,
      onSign: (ms) => timing.add('sign', ms),
    });
    // A template built under a fallback config is served, never shared.
    if (loaded.source !== 'fallback') {
      storeTemplate(visit.isolate.templates, key, template, windowEnd * 1000, {
        ...where,
        ctx: visit.ctx,
      });
    }
  }

  const personal = template.parts.length > 1;
  // The copy must not be kept longer than the URLs inside it work.
  const expiresAt = Math.min(
    template.urlsExpireAt ?? Number.POSITIVE_INFINITY,
    personal ? grant.expiresAt : Number.POSITIVE_INFINITY,
  );
  const maxAge = Number.isFinite(expiresAt)
    ? Math.max(0, expiresAt - nowSeconds)
    : windowEnd - nowSeconds;
  const etag = `"${personal ? `${template.tag}.${tagOf(grant.query)}` : template.tag}"`;
  return serveBytes(visit.request, renderTemplate(template, grant.query), etag, {
    'Content-Type': 'application/vnd.apple.mpegurl',
    'Cache-Control': `private, max-age=${maxAge}`,
    'X-Content-Type-Options': 'nosniff',
  });
}

/** Media never changes under its key (a new encode is a new video id): cache for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

async function serveMedia(
  visit: Visit,
  path: ObjectPath,
  loaded: LoadedConfig,
  strategy: Strategy,
): Promise<Response> {
  const { config } = loaded;
  const streamed = strategy === 'token' || isStoryboardKey(path.key);
  if (!streamed && (strategy === 'presign' || strategy === 'redirect')) {
    // The fallback for a player holding a playlist whose URLs expired, or written by hand;
    // and every segment of the `redirect` baseline.
    // A HEAD is redirected as a HEAD, and S3 checks the signed method: sign for it.
    const { settings } = visit;
    const presigner = visit.request.method === 'HEAD' ? settings.headPresigner : settings.presigner;
    const started = performance.now();
    const url = presigner.presign(path.key, {
      expiresIn: config.presignTtlSeconds,
      now: visit.now,
    });
    visit.timing.add('sign', performance.now() - started);
    return redirect(url);
  }
  if (!streamed && strategy === 'public') {
    return redirect(`${config.publicBase}/${encodeKey(path.key)}`);
  }

  const { request, timing } = visit;
  // HEAD and conditional GETs are cheap at R2; the cache holds whole 200s only.
  if (request.method === 'GET') {
    const cached = await timing.measure(
      'cache-api',
      matchMedia(request, path.key, visit.url.origin),
    );
    if (cached !== undefined) {
      timing.tier('cache');
      return cached;
    }
  }
  timing.tier('miss');
  const storage = visit.storage;
  const response = await timing.measure(
    storage.kind,
    storage.serveMedia(request, path.key, IMMUTABLE),
  );
  return request.method === 'GET'
    ? storeMedia(response, path.key, visit.url.origin, visit.ctx)
    : response;
}

function redirect(location: string): Response {
  return new Response(null, {
    status: 302,
    headers: { Location: location, 'Cache-Control': 'no-store' },
  });
}
