import { describe, expect, it } from 'vitest';
import { bareObjectPath, barePath } from './bare-worker.ts';

// The memory baseline makes, through the bare worker, the binding calls each request of the
// mixed load makes in the worker that answers it: the same objects and rows, the same kind
// of call (bare-worker/index.ts routes them).
describe('bare worker paths of the mixed load', () => {
  it('reads a presigned thumbnail from R2 by its key, without bucket or signature', () => {
    const path = '/edge-gallery-media/thumbs/abc%20d/400.webp?X-Amz-Signature=00';
    expect(barePath('thumbnail', path)).toBe('/r2/thumbs/abc%20d/400.webp');
  });

  it('serves the master playlist of the video the token names from memory', () => {
    expect(barePath('playlist', '/api/hls/playlist?key=demo-clip&exp=1&sig=x')).toBe(
      '/memo/hls/demo-clip/master.m3u8',
    );
  });

  it('serves variants from memory and segments through the Cache API, at their HLS keys', () => {
    expect(barePath('playlist', '/api/hls/demo-clip/540p/index.m3u8?exp=1')).toBe(
      '/memo/hls/demo-clip/540p/index.m3u8',
    );
    expect(barePath('segment', '/api/hls/demo-clip/540p/seg1.m4s?exp=1')).toBe(
      '/cached/hls/demo-clip/540p/seg1.m4s',
    );
  });

  it('asks for a listing page as the viewer is asked (its own functions answer it there)', () => {
    expect(barePath('listing', '/api/media?limit=60')).toBe('/api/media?limit=60');
    expect(barePath('listing', '/api/media?limit=200&cursor=eyJ.a-b_&kind=video')).toBe(
      '/api/media?limit=200&cursor=eyJ.a-b_&kind=video',
    );
  });

  it('reads a stored object by its key, each segment encoded', () => {
    expect(bareObjectPath('hls/bench-big/1g.bin')).toBe('/r2/hls/bench-big/1g.bin');
    expect(bareObjectPath('thumbs/a b/x.webp')).toBe('/r2/thumbs/a%20b/x.webp');
  });
});
