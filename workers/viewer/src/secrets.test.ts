import { env } from 'cloudflare:workers';
import { describeSecretLeaks } from '@edge-gallery/http/test/secret-leak';
import { beforeAll } from 'vitest';
import { callWith, clientAddress, cookieOf, login } from '../test/visitor.ts';

let cookie: string;

beforeAll(async () => {
  await env.DB.prepare(
    `INSERT INTO media (id, kind, title, taken_at, width, height, bytes, original_key,
       thumbnail_key, video_id, duration_sec)
     VALUES ('s1', 'video', 'Secretless', '2024-06-01T12:00:00.000Z', 1920, 1080, 1,
       'originals/s1.mp4', 'thumbnails/s1.jpg', 'secretless', 61)`,
  ).run();
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
