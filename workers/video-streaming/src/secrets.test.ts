import { env } from 'cloudflare:workers';
import {
  captureConsole,
  MALFORMED_SECRETS,
  SECRET_MARKER as MARKER,
  transcriptOf,
} from '@edge-gallery/http/test/secret-leak';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADMIN_TOKEN,
  adminHeaders,
  BUCKET,
  masterUrl,
  resetKv,
  seedVideo,
  testWorker,
  tokenFor,
  uniqueVideoId,
} from '../test/helpers.ts';

const video = uniqueVideoId('secrets');

beforeAll(async () => {
  await seedVideo(video);
  await resetKv();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('secrets never leak', () => {
  for (const [name, values] of Object.entries(MALFORMED_SECRETS)) {
    it.each(values)(`${name} = %j reaches no answer, log line or error`, async (value) => {
      const logs = captureConsole(vi);
      const worker = testWorker({ env: { ...env, [name]: value } as Env });
      const admin = name === 'ADMIN_TOKEN' ? value : ADMIN_TOKEN;
      const token = tokenFor(video, { bucket: BUCKET.presign });
      const requests: [string, RequestInit?][] = [
        ['/healthz'],
        [masterUrl(video, token)],
        [`/api/hls/${video}/540p/index.m3u8?${token}`],
        [`/api/hls/${video}/540p/seg0.m4s?${token}`],
        [`/api/hls/${video}/540p/seg0.m4s?${token}`, { method: 'HEAD' }],
        [`/api/hls/${video}/540p/seg0.m4s?${token.replace(/sig=./, 'sig=A')}`],
        ['/admin/config', { headers: adminHeaders(admin) }],
        ['/admin/config', { headers: adminHeaders(MARKER) }],
        ['/admin/config/versions', { headers: adminHeaders(admin) }],
      ];
      const seen = await transcriptOf(
        requests.map(
          ([path, init]) =>
            () =>
              worker.fetch(path, init),
        ),
      );
      expect(seen).not.toContain(MARKER);
      expect(logs.join('\n')).not.toContain(MARKER);
    });
  }

  it('the check itself sees a marker that does leak', async () => {
    const logs = captureConsole(vi);
    console.error(new Error(`oops ${MARKER}`));
    expect(logs.join('\n')).toContain(MARKER);
  });
});
