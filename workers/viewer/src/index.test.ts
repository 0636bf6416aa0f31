import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('viewer', () => {
  it('answers /healthz', async () => {
    const res = await exports.default.fetch('http://viewer.test/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
