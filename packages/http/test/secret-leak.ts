import { describe, expect, it, vi } from 'vitest';

// The secret-leak check every worker runs (viewer, video worker, dev S3): each secret the
// design names, set one at a time to malformed values that carry a unique marker; the
// marker must reach no response (status line, headers, body), no log line and no error.
// Secrets a worker does not read are set too, so that a future reader of one is covered.

export const SECRET_MARKER = 'Zq9SECRETMARKx';

export const MALFORMED_SECRETS: Record<string, string[]> = {
  GALLERY_PASSWORD: ['', SECRET_MARKER, ` ${SECRET_MARKER}\n`, `${SECRET_MARKER}\u0000`],
  OWNER_PASSWORD: ['', SECRET_MARKER, ` ${SECRET_MARKER}\n`, `${SECRET_MARKER}\u0000`],
  AUTH_SECRET: [SECRET_MARKER, `${SECRET_MARKER}\n`, `${SECRET_MARKER}\u0000`],
  PLAYBACK_TOKEN_SECRET: [
    `${SECRET_MARKER}0123456789abcdef`, // a bare secret, no key id
    `k2:0123456789abcdefgh,${SECRET_MARKER}0123456789abcdef`, // a rotation list's old bare half
    `k1:${SECRET_MARKER}`, // too short
    `k1 ${SECRET_MARKER}:0123456789abcdef`, // bad key id
    `${SECRET_MARKER}:0123456789abcdef,${SECRET_MARKER}:0123456789abcdef`, // duplicate id
  ],
  ADMIN_TOKEN: [SECRET_MARKER.slice(0, 5), SECRET_MARKER.slice(0, 12), `${SECRET_MARKER}\n`],
  R2_ACCESS_KEY_ID: [
    `${SECRET_MARKER}/x`,
    `${SECRET_MARKER} \n`,
    `${SECRET_MARKER}${'x'.repeat(200)}`,
  ],
  R2_SECRET_ACCESS_KEY: [SECRET_MARKER, `${SECRET_MARKER} \n\u0000`],
};

/** Everything the console receives from now on, as text (errors with their stacks). */
export function captureConsole(spy: typeof vi): string[] {
  const lines: string[] = [];
  const text = (value: unknown) =>
    value instanceof Error
      ? `${value.name}: ${value.message}\n${value.stack}`
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    spy.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(text).join(' '));
    });
  }
  return lines;
}

/**
 * What every request of `requests` shows the world: each answer's status, headers and
 * body, or the error it threw, as one text to search for the marker.
 */
export async function transcriptOf(
  requests: readonly (() => Promise<Response>)[],
): Promise<string> {
  let seen = '';
  for (const request of requests) {
    try {
      const response = await request();
      // Bytes, not .text(): workerd warns on .text() of a body that is not text/*.
      const body = new TextDecoder().decode(await response.arrayBuffer());
      seen += `${response.status} ${[...response.headers].join('\n')}\n${body}\n`;
    } catch (error) {
      seen += error instanceof Error ? `${error.message}\n${error.stack}\n` : `${String(error)}\n`;
    }
  }
  return seen;
}

/**
 * The check as each worker's tests run it: for every malformed value of every secret,
 * `requests(name, value)` — the worker's routes with that one value set — show the marker
 * in no answer, log line or error. A last test shows the check does see a marker that leaks.
 */
export function describeSecretLeaks(
  requests: (name: string, value: string) => readonly (() => Promise<Response>)[],
): void {
  describe('secrets never leak', () => {
    for (const [name, values] of Object.entries(MALFORMED_SECRETS)) {
      it.each(values)(`${name} = %j reaches no answer, log line or error`, async (value) => {
        const logs = captureConsole(vi);
        const seen = await transcriptOf(requests(name, value));
        expect(seen).not.toContain(SECRET_MARKER);
        expect(logs.join('\n')).not.toContain(SECRET_MARKER);
      });
    }

    it('the check itself sees a marker that does leak', async () => {
      const logs = captureConsole(vi);
      const seen = await transcriptOf([async () => new Response(`oops ${SECRET_MARKER}`)]);
      console.error(new Error(`oops ${SECRET_MARKER}`));
      expect(seen).toContain(SECRET_MARKER);
      expect(logs.join('\n')).toContain(SECRET_MARKER);
    });
  });
}
