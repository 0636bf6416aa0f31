import { describe, expect, it } from 'vitest';
import { hmac, hmacKey, sha256, sha256Hex } from './sha256.ts';

const encoder = new TextEncoder();
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('matches the FIPS 180-2 example %j', (message, digest) => {
    expect(sha256Hex(encoder.encode(message))).toBe(digest);
  });

  it('matches WebCrypto for every length from 0 to 300 bytes (all padding cases)', async () => {
    for (let length = 0; length <= 300; length++) {
      const message = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 255);
      const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', message));
      expect(hex(sha256(message)), `length ${length}`).toBe(hex(expected));
    }
  });
});

describe('hmac', () => {
  // RFC 4231 test cases 1, 2, 4 and 6 (6: a key longer than the block is hashed first).
  it.each([
    [
      '0b'.repeat(20),
      hex(encoder.encode('Hi There')),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    ],
    [
      hex(encoder.encode('Jefe')),
      hex(encoder.encode('what do ya want for nothing?')),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    [
      '0102030405060708090a0b0c0d0e0f10111213141516171819',
      'cd'.repeat(50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      'aa'.repeat(131),
      hex(encoder.encode('Test Using Larger Than Block-Size Key - Hash Key First')),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
  ])('matches RFC 4231 (key %s)', (key, message, mac) => {
    expect(hex(hmac(hmacKey(fromHex(key)), fromHex(message)))).toBe(mac);
  });

  it('matches WebCrypto for messages around the block boundaries', async () => {
    const keyBytes = encoder.encode('a key of some length');
    const key = await crypto.subtle.importKey(
      'raw',
      keyBytes,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    for (const length of [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 128, 200]) {
      const message = Uint8Array.from({ length }, (_, i) => i & 255);
      const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
      expect(hex(hmac(hmacKey(keyBytes), message)), `length ${length}`).toBe(hex(expected));
    }
  });
});
