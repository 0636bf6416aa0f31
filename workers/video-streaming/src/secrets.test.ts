import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADMIN_TOKEN,
  adminHeaders,
  BUCKET,
  masterUrl,
  resetKv,
  seedVideo,
  testWorker,
  textOf,
  tokenFor,
  uniqueVideoId,
} from '../test/helpers.ts';

// Every secret the design names, set one at a time to malformed values that carry a unique
// marker: the marker must reach no response (status line, headers, body), no log line and no
// error. Secrets this worker does not read are set too, so a future reader of one is covered.
const MARKER = 'Zq9SECRETMARKx';

const MALFORMED: Record<string, string[]> = {
  GALLERY_PASSWORD: [MARKER, ` ${MARKER}\n`],
  OWNER_PASSWORD: [MARKER, ` ${MARKER}\n`],
  AUTH_SECRET: [MARKER, `${MARKER}\u0000`],
  PLAYBACK_TOKEN_SECRET: [
    `${MARKER}0123456789abcdef`, // a bare secret, no key id
    `k2:0123456789abcdefgh,${MARKER}0123456789abcdef`, // a rotation list's old bare half
    `k1:${MARKER}`, // too short
    `k1 ${MARKER}:0123456789abcdef`, // bad key id
    `${MARKER}:0123456789abcdef,${MARKER}:0123456789abcdef`, // duplicate id
  ],
  ADMIN_TOKEN: [MARKER.slice(0, 12), `${MARKER}\n`],
  R2_ACCESS_KEY_ID: [`${MARKER}/x`, `${MARKER} \n`, `${MARKER}${'x'.repeat(200)}`],
  R2_SECRET_ACCESS_KEY: [`${MARKER}`, `${MARKER} \n\u0000`],
};

const video = uniqueVideoId('secrets');

beforeAll(async () => {
  await seedVideo(video);
  await resetKv();
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

async function transcript(response: Response): Promise<string> {
  return `${response.status} ${[...response.headers].join('\n')}\n${await textOf(response)}`;
}

describe('secrets never leak', () => {
  for (const [name, values] of Object.entries(MALFORMED)) {
    it.each(values)(`${name} = %j reaches no answer, log line or error`, async (value) => {
      const logs = captureConsole();
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
      let seen = '';
      for (const [path, init] of requests) {
        try {
          seen += await transcript(await worker.fetch(path, init));
        } catch (error) {
          seen += error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
        }
      }
      expect(seen).not.toContain(MARKER);
      expect(logs.join('\n')).not.toContain(MARKER);
    });
  }

  it('the check itself sees a marker that does leak', async () => {
    const logs = captureConsole();
    console.error(new Error(`oops ${MARKER}`));
    expect(logs.join('\n')).toContain(MARKER);
  });
});
