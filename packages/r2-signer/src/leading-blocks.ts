import { compress } from './sha256.ts';

/**
 * Leading blocks of a canonical request kept, with the hash state after each: two cover
 * a bucket name plus a playlist's shared key prefix (`hls/<id>/<variant>/seg_`); more
 * would cost more in copying than they save.
 */
export const KEPT_BLOCKS = 2;

/**
 * The last canonical request's leading blocks and the states after them. Keys of one
 * playlist share a long prefix, so the first block is usually the same and is not hashed
 * again: blocks are compared word by word, and only those that differ are hashed.
 */
export class LeadingBlocks {
  private readonly initial: Int32Array;
  private readonly words = new Int32Array(16 * KEPT_BLOCKS);
  private readonly states = Array.from({ length: KEPT_BLOCKS }, () => new Int32Array(8));
  private count = 0;

  /** `initial`: the state the requests' first block is hashed from. */
  constructor(initial: Int32Array) {
    this.initial = initial;
  }

  /**
   * The state after the first `count` (≤ KEPT_BLOCKS) blocks of the message at byte `at`
   * of `words`, which are kept in their place.
   */
  stateAfter(words: Int32Array, at: number, count: number): Int32Array {
    const first = at >> 2;
    let block = 0;
    while (block < this.count && block < count && this.holds(words, first, block)) block++;
    for (; block < count; block++) {
      const from = block === 0 ? this.initial : this.states[block - 1]!;
      compress(this.states[block]!, words, at + block * 64, at + block * 64 + 64, from);
      for (let i = block * 16; i < block * 16 + 16; i++) this.words[i] = words[first + i]!;
      this.count = block + 1;
    }
    return count === 0 ? this.initial : this.states[count - 1]!;
  }

  private holds(words: Int32Array, first: number, block: number): boolean {
    for (let i = block * 16; i < block * 16 + 16; i++) {
      if (this.words[i] !== words[first + i]) return false;
    }
    return true;
  }
}
