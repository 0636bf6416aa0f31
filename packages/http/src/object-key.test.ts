import { describe, expect, it } from 'vitest';
import { checkObjectKey } from './object-key.ts';

describe('checkObjectKey', () => {
  it.each([
    'originals/abc.jpg',
    'thumbnails/abc.webp',
    'hls/v1/master.m3u8',
    'hls/v1/720p/seg-00001.m4s',
    'originals/Ünïcødé 写真.jpg',
    'originals/a..b.jpg',
    'originals/.hidden',
    'originals/100%25.jpg',
    `originals/${'a'.repeat(512 - 'originals/'.length)}`,
  ])('accepts %s', (key) => {
    expect(checkObjectKey(key)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    [`originals/${'a'.repeat(512 - 'originals/'.length + 1)}`, 'too-long'],
    [`originals/${'é'.repeat(252)}`, 'too-long'],
    ['originals/\ud800.jpg', 'malformed'],
    ['originals/a\u0000.jpg', 'control-character'],
    ['originals/a\n.jpg', 'control-character'],
    ['originals/a\r.jpg', 'control-character'],
    ['originals/a\u007f.jpg', 'control-character'],
    ['originals/a\u0085.jpg', 'control-character'],
    ['originals\\..\\secret', 'backslash'],
    ['originals/a\\b.jpg', 'backslash'],
    ['originals/..%2Fsecret', 'encoded-separator'],
    ['originals%2f..%2fsecret', 'encoded-separator'],
    ['originals/a%5Cb', 'encoded-separator'],
    ['https://evil.example/x.jpg', 'absolute-url'],
    ['javascript:alert(1)', 'absolute-url'],
    ['file:///etc/passwd', 'absolute-url'],
    ['//evil.example/x.jpg', 'absolute-url'],
    ['/originals/a.jpg', 'leading-slash'],
    ['originals//a.jpg', 'empty-segment'],
    ['originals/', 'empty-segment'],
    ['../originals/a.jpg', 'traversal'],
    ['originals/../secret', 'traversal'],
    ['originals/./a.jpg', 'traversal'],
    ['originals/..', 'traversal'],
    ['..', 'traversal'],
  ])('refuses %j: %s', (key, reason) => {
    expect(checkObjectKey(key)).toBe(reason);
  });

  describe('with a prefix', () => {
    it.each([
      ['hls/v1/master.m3u8', 'hls/v1/'],
      ['hls/v1/720p/seg1.m4s', 'hls/v1/'],
      ['hls/v1/master.m3u8', 'hls/v1'],
      ['thumbnails/a.webp', 'thumbnails/'],
    ])('accepts %s inside %s', (key, prefix) => {
      expect(checkObjectKey(key, prefix)).toBeUndefined();
    });

    it.each([
      ['hls/v2/master.m3u8', 'hls/v1/'],
      ['hls/v10/master.m3u8', 'hls/v1'],
      ['originals/a.jpg', 'thumbnails/'],
      ['hls/v1', 'hls/v1/'],
    ])('refuses %s outside %s', (key, prefix) => {
      expect(checkObjectKey(key, prefix)).toBe('outside-prefix');
    });

    it('checks traversal before the prefix, so a prefix cannot be escaped', () => {
      expect(checkObjectKey('hls/v1/../v2/master.m3u8', 'hls/v1/')).toBe('traversal');
    });
  });
});
