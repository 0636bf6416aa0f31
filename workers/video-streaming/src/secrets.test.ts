import { env } from 'cloudflare:workers';
import { describeSecretLeaks, SECRET_MARKER } from '@edge-gallery/http/test/secret-leak';
import { beforeAll } from 'vitest';
import { ADMIN_TOKEN, adminHeaders, BUCKET } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { tokenFor } from '../test/tokens.ts';
import { masterUrl, seededVideo } from '../test/video.ts';
import { testWorker } from '../test/worker.ts';

const video = seededVideo('secrets');

beforeAll(async () => {
  await resetKv();
});
describeSecretLeaks((name, value) => {
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
    ['/admin/config', { headers: adminHeaders(SECRET_MARKER) }],
    ['/admin/config/versions', { headers: adminHeaders(admin) }],
  ];
  return requests.map(
    ([path, init]) =>
      () =>
        worker.fetch(path, init),
  );
});
