import { env } from 'cloudflare:workers';
import { describeSecretLeaks } from '@edge-gallery/http/test/secret-leak';
import { beforeAll } from 'vitest';
import { importedVideo, insertMedia } from '../test/media.ts';
import { callWith, clientAddress, cookieOf, login } from '../test/visitor.ts';

let cookie: string;

beforeAll(async () => {
  await insertMedia(
    importedVideo('s1', 'Secretless', { video_id: 'secretless', duration_sec: 61 }),
  );
  cookie = cookieOf(await login(env.GALLERY_PASSWORD));
});

describeSecretLeaks((name, value) => {
  const overrides = { [name]: value };
  const json = (password: string): RequestInit => ({
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': clientAddress() },
    body: JSON.stringify({ password }),
  });
  const requests: [string, RequestInit?][] = [
    ['/healthz'],
    ['/login', json(value)],
    ['/login', json(env.GALLERY_PASSWORD)],
    ['/login', json('wrong')],
    ['/auth', { headers: { Cookie: cookie } }],
    ['/api/media', { headers: { Cookie: cookie } }],
    ['/api/videos/secretless/playback', { headers: { Cookie: cookie } }],
    ['/api/file/originals/s1.mp4', { headers: { Cookie: cookie } }],
    ['/api/cache-version'],
  ];
  return requests.map(
    ([path, init]) =>
      () =>
        callWith(overrides, path, init),
  );
});
