/**
 * Where the presigner's buffers lie in the kernels' shared memory, as byte offsets. Every
 * buffer is sized for LANES lanes: the four-lane kernel reads all of them, the one-lane
 * kernel lane 0, so a key never moves between the two.
 */
import type { LaneMemory } from './sha256-lanes.ts';

/** Requests hashed side by side by the widest kernel (sha256x4). */
export const LANES = 4;
/** A lane of the string to sign: < 64 bytes of prefix, the 64 hex digits, padding. */
export const TO_SIGN_STRIDE = 256;

export type LaneLayout = {
  /** Lane l's string to sign at `toSign + l * TO_SIGN_STRIDE`. */
  readonly toSign: number;
  /** K + W of the string to sign's last block, when it is the same for every key (R2). */
  readonly toSignSchedule: number;
  /** K + W of the canonical request's blocks after the key: room for `tailBlocks`. */
  readonly tailSchedule: number;
  readonly tailBlocks: number;
  /** Lane l's canonical request: `requestStride` bytes at `requests + l * requestStride`. */
  readonly requests: number;
  readonly requestStride: number;
};

/**
 * Lays the buffers out from `base` up, growing the memory to hold them. Each starts on a
 * 256-byte boundary: the kernels read whole 32-bit words (SIMD: 128-bit vectors).
 */
export function layOut(
  memory: LaneMemory,
  base: number,
  requestStride: number,
  tailBlocks: number,
): LaneLayout {
  let at = align(base);
  const take = (bytes: number) => {
    const offset = at;
    at = align(at + bytes);
    return offset;
  };
  const layout: LaneLayout = {
    toSign: take(LANES * TO_SIGN_STRIDE),
    toSignSchedule: take(256),
    tailSchedule: take(tailBlocks * 256),
    tailBlocks,
    requests: take(LANES * requestStride),
    requestStride,
  };
  memory.reserve(at);
  return layout;
}

function align(offset: number): number {
  return (offset + 255) & ~255;
}
