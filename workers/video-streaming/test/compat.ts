// Golden fixtures of what this worker writes, for the N → N+1 compatibility test
// (src/compat.test.ts). A fixture is everything one version hands to the outside world
// or leaves in shared storage: the token queries it accepts, the playlists it serves
// under each strategy, and a Cache API entry it wrote. A newer version must accept all
// of it. See README.md "Compatibility between live versions".
import { env } from 'cloudflare:workers';
import { vi } from 'vitest';
import { CACHE_FORMAT } from '../src/cache/format.ts';
import { ALL_STRATEGIES, BUCKET, publishConfig } from './admin.ts';
import { resetKv } from './bindings.ts';
import { T0, testWorker, textOf } from './worker.ts';

export type CompatFixture = {
  /** The cache format of the version that wrote it (CACHE_FORMAT). */
  format: string;
  note: string;
  /** The clock of the version that wrote it, ms. */
  now: number;
  video: string;
  config: unknown;
  /** Storage key → text: the video as it was stored. */
  sources: Record<string, string>;
  /** Strategy → the token query the viewer handed out (expires in 2100). */
  tokens: Record<keyof typeof BUCKET, string>;
  /** Strategy → request path → body served. */
  served: Record<keyof typeof BUCKET, Record<string, string>>;
  /** One playlist template entry as this version left it in the Cache API. */
  cacheEntry: { cache: string; path: string; headers: Record<string, string>; body: string };
};

export const COMPAT_VIDEO = 'compat-video';
const EXPIRES_2100 = 4_102_444_800;

/** The fixtures' tokens live until 2100: far past the token lifetime ceiling, raised here. */
export const TIMELESS_ENV = {
  ...env,
  MAX_TOKEN_LIFETIME_SECONDS: String(EXPIRES_2100 - T0 / 1000),
} as Env;

/** The sources of the fixture video: a master, two variants, init and segments. */
export function compatSources(): Record<string, string> {
  const variant = (name: string) =>
    [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXTINF:2.000000,',
      'seg0.m4s',
      '#EXTINF:2.000000,',
      'seg 1.m4s',
      '#EXT-X-ENDLIST',
      '',
    ].join(name === 'hi' ? '\r\n' : '\n');
  const sources: Record<string, string> = {
    [`hls/${COMPAT_VIDEO}/master.m3u8`]: [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="audio/en.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=900000,AUDIO="aud"',
      'hi/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=300000,AUDIO="aud"',
      'lo/index.m3u8',
      '',
    ].join('\n'),
    [`hls/${COMPAT_VIDEO}/audio/en.m3u8`]: variant('audio'),
  };
  for (const name of ['hi', 'lo'])
    sources[`hls/${COMPAT_VIDEO}/${name}/index.m3u8`] = variant(name);
  for (const dir of ['hi', 'lo', 'audio']) {
    for (const file of ['init.mp4', 'seg0.m4s', 'seg 1.m4s']) {
      const key = `hls/${COMPAT_VIDEO}/${dir}/${file}`;
      sources[key] = `bytes of ${key}\n`;
    }
  }
  return sources;
}

export async function seedSources(sources: Record<string, string>): Promise<void> {
  for (const [key, text] of Object.entries(sources)) await env.MEDIA.put(key, text);
}

/** What the current code writes: a new fixture, when a format changes (see README). */
export async function buildCompatFixture(
  tokenOf: (bucket: number) => string,
): Promise<CompatFixture> {
  await resetKv();
  const sources = compatSources();
  await seedSources(sources);
  const worker = testWorker({ start: T0, env: TIMELESS_ENV });
  // Version ids carry 50 random bits, and the playlist cache key names the version: fixed
  // bits keep the fixture's cache entry the same on every build.
  const random = vi.spyOn(crypto, 'getRandomValues').mockImplementation((array) => array);
  await publishConfig(worker, ALL_STRATEGIES);
  random.mockRestore();
  const put = vi.spyOn(Cache.prototype, 'put');
  // A host of its own: the Cache API has nothing for it yet, so every template is built.
  const origin = `https://build-${crypto.randomUUID()}.test`;

  const tokens = {} as CompatFixture['tokens'];
  const served = {} as CompatFixture['served'];
  for (const strategy of Object.keys(BUCKET) as (keyof typeof BUCKET)[]) {
    const token = tokenOf(BUCKET[strategy]);
    tokens[strategy] = token;
    served[strategy] = {};
    const paths = [
      `/api/hls/playlist?key=${COMPAT_VIDEO}&${token}`,
      `/api/hls/${COMPAT_VIDEO}/hi/index.m3u8?${token}`,
      `/api/hls/${COMPAT_VIDEO}/audio/en.m3u8?${token}`,
    ];
    for (const path of paths) {
      served[strategy][path] = await textOf(await worker.settle(`${origin}${path}`));
    }
  }
  const [request] = put.mock.calls.find(([key]) =>
    String(key instanceof Request ? key.url : key).includes('/hi/index.m3u8'),
  )!;
  const url = new URL(request instanceof Request ? request.url : String(request));
  const cache = await caches.open(`edge-gallery-playlists:${CACHE_FORMAT}`);
  const entry = (await cache.match(url.href))!;
  put.mockRestore();
  return {
    format: CACHE_FORMAT,
    note: 'Written by the compat fixture builder (test/compat.ts); never edit, add a new one.',
    now: T0,
    video: COMPAT_VIDEO,
    config: ALL_STRATEGIES,
    sources,
    tokens,
    served,
    cacheEntry: {
      cache: `edge-gallery-playlists:${CACHE_FORMAT}`,
      path: url.pathname,
      headers: Object.fromEntries(
        [...entry.headers].filter(
          ([name]) => name.startsWith('x-template-') || name === 'cache-control',
        ),
      ),
      body: await entry.text(),
    },
  };
}

export { EXPIRES_2100 };
