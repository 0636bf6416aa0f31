import { createPresigner, parsePlaybackKeys, signPlaybackToken } from '@edge-gallery/r2-signer';
import { describe, expect, inject, it } from 'vitest';
import {
  admin,
  demo,
  demoFile,
  masterUrl,
  playbackQuery,
  SPA_ORIGIN,
  STRATEGIES,
  type Strategy,
  secrets,
  urls,
  useStrategy,
  videoId,
} from './context.ts';
import { hasFfmpeg, playHls } from './ffmpeg.ts';
import { playlistUris, storageKeyOf } from './hls.ts';

// The video worker and the dev S3 endpoint through their real ports: the SPA's own
// playlist URL under each delivery strategy, every playlist and segment fetched, ffmpeg
// playing every rendition, and the tampered requests that must fail.

const ffmpeg = hasFfmpeg();
const expected = demo.videos[videoId]!;
const cookie = () => inject('cookie');

/** Where media URIs must point under each strategy. */
const MEDIA_BASE: Record<Strategy, string> = {
  presign: `${urls.devS3}/${demo.bucket}/hls/${videoId}/`,
  token: `${urls.video}/api/hls/${videoId}/`,
  public: `${urls.devS3}/public/hls/${videoId}/`,
};

async function text(
  url: string | URL,
  init?: RequestInit,
): Promise<{ status: number; body: string; response: Response }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text(), response };
}

describe('video worker: admin API', () => {
  it('refuses requests without the admin token', async () => {
    expect((await fetch(`${urls.video}/admin/config`)).status).toBe(401);
    expect((await admin('/admin/config', {}, 'wrong-admin-token-0123456789')).status).toBe(401);
  });

  it('answers the live config and its versions with the token', async () => {
    const config = (await (await admin('/admin/config')).json()) as {
      config: { rollout: unknown };
    };
    expect(config.config.rollout).toBeDefined();
    const versions = (await (await admin('/admin/config/versions')).json()) as {
      versions: unknown[];
    };
    expect(versions.versions.length).toBeGreaterThanOrEqual(1);
  });
});

describe.each(STRATEGIES)('video under the %s strategy', (strategy) => {
  let query: string;
  const media: URL[] = [];

  it('is switched on through the admin API', async () => {
    await useStrategy(strategy);
    query = await playbackQuery(cookie());
  });

  it('serves the master playlist at the SPA URL, its renditions on the video worker', async () => {
    const { status, body, response } = await text(masterUrl(query), {
      headers: { Origin: SPA_ORIGIN },
    });
    expect(status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN);
    const variants = playlistUris(body, masterUrl(query));
    expect(variants.map((uri) => uri.url.pathname)).toEqual(
      expected.renditions.map((r) => `/api/hls/${videoId}/${r.name}/index.m3u8`),
    );
    for (const variant of variants) {
      const playlist = await text(variant.url);
      expect(playlist.status).toBe(200);
      const uris = playlistUris(playlist.body, variant.url);
      expect(uris.length).toBeGreaterThan(1);
      for (const uri of uris) {
        expect(uri.url.href.startsWith(MEDIA_BASE[strategy])).toBe(true);
        media.push(uri.url);
      }
    }
  });

  it('serves every init and media segment byte for byte from where the playlist points', async () => {
    expect(media.length).toBe(
      // Seek previews (storyboard.jpg/.vtt) sit beside the ladder but no playlist names them.
      demo.objects.filter(
        (key) =>
          key.startsWith(`hls/${videoId}/`) &&
          !key.endsWith('.m3u8') &&
          !key.includes('/storyboard.'),
      ).length,
    );
    for (const url of media) {
      const response = await fetch(url, { headers: { Origin: SPA_ORIGIN } });
      expect(response.status, url.href).toBe(200);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN);
      const key = storageKeyOf(url)!;
      expect(Buffer.from(await response.arrayBuffer()).equals(demoFile(key)), key).toBe(true);
    }
  });

  it('serves a segment by range', async () => {
    const url = media.find((candidate) => candidate.pathname.endsWith('.m4s'))!;
    const response = await fetch(url, { headers: { Range: 'bytes=0-99' } });
    expect(response.status).toBe(206);
    expect(
      Buffer.from(await response.arrayBuffer()).equals(
        demoFile(storageKeyOf(url)!).subarray(0, 100),
      ),
    ).toBe(true);
  });

  it
    .skipIf(!ffmpeg)
    .each(expected.renditions.map((rendition, program) => ({ ...rendition, program })))(
    'plays in ffmpeg: every frame of $name decodes, no request fails',
    async ({ program }) => {
      const playback = await playHls(masterUrl(query), program);
      expect(playback.errors, playback.log).toEqual([]);
      expect(playback.exitCode, playback.log).toBe(0);
      expect(playback.frames, playback.log).toBe(expected.frames);
    },
  );
});

describe('tampered playback requests fail', () => {
  const [key] = parsePlaybackKeys(secrets.playbackTokenSecret);
  const now = () => Math.floor(Date.now() / 1000);
  const token = (scope: string, expiresAt: number) =>
    signPlaybackToken({ scope, expiresAt, bucket: 0 }, key!);

  async function refused(url: string, status: number, reason: string): Promise<void> {
    const response = await fetch(url);
    expect(response.status, url).toBe(status);
    expect(await response.json()).toEqual({ error: reason });
  }

  it('without a token', () =>
    refused(`${urls.video}/api/hls/playlist?key=${videoId}`, 401, 'token-missing'));

  it('with an altered signature', async () => {
    const query = await playbackQuery(cookie());
    const altered = query.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    await refused(masterUrl(altered), 401, 'token-bad-signature');
  });

  it('with a later expiry than was signed', async () => {
    const query = await playbackQuery(cookie());
    const later = query.replace(/exp=(\d+)/, (_, exp: string) => `exp=${Number(exp) + 3600}`);
    await refused(masterUrl(later), 401, 'token-bad-signature');
  });

  it('with an expired token', () =>
    refused(masterUrl(token(`hls/${videoId}/`, now() - 60)), 401, 'token-expired'));

  it("with another video's token", () =>
    refused(masterUrl(token('hls/another-video/', now() + 600)), 403, 'token-out-of-scope'));

  it("on another video's path", async () => {
    const query = await playbackQuery(cookie());
    await refused(
      `${urls.video}/api/hls/another-video/540p/index.m3u8?${query}`,
      403,
      'token-out-of-scope',
    );
  });
});

describe('tampered storage requests fail at the dev S3 endpoint', () => {
  const presigner = createPresigner({
    accessKeyId: secrets.accessKeyId,
    secretAccessKey: secrets.secretAccessKey,
    endpoint: urls.devS3,
    bucket: demo.bucket,
    region: 'auto',
  });
  const segment = `hls/${videoId}/${expected.renditions[0]!.name}/seg0.m4s`;

  async function s3Error(
    url: string,
  ): Promise<{ status: number; code: string | undefined; message: string | undefined }> {
    const { status, body } = await text(url);
    return {
      status,
      code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
      message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
    };
  }

  it('serves a fresh presigned URL signed with the local keys', async () => {
    const response = await fetch(presigner.presign(segment));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(demoFile(segment))).toBe(true);
  });

  it('refuses an altered signature', async () => {
    const url = presigner
      .presign(segment)
      .replace(/X-Amz-Signature=(.)/, (_, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect(await s3Error(url)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a signature moved to another key', async () => {
    const url = presigner.presign(segment).replace('seg0.m4s', 'seg1.m4s');
    expect(await s3Error(url)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses an expired URL', async () => {
    const url = presigner.presign(segment, { expiresIn: 60, now: Date.now() - 120_000 });
    expect(await s3Error(url)).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });

  it('refuses an unsigned request for a private key', async () => {
    expect(await s3Error(`${urls.devS3}/${demo.bucket}/${segment}`)).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
  });

  it('keeps originals out of the public prefix', async () => {
    expect(await s3Error(`${urls.devS3}/public/${demo.rows[0]!.original_key}`)).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
  });
});
