/**
 * The canonical requests of up to LANES URLs side by side in the kernels' memory, and
 * the strings to sign beside them. A lane holds the rest of the request prefix
 * (`<method>\n<path prefix>` past its whole blocks), the key UriEncoded in place, then the
 * batch's constant tail and SHA-256 padding. Keys of one playlist mostly have one length,
 * and then only the key bytes change from URL to URL: each lane's tail and padding, and
 * the K + W schedules of the tail's blocks, are written once per batch and key end.
 */
import { LANES, type LaneLayout, layOut, TO_SIGN_STRIDE } from './lane-layout.ts';
import { LeadingBlocks } from './leading-blocks.ts';
import { MAX_ENCODED_KEY_BYTES, writeObjectKey } from './object-key.ts';
import { blocksOf, compress, initialState, pad, scheduleBlock } from './sha256.ts';
import type { LaneMemory } from './sha256-lanes.ts';
import type { SigningBatch } from './signing-batch.ts';

const encoder = new TextEncoder();

export class RequestLanes {
  /** Where the buffers are; laid out again when a batch needs longer lanes. */
  layout: LaneLayout;
  /** Where a key starts in its lane: after the request prefix's unabsorbed rest. */
  readonly keyStart: number;
  private readonly memory: LaneMemory;
  /** The canonical requests' leading blocks, shared by consecutive keys. */
  private readonly leading: LeadingBlocks;
  private readonly base: number;
  private readonly prefixRest: Uint8Array;
  private readonly prefixAbsorbed: number;
  // Which key end and batch each lane's tail was written for, and the tail schedules.
  private readonly tailEnds = new Array<number>(LANES).fill(-1);
  private readonly tailBatches = new Array<SigningBatch | undefined>(LANES);
  private scheduledEnd = -1;
  private scheduledBatch: SigningBatch | undefined;

  /** `prefix`: the canonical request up to the key, `<method>\n<path prefix>`. */
  constructor(memory: LaneMemory, base: number, prefix: string) {
    this.memory = memory;
    this.base = base;
    const bytes = encoder.encode(prefix);
    this.prefixAbsorbed = bytes.length & ~63;
    this.prefixRest = bytes.subarray(this.prefixAbsorbed);
    this.keyStart = this.prefixRest.length;
    const blocks = blocksOf(this.prefixAbsorbed);
    blocks.bytes.set(bytes.subarray(0, this.prefixAbsorbed));
    const state = initialState();
    compress(state, blocks.words, 0, this.prefixAbsorbed);
    this.leading = new LeadingBlocks(state);
    this.layout = layOut(memory, base, 0, 0);
  }

  /** Byte offset of lane `lane`'s canonical request. */
  at(lane: number): number {
    return this.layout.requests + lane * this.layout.requestStride;
  }

  /** Makes room for the batch's requests and writes its string-to-sign prefix in every lane. */
  load(batch: SigningBatch): void {
    const tailLength = batch.canonicalTail.length;
    // The longest key, then the tail, which takes at most its own blocks plus one.
    const stride = (this.keyStart + MAX_ENCODED_KEY_BYTES + tailLength + 72 + 63) & ~63;
    const tailBlocks = ((tailLength + 72) >> 6) + 1;
    let { layout } = this;
    if (stride > layout.requestStride || tailBlocks > layout.tailBlocks) {
      layout = layOut(
        this.memory,
        this.base,
        Math.max(stride, layout.requestStride),
        Math.max(tailBlocks, layout.tailBlocks),
      );
      this.layout = layout;
      for (let lane = 0; lane < LANES; lane++)
        this.memory.bytes.set(this.prefixRest, this.at(lane));
      this.tailEnds.fill(-1);
      this.scheduledEnd = -1;
    }
    const { bytes, words } = this.memory;
    const rest = batch.stringToSignRest;
    for (let lane = 0; lane < LANES; lane++) {
      const at = layout.toSign + lane * TO_SIGN_STRIDE;
      bytes.set(rest, at);
      pad(bytes, at, rest.length + 64, batch.stringToSignAbsorbed);
    }
    // R2's prefix is exactly one block: the hex hash fills the next, padding is the last.
    if (rest.length === 0) scheduleBlock(words, layout.toSign + 64, words, layout.toSignSchedule);
  }

  /** Writes the key UriEncoded into a lane, after the request prefix; returns where it ends. */
  writeKey(objectKey: string, lane: number): number {
    const at = this.at(lane);
    let end = -1;
    try {
      end = writeObjectKey(objectKey, this.memory.bytes, at + this.keyStart) - at;
    } finally {
      // A key of another length (or one refused half-written) overwrote the tail.
      if (end !== this.tailEnds[lane]) this.tailEnds[lane] = -1;
    }
    return end;
  }

  /** The key as it appears in the URL: the bytes written, as a string only when they differ. */
  encodedKey(objectKey: string, lane: number, end: number): string {
    if (end - this.keyStart === objectKey.length) return objectKey;
    const at = this.at(lane);
    return String.fromCharCode(...this.memory.bytes.subarray(at + this.keyStart, at + end));
  }

  /** Copies the key in `lane` (ending at `end`) to lane 0. */
  moveToLane0(lane: number, end: number): void {
    const from = this.at(lane);
    this.memory.bytes.copyWithin(this.at(0) + this.keyStart, from + this.keyStart, from + end);
    if (end !== this.tailEnds[0]) this.tailEnds[0] = -1;
  }

  /**
   * Writes the batch's tail and padding after the keys of lanes [0, lanes), which end at
   * `end`, and schedules the tail's blocks; returns their count.
   */
  placeTails(lanes: number, end: number, batch: SigningBatch): number {
    const { bytes, words } = this.memory;
    const tail = batch.canonicalTail;
    const length = end + tail.length;
    const last = length & ~63;
    for (let lane = 0; lane < lanes; lane++) {
      if (this.tailEnds[lane] === end && this.tailBatches[lane] === batch) continue;
      const at = this.at(lane);
      bytes.set(tail, at + end);
      pad(bytes, at + last, length - last, this.prefixAbsorbed + last);
      this.tailEnds[lane] = end;
      this.tailBatches[lane] = batch;
    }
    // The tail's blocks are the same bytes in every lane: scheduled from lane 0.
    const firstTailBlock = (end + 63) >> 6;
    const tailBlocks = ((length + 72) >> 6) - firstTailBlock;
    if (this.scheduledEnd !== end || this.scheduledBatch !== batch) {
      const { tailSchedule } = this.layout;
      for (let i = 0; i < tailBlocks; i++) {
        scheduleBlock(words, this.at(0) + (firstTailBlock + i) * 64, words, tailSchedule + i * 256);
      }
      this.scheduledEnd = end;
      this.scheduledBatch = batch;
    }
    return tailBlocks;
  }

  /** The hash state after lane 0's first `count` blocks (≤ KEPT_BLOCKS). */
  leadingState(count: number): Int32Array {
    return this.leading.stateAfter(this.memory.words, this.at(0), count);
  }

  /** How many of the first `most` blocks lanes [0, lanes) all hold alike. */
  sharedBlocks(lanes: number, most: number): number {
    const words = this.memory.words;
    const first = this.at(0) >> 2;
    const stride = this.layout.requestStride >> 2;
    let shared = 0;
    for (; shared < most; shared++) {
      for (let lane = 1; lane < lanes; lane++) {
        const other = first + lane * stride;
        for (let i = shared * 16; i < shared * 16 + 16; i++) {
          if (words[first + i] !== words[other + i]) return shared;
        }
      }
    }
    return shared;
  }
}
