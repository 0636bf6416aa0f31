import { describe, expect, it } from 'vitest';
import { checkObjectKey, encodeKey } from './object-key.ts';

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

describe('encodeKey', () => {
  it('leaves plain keys as they are', () => {
    expect(encodeKey('hls/abc/720p/seg-00001.m4s')).toBe('hls/abc/720p/seg-00001.m4s');
    expect(encodeKey('originals/a~b_c.jpg')).toBe('originals/a~b_c.jpg');
  });

  it('percent-encodes within segments and keeps the separators', () => {
    expect(encodeKey('originals/a b+c?d#e%f&g.jpg')).toBe(
      'originals/a%20b%2Bc%3Fd%23e%25f%26g.jpg',
    );
    expect(encodeKey('originals/写真.jpg')).toBe('originals/%E5%86%99%E7%9C%9F.jpg');
  });

  it.each([
    'hls/abc/720p/seg1.m4s',
    'hls/abc/720p/seg 1 (final) ü.m4s',
    'originals/a+b&c=d?.jpg',
    'originals/100%.jpg',
    'originals/100%25.jpg',
    "uploads/x/it's #1.mov",
  ])('round-trips %j: a URL parser keeps its segments and one decode gives the key', (key) => {
    const { pathname } = new URL(`/api/${encodeKey(key)}`, 'https://gallery.test');
    expect(pathname.slice('/api/'.length).split('/').map(decodeURIComponent).join('/')).toBe(key);
  });
});
