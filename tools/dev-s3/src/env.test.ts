import { env } from 'cloudflare:workers';
import { preflight } from '@edge-gallery/http/test/preflight';
import { describeSecretLeaks } from '@edge-gallery/http/test/secret-leak';
import { createPresigner } from '@edge-gallery/r2-signer';
import { describe, expect, it, vi } from 'vitest';
import { CONFIG, SPA } from '../test/store.ts';
import worker from './index.ts';

// The dev S3 endpoint reads its environment with the workers' field parsers
// (@edge-gallery/http): the same checks, and the same promise never to echo a secret.

const KEY = 'hls/env-test/seg0.m4s';

type IncomingRequest = Parameters<typeof worker.fetch>[0];

/** The handler itself, with variables overridden (exports.default has the test env only). */
function call(overrides: Record<string, unknown>, url: string, init?: RequestInit) {
  return worker.fetch(new Request(url, init) as IncomingRequest, { ...env, ...overrides } as Env);
}

describe('dev S3 environment', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['ALLOWED_ORIGINS with a path', { ALLOWED_ORIGINS: `${SPA}/app` }, 'ALLOWED_ORIGINS'],
    ['ALLOWED_ORIGINS with junk', { ALLOWED_ORIGINS: 'localhost' }, 'ALLOWED_ORIGINS'],
    ['R2_SECRET_ACCESS_KEY missing', { R2_SECRET_ACCESS_KEY: undefined }, 'R2_SECRET_ACCESS_KEY'],
    ['BUCKET_NAME empty', { BUCKET_NAME: '' }, 'BUCKET_NAME'],
  ];
  for (const [name, overrides, variable] of cases) {
    it(`${name} → 500 InternalError naming ${variable}, logged once per request`, async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const response = await call(overrides, createPresigner(CONFIG).presign(KEY));
      expect(response.status).toBe(500);
      const xml = await response.text();
      expect(xml).toContain('<Code>InternalError</Code>');
      expect(xml).toContain(variable);
      expect(log.mock.calls.flat().join('\n')).toContain(variable);
    });
  }

  it('answers CORS for the origins ALLOWED_ORIGINS lists, and no other', async () => {
    const preflightFrom = (origin: string) =>
      call(
        { ALLOWED_ORIGINS: ` ${SPA} ,,https://gallery.example.com` },
        `${CONFIG.endpoint}/x`,
        preflight(origin, 'PUT'),
      );
    for (const origin of [SPA, 'https://gallery.example.com']) {
      const response = await preflightFrom(origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    }
    expect((await preflightFrom('https://evil.example')).status).toBe(403);
  });

  it('with ALLOWED_ORIGINS empty, allows no origin', async () => {
    const response = await call(
      { ALLOWED_ORIGINS: '' },
      `${CONFIG.endpoint}/x`,
      preflight(SPA, 'GET'),
    );
    expect(response.status).toBe(403);
  });
});

describeSecretLeaks((name, value) => {
  const overrides = { [name]: value };
  const signed = createPresigner(CONFIG).presign(KEY);
  const put = createPresigner({ ...CONFIG, method: 'PUT' }).presign('uploads/env-test/a');
  return [
    () => call(overrides, signed),
    () => call(overrides, signed, { method: 'HEAD' }),
    () => call(overrides, put, { method: 'PUT', body: 'x' }),
    () => call(overrides, `${CONFIG.endpoint}/public/${KEY}`),
    () => call(overrides, signed.replace(/X-Amz-Signature=./, 'X-Amz-Signature=0')),
  ];
});
