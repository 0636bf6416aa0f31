import { describe, expect, it } from 'vitest';
import { uriEncode } from './uri-encode.ts';

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
  });
});
