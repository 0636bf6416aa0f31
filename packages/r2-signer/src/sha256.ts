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

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const W = new Int32Array(64);

/** A fresh state holding the initial hash value. */
export function initialState(): Int32Array {
  return IV.slice();
}

/** Absorbs the 64-byte blocks of `data[start, end)` into `state`. */
export function compress(state: Int32Array, data: Uint8Array, start: number, end: number): void {
  const w = W;
  const k = K;
  let h0 = state[0]!;
  let h1 = state[1]!;
  let h2 = state[2]!;
  let h3 = state[3]!;
  let h4 = state[4]!;
  let h5 = state[5]!;
  let h6 = state[6]!;
  let h7 = state[7]!;
  for (let p = start; p < end; p += 64) {
    for (let i = 0, j = p; i < 16; i++, j += 4) {
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + k[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

/**
 * Pads `data[start, start + length)` in place and absorbs it, completing a hash whose
 * `state` has already absorbed `absorbed` bytes (a multiple of 64). `data` needs 72
 * spare bytes after the message for the padding.
 */
export function finish(
  state: Int32Array,
  absorbed: number,
  data: Uint8Array,
  start: number,
  length: number,
): void {
  const end = start + length;
  const padded = start + ((length + 72) & ~63);
  data[end] = 0x80;
  data.fill(0, end + 1, padded - 8);
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
  compress(state, data, start, padded);
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

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The digest held in `state` as 64 lower-case hex characters. */
export function digestHex(state: Int32Array): string {
  let hex = '';
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    hex +=
      HEX_PAIRS[word >>> 24]! +
      HEX_PAIRS[(word >>> 16) & 255]! +
      HEX_PAIRS[(word >>> 8) & 255]! +
      HEX_PAIRS[word & 255]!;
  }
  return hex;
}

function hashState(message: Uint8Array): Int32Array {
  const buffer = new Uint8Array(message.length + 72);
  buffer.set(message);
  const state = initialState();
  const full = message.length & ~63;
  compress(state, buffer, 0, full);
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
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key);
  const inner = initialState();
  const outer = initialState();
  for (let i = 0; i < 64; i++) block[i]! ^= 0x36;
  compress(inner, block, 0, 64);
  for (let i = 0; i < 64; i++) block[i]! ^= 0x36 ^ 0x5c;
  compress(outer, block, 0, 64);
  block.fill(0);
  return { inner, outer };
}

/** HMAC-SHA256 of `message` under `key`; the result lands in `state` (8 words). */
export function hmacInto(key: HmacKey, message: Uint8Array, state: Int32Array): void {
  const buffer = new Uint8Array(Math.max(message.length, 32) + 72);
  buffer.set(message);
  state.set(key.inner);
  const full = message.length & ~63;
  compress(state, buffer, 0, full);
  finish(state, 64 + full, buffer, full, message.length - full);
  digestBytes(state, buffer, 0);
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
