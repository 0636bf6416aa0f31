import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.ts';

const bytesOf = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 151 + 7) & 255);
// The platform's encoder as the oracle (standard base64, padded).
const oracle = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

describe('base64url', () => {
  it.each([0, 1, 2, 3, 4, 5, 16, 31, 32, 33, 64, 100])(
    'encodes and decodes %i bytes as the platform does, unpadded',
    (length) => {
      const bytes = bytesOf(length);
      const text = toBase64Url(bytes);
      expect(text).toBe(oracle(bytes));
      expect(fromBase64Url(text)).toEqual(bytes);
    },
  );

  it('writes a 32-byte MAC as 43 characters of the URL-safe alphabet', () => {
    const text = toBase64Url(new Uint8Array(32).fill(0xfb));
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(text).toContain('-');
    expect(text).toContain('_');
  });

  it.each([
    ['a length no byte string has', 'AAAAA'],
    ['padding', 'AA=='],
    ['the standard alphabet', 'ab+/'],
    ['white space', 'AA AA'],
    ['a character outside ASCII', 'AAä'],
    ['bits set past the last byte', 'AB'],
    ['bits set past the last two bytes', 'AAB'],
  ])('refuses %s', (_, text) => {
    expect(fromBase64Url(text)).toBeUndefined();
  });

  it('decodes the empty text to no bytes', () => {
    expect(fromBase64Url('')).toEqual(new Uint8Array(0));
  });
});
