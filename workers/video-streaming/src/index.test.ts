import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('video-streaming', () => {
  it('answers /healthz', async () => {
    const res = await exports.default.fetch('http://video.test/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
