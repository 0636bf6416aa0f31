/**
 * Four SHA-256 hashes at once (src/sha256x4.wat, WebAssembly SIMD): the kernel of
 * `presignBatch`, which signs keys of equal length four at a time.
 *
 * The module works on its own memory. A caller lays its buffers out above `heapBase`
 * and passes byte offsets: a `state4` is 8 × 4 words, word j of lanes 0..3 together
 * (128 bytes); a message is four lanes of whole blocks, `stride` bytes apart.
 */
import module from '#sha256x4.wasm';

export type Sha256x4 = {
  /** The first byte the caller may use. */
  readonly heapBase: number;
  /** Views of the module's memory; renewed by `reserve`. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly words: Int32Array<ArrayBuffer>;
  /** Makes the memory at least `byteLength` long (renewing the views). */
  reserve(byteLength: number): void;
  /** Absorbs `blocks` 64-byte blocks of each lane, lane l's at `message + l * stride`. */
  blocks4(state4: number, message: number, stride: number, blocks: number): void;
  /** Absorbs `blocks` blocks common to all lanes, given as K + W (64 words a block). */
  scheduled4(state4: number, schedule: number, blocks: number): void;
  /** HMAC's outer pass: state4 holds four inner digests, `outer` (8 words) the opad midstate. */
  hmacOuter4(state4: number, outer: number): void;
  /** Writes each lane's digest as 64 lower-case hex characters at `out + l * stride`. */
  hex4(state4: number, out: number, stride: number): void;
};

type Exports = {
  memory: WebAssembly.Memory;
  heapBase: WebAssembly.Global;
  blocks4: Sha256x4['blocks4'];
  scheduled4: Sha256x4['scheduled4'];
  hmacOuter4: Sha256x4['hmacOuter4'];
  hex4: Sha256x4['hex4'];
};

/** A new instance with its own memory: one per presigner. */
export function createSha256x4(): Sha256x4 {
  const exports = new WebAssembly.Instance(module).exports as unknown as Exports;
  const { memory, blocks4, scheduled4, hmacOuter4, hex4 } = exports;
  const kernel = {
    heapBase: exports.heapBase.value as number,
    bytes: new Uint8Array(memory.buffer),
    words: new Int32Array(memory.buffer),
    reserve(byteLength: number) {
      const missing = byteLength - memory.buffer.byteLength;
      if (missing <= 0) return;
      memory.grow(Math.ceil(missing / 65_536));
      kernel.bytes = new Uint8Array(memory.buffer);
      kernel.words = new Int32Array(memory.buffer);
    },
    blocks4,
    scheduled4,
    hmacOuter4,
    hex4,
  };
  return kernel;
}
