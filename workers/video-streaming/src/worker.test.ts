import { env, exports } from 'cloudflare:workers';
import { preflight } from '@edge-gallery/http/test/preflight';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { PLAYBACK_KEY, S3_CREDENTIALS, tokenFor } from '../test/tokens.ts';
import { masterUrl, seededVideo, seedVideo, uniqueVideoId } from '../test/video.ts';
import { testWorker } from '../test/worker.ts';

const video = seededVideo('worker');
beforeEach(async () => {
  await resetKv();
});
describe('the deployed entry point', () => {
  it('answers /healthz', async () => {
    const response = await exports.default.fetch('http://video.test/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('serves a master playlist', async () => {
    const response = await exports.default.fetch(
      `http://video.test${masterUrl(video, tokenFor(video, { expiresAt: (Date.now() / 1000 + 60) | 0 }))}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
  });
});

describe('/healthz', () => {
  it('needs neither a valid environment nor storage', async () => {
    const calls: string[] = [];
    const broken = { PLAYBACK_TOKEN_SECRET: '' } as unknown as Env;
    const response = await testWorker({ env: broken }).fetch('/healthz');
    expect(response.status).toBe(200);
    expect(calls).toEqual([]);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/api/other'],
  ])('answers %s %s with 404 not-found', async (method, path) => {
    const response = await testWorker().fetch(path, { method });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not-found' });
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])(
    'answers %s on HLS routes with 405',
    async (method) => {
      const response = await testWorker().fetch(
        `/api/hls/${video}/540p/index.m3u8?${tokenFor(video)}`,
        {
          method,
        },
      );
      expect(response.status).toBe(405);
      expect(response.headers.get('Allow')).toBe('GET, HEAD');
      expect(await response.json()).toEqual({ error: 'method-not-allowed' });
    },
  );
});

describe('bad keys and paths are 400, before any token check', () => {
  const token = () => tokenFor(video);
  it.each([
    ['no key', '/api/hls/playlist?', 'bad-video-id'],
    ['an empty key', '/api/hls/playlist?key=&', 'bad-video-id'],
    ['two keys', `/api/hls/playlist?key=${video}&key=other&`, 'bad-video-id'],
    ['a key with a slash', `/api/hls/playlist?key=${video}/540p&`, 'bad-video-id'],
    ['a key climbing up', '/api/hls/playlist?key=..&', 'bad-video-id'],
    ['a key that is a URL', '/api/hls/playlist?key=https://evil.test/x&', 'bad-video-id'],
    ['a key with a control character', '/api/hls/playlist?key=a%00b&', 'bad-video-id'],
    ['an over-long key', `/api/hls/playlist?key=${'a'.repeat(200)}&`, 'bad-video-id'],
    ['an encoded slash', `/api/hls/${video}/540p%2Fseg0.m4s?`, 'encoded-separator'],
    ['an encoded backslash', `/api/hls/${video}/540p%5Cseg0.m4s?`, 'encoded-separator'],
    ['a double-encoded slash', `/api/hls/${video}/540p%252Fseg0.m4s?`, 'encoded-separator'],
    ['a control character', `/api/hls/${video}/seg%00.m4s?`, 'control-character'],
    ['a malformed escape', `/api/hls/${video}/seg%E0%A4%A.m4s?`, 'malformed'],
    ['an empty segment', `/api/hls/${video}/540p//seg0.m4s?`, 'empty-segment'],
    ['an over-long path', `/api/hls/${video}/${'a/'.repeat(300)}x.m4s?`, 'too-long'],
    ['no path after the video', `/api/hls/${video}/?`, 'empty-segment'],
    ['no video', '/api/hls?', 'bad-video-id'],
    ['a bad video id in the path', '/api/hls/.hidden/master.m3u8?', 'bad-video-id'],
  ])('refuses %s', async (_name, url, reason) => {
    const response = await testWorker().fetch(`${url}${token()}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: reason });
  });
});

describe('CORS', () => {
  const url = () => masterUrl(video, tokenFor(video));

  it('allows the origins of ALLOWED_ORIGINS', async () => {
    const response = await testWorker().fetch(url(), {
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
    expect(response.headers.get('Vary')).toContain('Origin');
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('Content-Range');
  });

  it('allows the origins of the config too', async () => {
    const worker = testWorker();
    await publishConfig(worker, { allowedOrigins: ['https://gallery.example.com'] });
    const response = await worker.fetch(url(), {
      headers: { Origin: 'https://gallery.example.com' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://gallery.example.com');
  });

  it('allows no other origin', async () => {
    const response = await testWorker().fetch(url(), { headers: { Origin: 'https://evil.test' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('puts CORS headers on errors, so the SPA can read the reason', async () => {
    const response = await testWorker().fetch(`/api/hls/playlist?key=${video}`, {
      headers: { Origin: 'http://localhost:5173' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
  });

  it('answers a preflight for GET with Range', async () => {
    const response = await testWorker().fetch(
      `/api/hls/${video}/540p/seg0.m4s`,
      preflight('http://localhost:5173', 'GET', 'range'),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('range');
  });

  it('refuses a preflight from another origin', async () => {
    const response = await testWorker().fetch(
      `/api/hls/${video}/540p/seg0.m4s`,
      preflight('https://evil.test', 'GET'),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('is not offered on the admin API', async () => {
    const response = await testWorker().fetch('/admin/config', {
      headers: { Origin: 'http://localhost:5173', Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('Server-Timing', () => {
  it('names strategy, cache tier, config version and durations when DEBUG is on', async () => {
    const fresh = uniqueVideoId('timing');
    await seedVideo(fresh);
    const response = await testWorker().fetch(masterUrl(fresh, tokenFor(fresh)), {
      headers: { Origin: 'http://localhost:5173' },
    });
    const timing = response.headers.get('Server-Timing')!;
    expect(timing).toMatch(/strategy;desc=presign/);
    expect(timing).toMatch(/cache;desc=miss/);
    expect(timing).toMatch(/config;desc=default/);
    expect(timing).toMatch(/r2;dur=\d/);
    expect(timing).toMatch(/kv;dur=\d/);
    expect(response.headers.get('Timing-Allow-Origin')).toBe('http://localhost:5173');
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('Server-Timing');
  });

  it('names the signing time of a variant playlist', async () => {
    const response = await testWorker().fetch(
      `/api/hls/${video}/540p/index.m3u8?${tokenFor(video)}`,
    );
    expect(response.headers.get('Server-Timing')).toMatch(/sign;dur=\d/);
  });

  it('never carries a secret or the token', async () => {
    const token = tokenFor(video);
    const response = await testWorker().fetch(`/api/hls/${video}/540p/index.m3u8?${token}`);
    const timing = response.headers.get('Server-Timing')!;
    for (const secret of [
      PLAYBACK_KEY.secret,
      S3_CREDENTIALS.secretAccessKey,
      ADMIN_TOKEN,
      'sig=',
    ]) {
      expect(timing).not.toContain(secret);
    }
  });

  it('is absent with DEBUG off, and present when the config turns debug on', async () => {
    const quiet = { ...env, DEBUG: 'false' };
    const worker = testWorker({ env: quiet });
    expect(
      (await worker.fetch(masterUrl(video, tokenFor(video)))).headers.has('Server-Timing'),
    ).toBe(false);
    await publishConfig(worker, { debug: true });
    expect(
      (await worker.fetch(masterUrl(video, tokenFor(video)))).headers.has('Server-Timing'),
    ).toBe(true);
  });
});

describe('environment validation', () => {
  it.each([
    ['PLAYBACK_TOKEN_SECRET', { PLAYBACK_TOKEN_SECRET: 'no-key-id' }],
    ['PLAYBACK_TOKEN_SECRET', { PLAYBACK_TOKEN_SECRET: undefined }],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: 'short' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: undefined, R2_ACCOUNT_ID: undefined }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'not a url' }],
    ['R2_BUCKET_NAME', { R2_BUCKET_NAME: 'Not_A_Bucket' }],
    ['MEDIA_STORAGE', { MEDIA_STORAGE: 'ftp' }],
    ['DEBUG', { DEBUG: 'yes' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://a.test/path' }],
  ])('answers 500 misconfigured and logs the name of a bad %s', async (variable, change) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await testWorker({ env: { ...env, ...change } as Env }).fetch(
      masterUrl(video, tokenFor(video)),
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'misconfigured' });
    const logged = log.mock.calls.flat().join(' ');
    expect(logged).toContain(variable);
    for (const secret of [PLAYBACK_KEY.secret, S3_CREDENTIALS.secretAccessKey, ADMIN_TOKEN]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('builds the R2 endpoint from R2_ACCOUNT_ID when S3_ENDPOINT is not set', async () => {
    const r2 = { ...env, S3_ENDPOINT: undefined, R2_ACCOUNT_ID: 'abc123' } as unknown as Env;
    const response = await testWorker({ env: r2 }).fetch(
      `/api/hls/${video}/540p/seg0.m4s?${tokenFor(video)}`,
    );
    expect(response.headers.get('Location')).toMatch(
      /^https:\/\/abc123\.r2\.cloudflarestorage\.com\/edge-gallery-media\/hls\//,
    );
  });

  it('presigns virtual-hosted URLs when S3_FORCE_PATH_STYLE is false', async () => {
    const aws = {
      ...env,
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      S3_FORCE_PATH_STYLE: 'false',
      S3_REGION: 'eu-west-1',
    };
    const response = await testWorker({ env: aws }).fetch(
      `/api/hls/${video}/540p/seg0.m4s?${tokenFor(video)}`,
    );
    expect(response.headers.get('Location')).toMatch(
      /^https:\/\/edge-gallery-media\.s3\.eu-west-1\.amazonaws\.com\/hls\/.*X-Amz-Credential=test-access-key%2F\d{8}%2Feu-west-1%2Fs3/,
    );
  });
});

describe('headers', () => {
  it('never sends hop-by-hop headers', async () => {
    const worker = testWorker();
    await publishConfig(worker, { rollout: { presign: 0, token: 100, public: 0 } });
    const token = tokenFor(video);
    for (const path of [
      masterUrl(video, token),
      `/api/hls/${video}/540p/index.m3u8?${token}`,
      `/api/hls/${video}/540p/seg0.m4s?${token}`,
      `/api/hls/playlist?key=${video}`,
    ]) {
      const response = await worker.fetch(path);
      for (const name of [
        'Connection',
        'Keep-Alive',
        'Transfer-Encoding',
        'Upgrade',
        'Proxy-Connection',
      ]) {
        expect(response.headers.has(name), `${name} on ${path}`).toBe(false);
      }
    }
  });
});
