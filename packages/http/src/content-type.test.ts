import { describe, expect, it } from 'vitest';
import { contentTypeFor } from './content-type.ts';

describe('contentTypeFor', () => {
  it.each([
    ['originals/a.jpg', 'image/jpeg'],
    ['originals/a.JPEG', 'image/jpeg'],
    ['thumbnails/a.webp', 'image/webp'],
    ['originals/a.avif', 'image/avif'],
    ['originals/a.heic', 'image/heic'],
    ['originals/a.png', 'image/png'],
    ['originals/a.mp4', 'video/mp4'],
    ['originals/a.mov', 'video/quicktime'],
    ['hls/v/master.m3u8', 'application/vnd.apple.mpegurl'],
    ['hls/v/720p/init.mp4', 'video/mp4'],
    ['hls/v/720p/seg1.m4s', 'video/iso.segment'],
    ['hls/v/720p/seg1.ts', 'video/mp2t'],
    ['hls/v/subs/en.vtt', 'text/vtt; charset=utf-8'],
  ])('%s → %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });

  it.each(['originals/a', 'originals/a.exe', 'originals/.jpg', 'a.jpg/b', 'drawing.svg'])(
    '%s → application/octet-stream',
    (key) => {
      expect(contentTypeFor(key)).toBe('application/octet-stream');
    },
  );
});
