import { describe, expect, it } from 'vitest';
import { uniqueVideoId } from '../../test/video.ts';
import { matchMedia, storeMedia } from './media.ts';

describe('media cache (token strategy)', () => {
  const origin = 'https://video.test';
  const body = (size: number) =>
    new Response(new Uint8Array(size), {
      headers: { 'Content-Length': String(size), 'Cache-Control': 'public, max-age=31536000' },
    });
  const stored = async (response: Response, key: string, maxBytes: number) => {
    const waits: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => void waits.push(p),
    } as unknown as ExecutionContext;
    const sent = storeMedia(response, key, origin, ctx, maxBytes);
    await sent.arrayBuffer();
    await Promise.all(waits);
    return matchMedia(new Request(`${origin}/x`), key, origin);
  };

  it('keeps a copy of a bounded 200 body, keyed by storage key alone', async () => {
    const key = `hls/${uniqueVideoId()}/360p/seg_0.m4s`;
    const hit = await stored(body(10), key, 10);
    expect(hit?.status).toBe(200);
    expect((await hit!.arrayBuffer()).byteLength).toBe(10);
  });

  it('streams bodies over the limit, or of unknown length, without a copy (no tee piling up in memory)', async () => {
    const big = `hls/${uniqueVideoId()}/original.mp4`;
    expect(await stored(body(11), big, 10)).toBeUndefined();
    const unknown = `hls/${uniqueVideoId()}/stream.ts`;
    const chunked = new Response(new ReadableStream({ start: (c) => c.close() }));
    expect(await stored(chunked, unknown, 10)).toBeUndefined();
  });
});
