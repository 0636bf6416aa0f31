/**
 * SHA-256 of N messages at once, side by side in one memory: the one interface the SigV4
 * signing routine (sign-lanes.ts) hashes through. Plain JavaScript (sha256.ts) is the
 * one-lane case, WebAssembly SIMD (sha256x4.wat) the four-lane one. Both work on the
 * WebAssembly module's memory at byte offsets, so that they read the same bytes: a lane
 * left over from a batch of four is signed by the one-lane kernel where it lies.
 */
import {
  compress,
  compressScheduled,
  digestHex,
  digestHexBytes,
  digestHexWords,
  digestWords,
  pad,
} from './sha256.ts';
import type { Sha256x4 } from './sha256x4.ts';

export type LaneHasher = {
  readonly lanes: 1 | 4;
  /** Sets every lane's state to `from` (8 words: a midstate the caller keeps). */
  start(from: Int32Array): void;
  /** Absorbs `blocks` 64-byte blocks of each lane, lane l's at byte `at + l * stride`. */
  absorb(at: number, stride: number, blocks: number): void;
  /** Absorbs `blocks` blocks common to all lanes from their K + W at byte `schedule` (256 a block). */
  absorbScheduled(schedule: number, blocks: number): void;
  /** Writes each lane's digest as 64 lower-case hex characters at byte `at + l * stride`. */
  writeHex(at: number, stride: number): void;
  /** HMAC's outer pass: each lane's state holds its inner digest; `outer` is the key's opad midstate. */
  hmacOuter(outer: Int32Array): void;
  /** Every lane's digest as 64 lower-case hex characters, lane 0's first. */
  hex(): string;
};

/** The memory both kernels work in: the SIMD module's, whose views `reserve` renews. */
export type LaneMemory = Pick<Sha256x4, 'heapBase' | 'bytes' | 'words' | 'reserve'>;

/** One lane in JavaScript: the lane at each offset given, over `memory`. */
export function javaScriptLane(memory: LaneMemory): LaneHasher {
  const state = new Int32Array(8);
  // The outer HMAC pass hashes opad block + the 32-byte inner digest: one block whose
  // padding (0x80, zeros, bit length 768) never changes.
  const innerDigest = new Int32Array(16);
  pad(new Uint8Array(innerDigest.buffer), 0, 32, 64);
  // `start` names the state the next pass hashes from, which then lands in `state`: a
  // midstate is read where it is kept, never copied.
  let from: Int32Array = state;
  return {
    lanes: 1,
    start(midstate) {
      from = midstate;
    },
    absorb(at, _stride, blocks) {
      compress(state, memory.words, at, at + blocks * 64, from);
      from = state;
    },
    absorbScheduled(schedule, blocks) {
      compressScheduled(state, memory.words, schedule, schedule + blocks * 256, from);
      from = state;
    },
    writeHex(at) {
      // Four digits a store where the string to sign leaves the hash word-aligned (R2).
      if ((at & 3) === 0) digestHexWords(state, memory.words, at >> 2);
      else digestHexBytes(state, memory.bytes, at);
    },
    hmacOuter(outer) {
      digestWords(state, innerDigest, 0);
      compress(state, innerDigest, 0, 64, outer);
    },
    hex() {
      return digestHex(state);
    },
  };
}

/** Bytes at the start of the heap the SIMD lanes keep for themselves. */
const SIMD_SCRATCH = 128 + 32 + 4 * 64;
const decoder = new TextDecoder();

/**
 * Four lanes in WebAssembly SIMD. It keeps its state (8 words × 4 lanes), the opad
 * midstate and the hex digests at the start of the heap; `heapBase` is above them.
 */
export function simdLanes(kernel: Sha256x4): LaneHasher & { readonly heapBase: number } {
  const state4 = kernel.heapBase;
  const outer = state4 + 128;
  const digests = outer + 32;
  kernel.reserve(state4 + SIMD_SCRATCH);
  let outerKey: Int32Array | undefined;
  return {
    lanes: 4,
    heapBase: state4 + SIMD_SCRATCH,
    start(from) {
      const words = kernel.words;
      for (let j = 0, at = state4 >> 2; j < 8; j++, at += 4) {
        const word = from[j]!;
        words[at] = word;
        words[at + 1] = word;
        words[at + 2] = word;
        words[at + 3] = word;
      }
    },
    absorb(at, stride, blocks) {
      kernel.blocks4(state4, at, stride, blocks);
    },
    absorbScheduled(schedule, blocks) {
      kernel.scheduled4(state4, schedule, blocks);
    },
    writeHex(at, stride) {
      kernel.hex4(state4, at, stride);
    },
    hmacOuter(key) {
      // One signing key per batch: copied into the module's memory when it changes.
      if (key !== outerKey) {
        kernel.words.set(key, outer >> 2);
        outerKey = key;
      }
      kernel.hmacOuter4(state4, outer);
    },
    hex() {
      kernel.hex4(state4, digests, 64);
      return decoder.decode(kernel.bytes.subarray(digests, digests + 4 * 64));
    },
  };
}
