import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { recording } from '../test/bindings.ts';
import { tokenFor } from '../test/tokens.ts';
import { masterUrl, seededVideo } from '../test/video.ts';
import { T0, testWorker } from '../test/worker.ts';

// The playback token is checked before anything is read: a request without a valid
// token for the key it asks for never touches R2, KV or the Cache API.

const video = seededVideo('token');
const other = seededVideo('token-other');

/** The real R2 and KV bindings, with every method called on either recorded in `calls`. */
function recordedBindings() {
  const calls: string[] = [];
  const envSpy = {
    ...env,
    MEDIA: recording(env.MEDIA, calls),
    VIDEO_CACHE: recording(env.VIDEO_CACHE, calls),
  };
  return { calls, envSpy };
}

/** Flips one character of the signature (keeping it base64url). */
function alterSignature(token: string): string {
  return token.replace(/sig=(.)/, (_, first: string) => `sig=${first === 'A' ? 'B' : 'A'}`);
}

const valid = () => tokenFor(video);

const cases: { name: string; url: () => string; status: number; reason: string }[] = [
  {
    name: 'no token at all',
    url: () => `/api/hls/playlist?key=${video}`,
    status: 401,
    reason: 'token-missing',
  },
  {
    name: 'an expired token',
    url: () => masterUrl(video, tokenFor(video, { expiresAt: T0 / 1000 - 1 })),
    status: 401,
    reason: 'token-expired',
  },
  {
    name: 'a token expiring this very second',
    url: () => masterUrl(video, tokenFor(video, { expiresAt: T0 / 1000 })),
    status: 401,
    reason: 'token-expired',
  },
  {
    name: 'an altered signature',
    url: () => masterUrl(video, alterSignature(valid())),
    status: 401,
    reason: 'token-bad-signature',
  },
  {
    name: 'an altered expiry (signature of another claim)',
    url: () =>
      masterUrl(
        video,
        valid().replace(/exp=(\d+)/, (_, exp) => `exp=${Number(exp) + 3600}`),
      ),
    status: 401,
    reason: 'token-bad-signature',
  },
  {
    name: 'an altered bucket (choosing another strategy)',
    url: () =>
      `/api/hls/${video}/540p/seg0.m4s?${tokenFor(video, { bucket: 0 }).replace('bucket=0', 'bucket=99')}`,
    status: 401,
    reason: 'token-bad-signature',
  },
  {
    name: "another video's token on the master",
    url: () => masterUrl(video, tokenFor(other)),
    status: 403,
    reason: 'token-out-of-scope',
  },
  {
    name: "another video's token on a variant playlist",
    url: () => `/api/hls/${video}/540p/index.m3u8?${tokenFor(other)}`,
    status: 403,
    reason: 'token-out-of-scope',
  },
  {
    name: "another video's token on a segment",
    url: () => `/api/hls/${video}/540p/seg0.m4s?${tokenFor(other)}`,
    status: 403,
    reason: 'token-out-of-scope',
  },
  {
    name: 'a token whose scope was swapped for another video',
    url: () =>
      masterUrl(
        other,
        valid().replace(encodeURIComponent(`hls/${video}/`), encodeURIComponent(`hls/${other}/`)),
      ),
    status: 401,
    reason: 'token-bad-signature',
  },
  {
    name: 'a dot-segment path climbing into another video (normalised by the URL parser)',
    url: () => `/api/hls/${video}/../${other}/master.m3u8?${valid()}`,
    status: 403,
    reason: 'token-out-of-scope',
  },
  {
    name: 'an unknown key id',
    url: () =>
      masterUrl(
        video,
        tokenFor(video, { key: { id: 'k9', secret: 'test-playback-secret-0123456789' } }),
      ),
    status: 401,
    reason: 'token-unknown-key',
  },
  {
    name: 'a known key id with another secret',
    url: () =>
      masterUrl(
        video,
        tokenFor(video, { key: { id: 'k1', secret: 'not-the-real-secret-000000' } }),
      ),
    status: 401,
    reason: 'token-bad-signature',
  },
  {
    name: 'a correctly signed token living longer than a day (the lifetime ceiling)',
    url: () => masterUrl(video, tokenFor(video, { expiresAt: T0 / 1000 + 86_400 + 1 })),
    status: 401,
    reason: 'token-lifetime-exceeded',
  },
  {
    name: 'a correctly signed token for ten years',
    url: () => masterUrl(video, tokenFor(video, { expiresAt: T0 / 1000 + 10 * 365 * 86_400 })),
    status: 401,
    reason: 'token-lifetime-exceeded',
  },
  {
    name: 'a parameter given twice',
    url: () => `${masterUrl(video, valid())}&bucket=1`,
    status: 401,
    reason: 'token-malformed',
  },
  {
    name: 'a parameter missing',
    url: () => masterUrl(video, valid().replace(/&kid=k1/, '')),
    status: 401,
    reason: 'token-malformed',
  },
];

describe('playback token', () => {
  it.each(cases)('refuses $name with $status $reason', async ({ url, status, reason }) => {
    const response = await testWorker().fetch(url());
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: reason });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it.each(cases)('reads no storage, KV or cache for $name', async ({ url }) => {
    const { calls, envSpy } = recordedBindings();
    const cacheMatch = vi.spyOn(Cache.prototype, 'match');
    const cachesOpen = vi.spyOn(caches, 'open');
    const response = await testWorker({ env: envSpy }).settle(url());
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(calls).toEqual([]);
    expect(cacheMatch).not.toHaveBeenCalled();
    expect(cachesOpen).not.toHaveBeenCalled();
  });

  it('(the recording above does see the reads of a valid request)', async () => {
    const { calls, envSpy } = recordedBindings();
    const cacheMatch = vi.spyOn(Cache.prototype, 'match');
    const response = await testWorker({ env: envSpy }).settle(masterUrl(video, valid()));
    expect(response.status).toBe(200);
    expect(calls).toEqual(expect.arrayContaining(['get']));
    expect(cacheMatch).toHaveBeenCalled();
  });

  it('accepts a valid token on the master, a variant and a segment', async () => {
    const worker = testWorker();
    const token = valid();
    expect((await worker.fetch(masterUrl(video, token))).status).toBe(200);
    expect((await worker.fetch(`/api/hls/${video}/540p/index.m3u8?${token}`)).status).toBe(200);
    expect((await worker.fetch(`/api/hls/${video}/540p/seg0.m4s?${token}`)).status).toBe(302);
  });

  it('accepts the token parameters in any order and beside other parameters', async () => {
    const params = new URLSearchParams(valid());
    const shuffled = new URLSearchParams([...params].reverse());
    shuffled.append('player', 'hls.js');
    const response = await testWorker().fetch(`/api/hls/playlist?${shuffled}&key=${video}`);
    expect(response.status).toBe(200);
  });

  it('accepts a token living exactly the ceiling, and follows MAX_TOKEN_LIFETIME_SECONDS', async () => {
    const day = tokenFor(video, { expiresAt: T0 / 1000 + 86_400 });
    expect((await testWorker().fetch(masterUrl(video, day))).status).toBe(200);
    const hour = testWorker({ env: { ...env, MAX_TOKEN_LIFETIME_SECONDS: '3600' } as Env });
    const justOver = tokenFor(video, { expiresAt: T0 / 1000 + 3601 });
    expect((await hour.fetch(masterUrl(video, valid()))).status).toBe(200);
    const refused = await hour.fetch(masterUrl(video, justOver));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'token-lifetime-exceeded' });
  });

  it('accepts tokens of every key in PLAYBACK_TOKEN_SECRET (rotation)', async () => {
    const rotated = {
      ...env,
      PLAYBACK_TOKEN_SECRET: 'k2:a-brand-new-secret-0000000000,k1:test-playback-secret-0123456789',
    };
    const worker = testWorker({ env: rotated });
    const oldToken = valid();
    const newToken = tokenFor(video, {
      key: { id: 'k2', secret: 'a-brand-new-secret-0000000000' },
    });
    expect((await worker.fetch(masterUrl(video, oldToken))).status).toBe(200);
    expect((await worker.fetch(masterUrl(video, newToken))).status).toBe(200);
  });
});
