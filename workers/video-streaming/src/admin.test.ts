import { env } from 'cloudflare:workers';
import { equalInConstantTime } from '@edge-gallery/r2-signer';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, adminHeaders, BUCKET, publishConfig } from '../test/admin.ts';
import { failing, resetKv } from '../test/bindings.ts';
import { tokenFor } from '../test/tokens.ts';
import { masterUrl, seedVideo, uniqueVideoId } from '../test/video.ts';
import { T0, testWorker, textOf } from '../test/worker.ts';
import { defaultConfig } from './config/document.ts';
import { MEMO_MS } from './config/memo.ts';

// The signer's constant-time comparison, watched (it still compares): the admin token must
// go through it, as every secret in the repository does.
vi.mock('@edge-gallery/r2-signer', async (original) => {
  const signer = await original<typeof import('@edge-gallery/r2-signer')>();
  return { ...signer, equalInConstantTime: vi.fn(signer.equalInConstantTime) };
});

beforeEach(async () => {
  await resetKv();
});

const tokenHalf = { rollout: { presign: 50, token: 50, public: 0 } };

describe('admin authentication', () => {
  const attempts: [string, HeadersInit][] = [
    ['no Authorization header', {}],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['a wrong token', { Authorization: 'Bearer test-admin-tokex' }],
    ['a prefix of the token', { Authorization: 'Bearer test-admin' }],
    ['the token with more after it', { Authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ['another scheme', { Authorization: `Basic ${ADMIN_TOKEN}` }],
    ['the token as a query parameter only', {}],
  ];
  const routes: [string, string][] = [
    ['GET', '/admin/config'],
    ['PUT', '/admin/config'],
    ['GET', '/admin/config/versions'],
    ['POST', '/admin/config/rollback'],
    ['GET', '/admin/anything-else'],
  ];

  it.each(routes)('%s %s refuses every request without the admin token', async (method, path) => {
    for (const [name, headers] of attempts) {
      const response = await testWorker().fetch(`${path}?token=${ADMIN_TOKEN}`, {
        method,
        headers,
        ...(method === 'GET' ? {} : { body: JSON.stringify(tokenHalf) }),
      });
      expect(response.status, name).toBe(401);
      expect(await response.json()).toEqual({ error: 'unauthorized' });
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    }
    expect(await env.VIDEO_CACHE.get('config:current')).toBeNull();
  });

  it('compares the token in constant time (equalInConstantTime over equal-length digests)', async () => {
    const compare = vi.mocked(equalInConstantTime);
    compare.mockClear();
    const response = await testWorker().fetch('/admin/config', {
      headers: { Authorization: 'Bearer short' },
    });
    expect(response.status).toBe(401);
    expect(compare).toHaveBeenCalledTimes(1);
    const [given, expected] = compare.mock.calls[0]!;
    // SHA-256 digests as base64url: 43 characters whatever the tokens' lengths.
    expect([given.length, expected.length]).toEqual([43, 43]);
    expect(given).not.toContain('short');
    expect(compare.mock.results[0]!.value).toBe(false);
  });
});

describe('admin config API', () => {
  it('reads the defaults while nothing is published', async () => {
    const response = await testWorker().fetch('/admin/config', { headers: adminHeaders() });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({
      version: null,
      source: 'default',
      // What config/document.test.ts specifies for this deployment (no PUBLIC_BASE).
      config: defaultConfig({ presignTtlSeconds: 3600, publicBase: undefined }),
    });
  });

  it('publishes a document under a new version id and reads it back', async () => {
    const worker = testWorker();
    const put = await worker.fetch('/admin/config', {
      method: 'PUT',
      headers: adminHeaders(),
      body: JSON.stringify(tokenHalf),
    });
    expect(put.status).toBe(201);
    const published = (await put.json()) as { version: string; config: { rollout: unknown } };
    expect(published.version).toMatch(/^\d{8}T\d{9}Z-[a-z2-7]{10}$/);
    expect(published.config.rollout).toEqual(tokenHalf.rollout);
    const second = await publishConfig(worker, { debug: true });
    expect(second).not.toBe(published.version);
    const read = (await (
      await worker.fetch('/admin/config', { headers: adminHeaders() })
    ).json()) as {
      version: string;
      config: { debug: boolean };
    };
    expect(read.version).toBe(second);
    expect(read.config.debug).toBe(true);
  });

  it('refuses an invalid document with 400 and the issues, publishing nothing', async () => {
    const response = await testWorker().fetch('/admin/config', {
      method: 'PUT',
      headers: adminHeaders(),
      body: JSON.stringify({ rollout: { presign: 90, token: 20, public: 0 }, debug: 'yes' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string }[] };
    expect(body.error).toBe('invalid-config');
    expect(body.issues.map((issue) => issue.path).sort()).toEqual(['debug', 'rollout']);
    expect(await env.VIDEO_CACHE.get('config:current')).toBeNull();
  });

  it.each([
    ['omitted (and no PUBLIC_MEDIA_BASE)', {}],
    ['null', { publicBase: null }],
  ])('refuses a public share while publicBase is %s, publishing nothing', async (_name, base) => {
    // An unset base would quietly presign instead; the owner must name the domain that
    // serves hls/ only (docs/deploy.md) before any visitor is sent to it.
    const response = await testWorker().fetch('/admin/config', {
      method: 'PUT',
      headers: adminHeaders(),
      body: JSON.stringify({ rollout: { presign: 99, token: 0, public: 1 }, ...base }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string }[] };
    expect(body).toMatchObject({ error: 'invalid-config', issues: [{ path: 'publicBase' }] });
    expect(await env.VIDEO_CACHE.get('config:current')).toBeNull();
  });

  it('accepts a public share once publicBase names the domain', async () => {
    const worker = testWorker();
    await publishConfig(worker, {
      rollout: { presign: 99, token: 0, public: 1 },
      publicBase: 'https://media.example.com',
    });
  });

  it.each([
    ['invalid JSON', '{"rollout":', 400, 'invalid-json'],
    ['a body over 64 KiB', JSON.stringify({ pad: 'x'.repeat(70_000) }), 413, 'payload-too-large'],
  ])('refuses %s', async (_name, body, status, reason) => {
    const response = await testWorker().fetch('/admin/config', {
      method: 'PUT',
      headers: adminHeaders(),
      body,
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: reason });
  });

  it('gives two concurrent publishes two versions, each naming its own document', async () => {
    // Two admins (two isolates) at the same instant: with counted versions both read "no
    // version yet", both wrote version 1, and isolates then disagreed under one number.
    const [a, b] = [testWorker({ start: T0 }), testWorker({ start: T0 })];
    const documents = [tokenHalf, { rollout: { presign: 0, token: 100, public: 0 } }];
    const [first, second] = await Promise.all(
      documents.map((document, i) => publishConfig(i === 0 ? a : b, document)),
    );
    expect(first).not.toBe(second);
    for (const [version, document] of [
      [first, documents[0]],
      [second, documents[1]],
    ] as const) {
      const stored = JSON.parse((await env.VIDEO_CACHE.get(`config:v${version}`))!);
      expect(stored.rollout).toEqual(document!.rollout);
    }
    // Whichever pointer write came last is live, and a fresh isolate reads exactly the
    // document published under that version.
    const live = (await (
      await testWorker({ start: T0 }).fetch('/admin/config', { headers: adminHeaders() })
    ).json()) as { version: string; config: { rollout: unknown } };
    expect([first, second]).toContain(live.version);
    expect(live.config.rollout).toEqual(documents[live.version === first ? 0 : 1]!.rollout);
    const listed = (await (
      await a.fetch('/admin/config/versions', { headers: adminHeaders() })
    ).json()) as { versions: { version: string }[] };
    expect(listed.versions.map((v) => v.version).sort()).toEqual([first, second].sort());
  });

  it('never lets isolates holding concurrently published versions share a cached playlist', async () => {
    const video = uniqueVideoId('concurrent');
    await seedVideo(video);
    const [a, b] = [testWorker({ start: T0 }), testWorker({ start: T0 })];
    await Promise.all([
      publishConfig(a, { presignTtlSeconds: 600 }),
      publishConfig(b, { presignTtlSeconds: 1200 }),
    ]);
    // Each isolate holds the version it published; the playlist key names that version, so
    // the second build cannot be answered from the first one's Cache API entry.
    const variant = `/api/hls/${video}/540p/index.m3u8?${tokenFor(video, { bucket: BUCKET.presign })}`;
    const expiresOf = async (worker: typeof a) =>
      new Set(
        [...(await textOf(await worker.settle(variant))).matchAll(/X-Amz-Expires=(\d+)/g)].map(
          (m) => m[1],
        ),
      );
    expect(await expiresOf(a)).toEqual(new Set(['900'])); // window 300 + 600
    expect(await expiresOf(b)).toEqual(new Set(['1500'])); // window 300 + 1200
  });

  it('lists versions newest first with the live one', async () => {
    const worker = testWorker({ start: T0 });
    const first = await publishConfig(worker, tokenHalf);
    worker.clock.now = T0 + 60_000;
    const second = await publishConfig(worker, {});
    const response = await worker.fetch('/admin/config/versions', { headers: adminHeaders() });
    expect(await response.json()).toEqual({
      current: second,
      versions: [
        { version: second, publishedAt: '2030-01-01T00:01:00.000Z' },
        { version: first, publishedAt: '2030-01-01T00:00:00.000Z' },
      ],
    });
  });

  it('rolls back to an earlier version, live at once in this isolate', async () => {
    const video = uniqueVideoId('rollback');
    await seedVideo(video);
    const worker = testWorker();
    const first = await publishConfig(worker, { rollout: { presign: 0, token: 100, public: 0 } });
    await publishConfig(worker, {});
    const segment = `/api/hls/${video}/540p/seg0.m4s?${tokenFor(video, { bucket: BUCKET.presign })}`;
    expect((await worker.fetch(segment)).status).toBe(302); // version 2: presign

    const response = await worker.fetch('/admin/config/rollback', {
      method: 'POST',
      headers: adminHeaders(),
      body: JSON.stringify({ version: first }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { version: string }).version).toBe(first);
    expect(await env.VIDEO_CACHE.get('config:current')).toBe(`config:v${first}`);
    expect((await worker.fetch(segment)).status).toBe(200); // version 1: token, served here
  });

  it.each([
    [
      'a version that does not exist',
      { version: '20300101T000000000Z-aaaaaaaaaa' },
      404,
      'unknown-version',
    ],
    ['a legacy number that does not exist', { version: 9 }, 404, 'unknown-version'],
    ['version 0', { version: 0 }, 400, 'invalid-version'],
    ['a malformed id', { version: 'config:current' }, 400, 'invalid-version'],
    [
      'extra fields',
      { version: '20300101T000000000Z-aaaaaaaaaa', force: true },
      400,
      'invalid-version',
    ],
  ])('refuses a rollback to %s', async (_name, body, status, reason) => {
    const worker = testWorker();
    const live = await publishConfig(worker, {});
    const response = await worker.fetch('/admin/config/rollback', {
      method: 'POST',
      headers: adminHeaders(),
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: reason });
    expect(await env.VIDEO_CACHE.get('config:current')).toBe(`config:v${live}`);
  });

  it('answers 503 when KV fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const worker = testWorker({ env: { ...env, VIDEO_CACHE: failing(env.VIDEO_CACHE) } });
    for (const [method, path, body] of [
      ['GET', '/admin/config', undefined],
      ['PUT', '/admin/config', '{}'],
      ['GET', '/admin/config/versions', undefined],
      ['POST', '/admin/config/rollback', '{"version":1}'],
    ] as const) {
      const response = await worker.fetch(path, {
        method,
        headers: adminHeaders(),
        body: body ?? null,
      });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(await response.json()).toEqual({ error: 'config-unavailable' });
    }
  });
});

describe('sticky rollout', () => {
  const video = uniqueVideoId('sticky');
  const segment = (bucket: number) =>
    `/api/hls/${video}/540p/seg0.m4s?${tokenFor(video, { bucket, expiresAt: T0 / 1000 + 86_400 })}`;
  const strategyOf = (response: Response) =>
    response.headers.get('Server-Timing')!.match(/strategy;desc=(\w+)/)![1];

  beforeEach(async () => {
    await seedVideo(video);
  });

  it('gives a bucket the same strategy on every request, across windows and isolates', async () => {
    const admin = testWorker();
    await publishConfig(admin, { rollout: { presign: 90, token: 10, public: 0 } });
    for (const bucket of [0, 45, 89, 90, 95, 99]) {
      const expected = bucket < 90 ? 'presign' : 'token';
      for (const offset of [0, 299_000, 300_000, 3_600_000]) {
        const response = await testWorker({ start: T0 + offset }).fetch(segment(bucket));
        expect(strategyOf(response), `bucket ${bucket} at +${offset} ms`).toBe(expected);
      }
    }
  });

  it('moves buckets when the config changes, within the memo time of every isolate', async () => {
    const admin = testWorker();
    const viewer = testWorker(); // another isolate, with its own memo
    await publishConfig(admin, { rollout: { presign: 100, token: 0, public: 0 } });
    expect(strategyOf(await viewer.fetch(segment(60)))).toBe('presign');

    await publishConfig(admin, tokenHalf); // buckets 50..99 move to token
    viewer.clock.now = T0 + MEMO_MS.found - 1;
    expect(strategyOf(await viewer.fetch(segment(60)))).toBe('presign');
    viewer.clock.now = T0 + MEMO_MS.found;
    expect(strategyOf(await viewer.fetch(segment(60)))).toBe('token');
    expect(strategyOf(await viewer.fetch(segment(49)))).toBe('presign');
  });

  it('sees a first publish within about 10 s', async () => {
    const viewer = testWorker();
    expect(strategyOf(await viewer.fetch(masterUrl(video, tokenFor(video, { bucket: 70 }))))).toBe(
      'presign',
    );
    await publishConfig(testWorker(), tokenHalf);
    viewer.clock.now = T0 + MEMO_MS.absent;
    expect(strategyOf(await viewer.fetch(segment(70)))).toBe('token');
  });
});
