import { describe, expect, it } from 'vitest';
import { bareR2Path } from './load-bench.ts';

// The memory baseline reads, through the bare R2 worker, the object each request of the
// mixed load is answered with: the same keys, so the same local R2 work.
describe('bare R2 paths of the mixed load', () => {
  it('reads a presigned thumbnail by its key, without bucket or signature', () => {
    const path = '/edge-gallery-media/thumbs/abc%20d/400.webp?X-Amz-Signature=00';
    expect(bareR2Path('thumbnail', path)).toBe('/thumbs/abc%20d/400.webp');
  });

  it('reads the master playlist of the video the token names', () => {
    expect(bareR2Path('playlist', '/api/hls/playlist?key=demo-clip&exp=1&sig=x')).toBe(
      '/hls/demo-clip/master.m3u8',
    );
  });

  it('reads variants and segments at their HLS keys', () => {
    expect(bareR2Path('playlist', '/api/hls/demo-clip/540p/index.m3u8?exp=1')).toBe(
      '/hls/demo-clip/540p/index.m3u8',
    );
    expect(bareR2Path('segment', '/api/hls/demo-clip/540p/seg1.m4s?exp=1')).toBe(
      '/hls/demo-clip/540p/seg1.m4s',
    );
  });

  it('stands in for the listing (D1, no R2) with a read of a missing key', () => {
    expect(bareR2Path('listing', '/api/media?limit=60')).toBe('/bench-missing/listing');
  });
});
