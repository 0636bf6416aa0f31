import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callWith, clientAddress, cookieOf, login } from '../test/visitor.ts';

// Every secret the design names, set one at a time to malformed values that carry a unique
// marker: the marker must reach no response (status, headers, body), no log line and no
// error. Secrets this worker does not read (yet) are set too, so a future reader is covered.
const MARKER = 'Zq9SECRETMARKx';

const MALFORMED: Record<string, string[]> = {
  GALLERY_PASSWORD: ['', `${MARKER}\u0000`, MARKER.slice(0, 5)],
  OWNER_PASSWORD: ['', `${MARKER}\u0000`, MARKER.slice(0, 5)],
  AUTH_SECRET: [MARKER, `${MARKER}\n`],
  PLAYBACK_TOKEN_SECRET: [
    `${MARKER}0123456789abcdef`, // a bare secret, no key id
    `k2:0123456789abcdefgh,${MARKER}0123456789abcdef`, // a rotation list's old bare half
    `k1:${MARKER}`, // too short
    `k1 ${MARKER}:0123456789abcdef`, // bad key id
    `${MARKER}:0123456789abcdef,${MARKER}:0123456789abcdef`, // duplicate id
  ],
  ADMIN_TOKEN: [MARKER.slice(0, 5), `${MARKER}\n`],
  R2_ACCESS_KEY_ID: [`${MARKER}/x`, `${MARKER} \n`, `${MARKER}${'x'.repeat(200)}`],
  R2_SECRET_ACCESS_KEY: [`${MARKER}`, `${MARKER} \n\u0000`],
};

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

/** Everything the console receives, as text (errors with their stacks). */
function captureConsole(): string[] {
  const lines: string[] = [];
  const text = (value: unknown) =>
    value instanceof Error
      ? `${value.name}: ${value.message}\n${value.stack}`
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(text).join(' '));
    });
  }
  return lines;
}

describe('secrets never leak', () => {
  for (const [name, values] of Object.entries(MALFORMED)) {
    it.each(values)(`${name} = %j reaches no answer, log line or error`, async (value) => {
      const logs = captureConsole();
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
      let seen = '';
      for (const [path, init] of requests) {
        try {
          const response = await callWith(overrides, path, init);
          seen += `${response.status} ${[...response.headers].join('\n')}\n${await response.text()}`;
        } catch (error) {
          seen += error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
        }
      }
      expect(seen).not.toContain(MARKER);
      expect(logs.join('\n')).not.toContain(MARKER);
    });
  }

  it('the check itself sees a marker that does leak', () => {
    const logs = captureConsole();
    console.warn(`oops ${MARKER}`);
    expect(logs.join('\n')).toContain(MARKER);
  });
});
