/**
 * SHA-256 (FIPS 180-4) and HMAC (RFC 2104) in plain JavaScript, synchronous.
 *
 * Why not WebCrypto: `crypto.subtle` is async (one promise per hash), and a SigV4
 * signature is three tiny hashes whose per-call overhead dominates. Why not
 * `node:crypto`: it needs `nodejs_compat` and still costs ≈ 4.5 µs per call in
 * workerd. Here a hash is a function call over a reused buffer, and HMAC keys are
 * kept as their ipad/opad midstates, so an HMAC of a short message costs two or
 * three block compressions and no allocation.
 *
 * The interface is deliberately small: a state is an `Int32Array(8)`; `compress`
 * absorbs whole blocks; `finish` pads and absorbs the tail.
 */

import { compress, K } from './sha256-compress.ts';

// The block compressions, unrolled by src/sha256-compress.generator.ts, are part of this
// interface: callers import the hashing from here.
export { compress, compressScheduled } from './sha256-compress.ts';

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** A buffer seen as bytes, to write a message, and as 32-bit words, to hash it. */
export type Blocks = {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly words: Int32Array<ArrayBuffer>;
};

/** Zeroed blocks of at least `byteLength` bytes. */
export function blocksOf(byteLength: number): Blocks {
  const words = new Int32Array((byteLength + 3) >> 2);
  return { bytes: new Uint8Array(words.buffer), words };
}

if (new Uint8Array(new Int32Array([1]).buffer)[0] !== 1) {
  // Every Workers and Node platform is; compress() byte-swaps words on that assumption.
  throw new Error('@edge-gallery/r2-signer needs a little-endian platform');
}

/** A fresh state holding the initial hash value. */
export function initialState(): Int32Array {
  return IV.slice();
}

const scheduleScratch = new Int32Array(64);

/** Writes K[i] + W[i] for the block at byte `start` of `words` to byte `at` of `schedule` (256 bytes). */
export function scheduleBlock(
  words: Int32Array,
  start: number,
  schedule: Int32Array,
  at: number,
): void {
  const w = scheduleScratch;
  for (let i = 0; i < 16; i++) {
    const x = words[(start >> 2) + i]!;
    w[i] = (x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24);
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  for (let i = 0; i < 64; i++) schedule[(at >> 2) + i] = (K[i]! + w[i]!) | 0;
}

/**
 * Writes SHA-256 padding after the message `data[start, start + length)`, whose hash has
 * already absorbed `absorbed` bytes (a multiple of 64); returns where the padded blocks
 * end. `data` needs 72 spare bytes after the message.
 */
export function pad(data: Uint8Array, start: number, length: number, absorbed: number): number {
  const end = start + length;
  const padded = start + ((length + 72) & ~63);
  data[end] = 0x80;
  for (let i = end + 1; i < padded - 8; i++) data[i] = 0;
  const bits = (absorbed + length) * 8;
  const high = Math.floor(bits / 0x100000000);
  data[padded - 8] = high >>> 24;
  data[padded - 7] = high >>> 16;
  data[padded - 6] = high >>> 8;
  data[padded - 5] = high;
  data[padded - 4] = bits >>> 24;
  data[padded - 3] = bits >>> 16;
  data[padded - 2] = bits >>> 8;
  data[padded - 1] = bits;
  return padded;
}

/**
 * Pads the message at bytes [start, start + length) of `data` in place and absorbs it,
 * completing the hash. `start` is a multiple of 64.
 */
export function finish(
  state: Int32Array,
  absorbed: number,
  data: Blocks,
  start: number,
  length: number,
): void {
  compress(state, data.words, start, pad(data.bytes, start, length, absorbed));
}

/** Writes the 32-byte digest held in `state` to `out` at `offset`. */
export function digestBytes(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    out[offset++] = word >>> 24;
    out[offset++] = word >>> 16;
    out[offset++] = word >>> 8;
    out[offset++] = word;
  }
}

const HEX_CODES = new Uint8Array([
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102,
]);

/** Writes the digest held in `state` as 64 lower-case hex characters (ASCII) at `offset`. */
export function digestHexBytes(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    for (let shift = 28; shift >= 0; shift -= 4) out[offset++] = HEX_CODES[(word >>> shift) & 15]!;
  }
}

/** Little-endian 16-bit pairs of ASCII hex digits, so that one 32-bit store writes 4 digits. */
const HEX_PAIRS_LE = Uint16Array.from(
  { length: 256 },
  (_, byte) => HEX_CODES[byte >>> 4]! | (HEX_CODES[byte & 15]! << 8),
);

/** Writes the digest as 64 hex characters at word `offset` of `words` (16 words). */
export function digestHexWords(state: Int32Array, words: Int32Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    words[offset++] = HEX_PAIRS_LE[word >>> 24]! | (HEX_PAIRS_LE[(word >>> 16) & 255]! << 16);
    words[offset++] = HEX_PAIRS_LE[(word >>> 8) & 255]! | (HEX_PAIRS_LE[word & 255]! << 16);
  }
}

/** Writes the 32-byte digest at word `offset` of `words` (8 words, big-endian bytes). */
export function digestWords(state: Int32Array, words: Int32Array, offset: number): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    words[offset++] =
      (word >>> 24) | ((word >>> 8) & 0xff00) | ((word & 0xff00) << 8) | (word << 24);
  }
}

const hexCodes: number[] = new Array(64).fill(0);
/** The ASCII hex digits of a byte's high and low nibble. */
const HEX_HIGH = Uint8Array.from({ length: 256 }, (_, byte) => HEX_CODES[byte >>> 4]!);
const HEX_LOW = Uint8Array.from({ length: 256 }, (_, byte) => HEX_CODES[byte & 15]!);

/**
 * The digest held in `state` as 64 lower-case hex characters. One `fromCharCode` over a
 * reused array makes a flat string: cheaper, flattening included, than 32 concatenations.
 */
export function digestHex(state: Int32Array): string {
  const codes = hexCodes;
  // Byte-wise, two table reads per byte: 172 ns a digest where a loop over the 64
  // nibbles took 233 ns (Node 22).
  for (let i = 0, j = 0; i < 8; i++, j += 8) {
    const word = state[i]!;
    let byte = word >>> 24;
    codes[j] = HEX_HIGH[byte]!;
    codes[j + 1] = HEX_LOW[byte]!;
    byte = (word >>> 16) & 255;
    codes[j + 2] = HEX_HIGH[byte]!;
    codes[j + 3] = HEX_LOW[byte]!;
    byte = (word >>> 8) & 255;
    codes[j + 4] = HEX_HIGH[byte]!;
    codes[j + 5] = HEX_LOW[byte]!;
    byte = word & 255;
    codes[j + 6] = HEX_HIGH[byte]!;
    codes[j + 7] = HEX_LOW[byte]!;
  }
  return String.fromCharCode.apply(null, codes);
}

function hashState(message: Uint8Array): Int32Array {
  const buffer = blocksOf(message.length + 72);
  buffer.bytes.set(message);
  const state = initialState();
  const full = message.length & ~63;
  compress(state, buffer.words, 0, full);
  finish(state, full, buffer, full, message.length - full);
  return state;
}

/** SHA-256 of `message`. */
export function sha256(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  digestBytes(hashState(message), out, 0);
  return out;
}

/** SHA-256 of `message` as lower-case hex. */
export function sha256Hex(message: Uint8Array): string {
  return digestHex(hashState(message));
}

/** An HMAC-SHA256 key, kept as the states after absorbing its ipad and opad blocks. */
export type HmacKey = { readonly inner: Int32Array; readonly outer: Int32Array };

export function hmacKey(key: Uint8Array): HmacKey {
  const block = blocksOf(64);
  block.bytes.set(key.length > 64 ? sha256(key) : key);
  const inner = initialState();
  const outer = initialState();
  for (let i = 0; i < 64; i++) block.bytes[i]! ^= 0x36;
  compress(inner, block.words, 0, 64);
  for (let i = 0; i < 64; i++) block.bytes[i]! ^= 0x36 ^ 0x5c;
  compress(outer, block.words, 0, 64);
  block.bytes.fill(0);
  return { inner, outer };
}

/** HMAC-SHA256 of `message` under `key`; the result lands in `state` (8 words). */
export function hmacInto(key: HmacKey, message: Uint8Array, state: Int32Array): void {
  const buffer = blocksOf(Math.max(message.length, 32) + 72);
  buffer.bytes.set(message);
  state.set(key.inner);
  const full = message.length & ~63;
  compress(state, buffer.words, 0, full);
  finish(state, 64 + full, buffer, full, message.length - full);
  digestBytes(state, buffer.bytes, 0);
  state.set(key.outer);
  finish(state, 64, buffer, 0, 32);
}

/** HMAC-SHA256 of `message` under `key`, as 32 bytes. */
export function hmac(key: HmacKey, message: Uint8Array): Uint8Array {
  const state = new Int32Array(8);
  hmacInto(key, message, state);
  const out = new Uint8Array(32);
  digestBytes(state, out, 0);
  return out;
}
