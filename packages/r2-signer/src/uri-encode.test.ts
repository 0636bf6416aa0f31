import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uriEncode, uriEncodePath, writeUriEncoded } from './uri-encode.ts';

/** The spec's definition through the platform: encodeURIComponent, plus !'()*. */
const reference = (text: string) =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Separators, ASCII, any code point, and lone UTF-16 surrogates. */
const anyUnit = fc.oneof(
  fc.constantFrom('/', '.', '%', '+', ' ', '~', '!', '*'),
  fc.integer({ min: 0, max: 0x7f }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
);

describe('uriEncode', () => {
  it('leaves the unreserved set alone', () => {
    expect(uriEncode('AZaz09-._~')).toBe('AZaz09-._~');
  });
  it("encodes what encodeURIComponent does not: !'()*", () => {
    expect(uriEncode("!'()*")).toBe('%21%27%28%29%2A');
  });
  it('encodes space as %20 and + as %2B', () => {
    expect(uriEncode('a b+c')).toBe('a%20b%2Bc');
  });
  it('encodes UTF-8 bytes without normalisation', () => {
    expect(uriEncode('é')).toBe('%C3%A9');
    expect(uriEncode('e\u0301')).toBe('e%CC%81');
    expect(uriEncode('😀')).toBe('%F0%9F%98%80');
  });
  it('encodes "/" in a query value, keeps it between the segments of a path', () => {
    expect(uriEncode('a/b c')).toBe('a%2Fb%20c');
    expect(uriEncodePath('a/b c//d/')).toBe('a/b%20c//d/');
  });
  it('refuses a lone surrogate with a URIError, as encodeURIComponent does', () => {
    for (const text of ['\ud800', 'a\udc00', '\ud800a', '\udbff\udbff']) {
      expect(() => uriEncode(text)).toThrow(URIError);
      expect(() => uriEncodePath(text)).toThrow(URIError);
    }
  });
  it('agrees with the platform for any text, and per segment for any path', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyUnit }), (text) => {
        let expected: string | undefined;
        try {
          expected = reference(text);
        } catch {
          expect(() => uriEncode(text)).toThrow(URIError);
          return;
        }
        expect(uriEncode(text)).toBe(expected);
        expect(uriEncodePath(text)).toBe(text.split('/').map(reference).join('/'));
      }),
      { numRuns: 2000 },
    );
  });
  it('writes at an offset and returns where it ends', () => {
    const out = new Uint8Array(16).fill(120);
    expect(writeUriEncoded('a b', out, 2, 'component')).toBe(7);
    expect(new TextDecoder().decode(out.subarray(0, 8))).toBe('xxa%20bx');
  });
});
