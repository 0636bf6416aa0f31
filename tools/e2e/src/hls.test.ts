import { describe, expect, it } from 'vitest';
import { playlistUris, storageKeyOf } from './hls.ts';

describe('playlist URIs', () => {
  it('finds segment lines and URI attributes, resolved against the playlist', () => {
    const text =
      '#EXTM3U\r\n#EXT-X-MAP:URI="init_0.mp4?sig=1"\r\n#EXTINF:2.0,\r\nseg0.m4s?sig=2\r\n#EXT-X-ENDLIST\r\n';
    const uris = playlistUris(text, 'http://localhost:8788/api/hls/v/540p/index.m3u8?t=1');
    expect(uris.map((u) => [u.tag, u.url.href])).toEqual([
      ['EXT-X-MAP', 'http://localhost:8788/api/hls/v/540p/init_0.mp4?sig=1'],
      ['URI', 'http://localhost:8788/api/hls/v/540p/seg0.m4s?sig=2'],
    ]);
  });

  it('keeps absolute URIs as they are', () => {
    const uris = playlistUris(
      '#EXTM3U\nhttp://localhost:8789/b/hls/v/seg0.m4s?X-Amz-Signature=a\n',
      'http://x/y',
    );
    expect(uris[0]!.url.href).toBe('http://localhost:8789/b/hls/v/seg0.m4s?X-Amz-Signature=a');
  });
});

describe('storage keys of served URLs', () => {
  it.each([
    [
      'http://localhost:8789/edge-gallery-media/hls/v/540p/seg0.m4s?X-Amz-Date=1',
      'hls/v/540p/seg0.m4s',
    ],
    ['http://localhost:8789/public/hls/v/540p/seg0.m4s', 'hls/v/540p/seg0.m4s'],
    ['http://localhost:8788/api/hls/v/540p/seg0.m4s?sig=1', 'hls/v/540p/seg0.m4s'],
  ])('%s → %s', (url, key) => {
    expect(storageKeyOf(new URL(url))).toBe(key);
  });
});
