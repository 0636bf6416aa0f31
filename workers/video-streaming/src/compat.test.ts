import { verifyPresignedUrl } from '@edge-gallery/r2-signer';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import {
  buildCompatFixture,
  type CompatFixture,
  EXPIRES_2100,
  seedSources,
  TIMELESS_ENV,
} from '../test/compat.ts';
import { S3_CREDENTIALS, tokenFor } from '../test/tokens.ts';
import { urisOf } from '../test/video.ts';
import { testWorker, textOf } from '../test/worker.ts';
import { CACHE_FORMAT } from './cache/format.ts';

// During a gradual deployment two versions of this worker serve at once: a player may
// get its master playlist from version N and every later request from N+1, and both
// share one Cache API and one KV namespace. Each test/compat/<date>.json fixture is
// what one version wrote; every version after it must keep serving it. The newest one
// also pins what the current code writes, so that a change of format cannot slip in
// unnoticed: such a change adds a fixture (README.md, "Compatibility between versions").

const fixtures = import.meta.glob<CompatFixture>('../test/compat/*.json', {
  eager: true,
  import: 'default',
});
const all = Object.entries(fixtures).map(([path, fixture]) => ({
  name: path.slice(path.lastIndexOf('/') + 1),
  fixture,
}));
const newest = all.at(-1)!.fixture;
const fixtureToken = (video: string) => (bucket: number) =>
  tokenFor(video, { bucket, expiresAt: EXPIRES_2100 });

it('has a fixture for the current cache format', () => {
  expect(all.map(({ fixture }) => fixture.format)).toContain(CACHE_FORMAT);
});

describe.each(all)('what the version of $name wrote', ({ fixture }) => {
  let worker: ReturnType<typeof testWorker>;
  const strategies = Object.keys(fixture.tokens) as (keyof CompatFixture['tokens'])[];

  beforeAll(async () => {
    await resetKv();
    await seedSources(fixture.sources);
    worker = testWorker({ start: fixture.now, env: TIMELESS_ENV });
    await publishConfig(worker, fixture.config);
  });

  it.each(strategies)('its %s token is accepted on the master route', async (strategy) => {
    const response = await worker.fetch(
      `/api/hls/playlist?key=${fixture.video}&${fixture.tokens[strategy]}`,
    );
    expect(response.status).toBe(200);
  });

  it.each(strategies)(
    'every URI it wrote back to the worker (%s) is still served',
    async (strategy) => {
      for (const [path, body] of Object.entries(fixture.served[strategy])) {
        for (const uri of urisOf(body).filter((u) => u.startsWith('/api/hls/'))) {
          const response = await worker.fetch(uri);
          expect(response.status, `${uri} from ${path}`).toBe(200);
          const key = decodeURIComponent(
            new URL(uri, 'https://x.test').pathname.slice('/api/'.length),
          );
          if (key.endsWith('.m3u8')) {
            expect(response.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
            await response.arrayBuffer();
          } else {
            expect(await textOf(response), uri).toBe(fixture.sources[key]);
          }
        }
      }
    },
  );

  it('every presigned URL it wrote verifies for a key of the video', () => {
    for (const body of Object.values(fixture.served.presign)) {
      for (const uri of urisOf(body).filter((u) => !u.startsWith('/api/'))) {
        const verdict = verifyPresignedUrl(uri, {
          credentials: S3_CREDENTIALS,
          region: 'auto',
          now: fixture.now,
        });
        expect(verdict.ok, uri).toBe(true);
        expect(verdict.ok && fixture.sources[verdict.key]).toBeDefined();
      }
    }
  });

  it('its Cache API entry is read correctly, or not at all — never as a wrong playlist', async () => {
    const { cacheEntry } = fixture;
    const cache = await caches.open(cacheEntry.cache);
    await cache.put(
      `https://video.test${cacheEntry.path}`,
      new Response(cacheEntry.body, { headers: cacheEntry.headers }),
    );
    const path = `/api/hls/${fixture.video}/hi/index.m3u8?${fixture.tokens.presign}`;
    const served = await textOf(
      await testWorker({ start: fixture.now, env: TIMELESS_ENV }).fetch(path),
    );
    // Another host name misses the Cache API: the current code builds afresh.
    const fresh = await textOf(
      await testWorker({ start: fixture.now, env: TIMELESS_ENV }).fetch(
        `https://fresh.test${path}`,
      ),
    );
    expect(served).toBe(fresh);
  });
});

describe('the newest fixture', () => {
  it('is exactly what the current code writes (a format change adds a fixture)', async () => {
    const current = await buildCompatFixture(fixtureToken(newest.video));
    expect(current.format).toBe(newest.format);
    expect(current.tokens).toEqual(newest.tokens);
    expect(current.served).toEqual(newest.served);
    expect(current.cacheEntry).toEqual(newest.cacheEntry);
  });
});

// VITE_PRINT_COMPAT_FIXTURE=1 pnpm vitest run src/compat.test.ts prints a fixture of the
// current code, to be saved as test/compat/<today>.json (README.md).
const printing = (import.meta as { env?: Record<string, string> }).env?.VITE_PRINT_COMPAT_FIXTURE;
it.runIf(printing)('prints a fixture of the current formats', async () => {
  const fixture = await buildCompatFixture(fixtureToken(newest?.video ?? 'compat-video'));
  console.log(`COMPAT-FIXTURE ${JSON.stringify(fixture, null, 2)}`);
});
