import { describe, expect, it } from 'vitest';
import { createKeyResolver } from './resolve.ts';

// RFC 3986 §5.4 reference resolution examples, base 'http://a/b/c/d;p?q', read as keys:
// the base path without its leading '/' is the playlist key. Results that are not an
// object key (a directory, the playlist itself, another host or scheme) are undefined.
const RFC_3986_EXAMPLES: [reference: string, key: string | undefined][] = [
  // §5.4.1 normal examples
  ['g:h', undefined],
  ['g', 'b/c/g'],
  ['./g', 'b/c/g'],
  ['g/', undefined],
  ['/g', 'g'],
  ['//g', undefined],
  ['?y', undefined],
  ['g?y', 'b/c/g'],
  ['#s', undefined],
  ['g#s', 'b/c/g'],
  ['g?y#s', 'b/c/g'],
  [';x', 'b/c/;x'],
  ['g;x', 'b/c/g;x'],
  ['g;x?y#s', 'b/c/g;x'],
  ['', undefined],
  ['.', undefined],
  ['./', undefined],
  ['..', undefined],
  ['../', undefined],
  ['../g', 'b/g'],
  ['../..', undefined],
  ['../../', undefined],
  ['../../g', 'g'],
  // §5.4.2 abnormal examples
  ['../../../g', 'g'],
  ['../../../../g', 'g'],
  ['/./g', 'g'],
  ['/../g', 'g'],
  ['g.', 'b/c/g.'],
  ['.g', 'b/c/.g'],
  ['g..', 'b/c/g..'],
  ['..g', 'b/c/..g'],
  ['./../g', 'b/g'],
  ['./g/.', undefined],
  ['g/./h', 'b/c/g/h'],
  ['g/../h', 'b/c/h'],
  ['g;x=1/./y', 'b/c/g;x=1/y'],
  ['g;x=1/../y', 'b/c/y'],
  ['g?y/./x', 'b/c/g'],
  ['g?y/../x', 'b/c/g'],
  ['g#s/./x', 'b/c/g'],
  ['g#s/../x', 'b/c/g'],
  ['http:g', undefined],
];

describe('key resolution', () => {
  const resolveRfc = createKeyResolver('b/c/d;p', '');

  it.each(RFC_3986_EXAMPLES)('resolves %j as RFC 3986 §5.4 does', (reference, key) => {
    expect(resolveRfc(reference)).toBe(key);
  });

  const resolve = createKeyResolver('hls/abc/720p/index.m3u8', 'hls/abc/');

  it('keeps keys inside the scope', () => {
    expect(resolve('seg-1.m4s')).toBe('hls/abc/720p/seg-1.m4s');
    expect(resolve('../audio/index.m3u8')).toBe('hls/abc/audio/index.m3u8');
    expect(resolve('/hls/abc/720p/seg-1.m4s')).toBe('hls/abc/720p/seg-1.m4s');
    expect(resolve('../../abc/key.bin')).toBe('hls/abc/key.bin');
  });

  it('refuses keys that leave the scope', () => {
    expect(resolve('../../other/seg.ts')).toBeUndefined();
    expect(resolve('../../../../../etc/passwd')).toBeUndefined();
    expect(resolve('/seg.ts')).toBeUndefined();
    expect(resolve('../../abcdef/seg.ts')).toBeUndefined(); // a sibling sharing the prefix
    expect(resolve('../../abc')).toBeUndefined();
    expect(createKeyResolver('hls/abc/index.m3u8', 'hls/abc/')('../abc/')).toBeUndefined();
  });

  it('refuses other hosts and schemes', () => {
    for (const uri of [
      'https://cdn.example/hls/abc/seg.ts',
      'HTTP://cdn.example/seg.ts',
      '//cdn.example/hls/abc/seg.ts',
      'skd://key-id',
      'data:text/plain;base64,AAAA',
      'urn:uuid:edef8ba9',
    ]) {
      expect(resolve(uri), uri).toBeUndefined();
    }
  });

  it('decodes each segment once', () => {
    expect(resolve('my%20clip%2B1.ts')).toBe('hls/abc/720p/my clip+1.ts');
    expect(resolve('caf%C3%A9/seg.ts')).toBe('hls/abc/720p/café/seg.ts');
    expect(resolve('%2525.ts')).toBe('hls/abc/720p/%25.ts');
  });

  it('refuses what could become traversal after decoding', () => {
    for (const uri of [
      '..%2F..%2Fother%2Fseg.ts',
      '%2e%2e/%2e%2e/other/seg.ts',
      '%2E/seg.ts',
      '..\\..\\other\\seg.ts',
      'seg%5c.ts',
      'seg%00.ts',
      'seg\t.ts',
      'bad%zz.ts',
      'a//b.ts',
    ]) {
      expect(resolve(uri), uri).toBeUndefined();
    }
  });

  it('refuses everything for a playlist outside the scope, except absolute paths into it', () => {
    const outside = createKeyResolver('other/index.m3u8', 'hls/abc/');
    expect(outside('seg.ts')).toBeUndefined();
    expect(outside('../hls/abc/seg.ts')).toBe('hls/abc/seg.ts');
  });
});
