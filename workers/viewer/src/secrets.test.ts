import { env } from 'cloudflare:workers';
import {
  captureConsole,
  MALFORMED_SECRETS,
  SECRET_MARKER as MARKER,
  transcriptOf,
} from '@edge-gallery/http/test/secret-leak';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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
afterEach(() => {
  vi.restoreAllMocks();
});

describe('secrets never leak', () => {
  for (const [name, values] of Object.entries(MALFORMED_SECRETS)) {
    it.each(values)(`${name} = %j reaches no answer, log line or error`, async (value) => {
      const logs = captureConsole(vi);
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
      const seen = await transcriptOf(
        requests.map(
          ([path, init]) =>
            () =>
              callWith(overrides, path, init),
        ),
      );
      expect(seen).not.toContain(MARKER);
      expect(logs.join('\n')).not.toContain(MARKER);
    });
  }

  it('the check itself sees a marker that does leak', () => {
    const logs = captureConsole(vi);
    console.warn(`oops ${MARKER}`);
    expect(logs.join('\n')).toContain(MARKER);
  });
});
