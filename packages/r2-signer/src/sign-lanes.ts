/**
 * SigV4's signature, `Hex(HMAC(kSigning, StringToSign))` with the string to sign ending in
 * `Hex(SHA256(CanonicalRequest))`, for the canonical requests in the first
 * `hasher.lanes` lanes at once: the presigner's one signing routine, run by the
 * JavaScript kernel for one lane and the SIMD kernel for four.
 */
import { TO_SIGN_STRIDE } from './lane-layout.ts';
import { KEPT_BLOCKS } from './leading-blocks.ts';
import type { RequestLanes } from './request-lanes.ts';
import type { LaneHasher } from './sha256-lanes.ts';
import type { SigningBatch } from './signing-batch.ts';

/** The lanes' signatures, 64 hex digits each, lane 0's first; their keys all end at `end`. */
export function signLanes(
  hasher: LaneHasher,
  requests: RequestLanes,
  batch: SigningBatch,
  end: number,
): string {
  const tailBlocks = requests.placeTails(hasher.lanes, end, batch);
  const { layout } = requests;
  // HashedCanonicalRequest: leading blocks every lane shares come from the kept ones
  // (a playlist's keys share a long prefix), then the key's other blocks, then the tail
  // from its precomputed schedules.
  const keyBlocks = (end + 63) >> 6;
  const shared = requests.sharedBlocks(hasher.lanes, Math.min(keyBlocks, KEPT_BLOCKS));
  hasher.start(requests.leadingState(shared));
  hasher.absorb(layout.requests + shared * 64, layout.requestStride, keyBlocks - shared);
  hasher.absorbScheduled(layout.tailSchedule, tailBlocks);

  // HMAC(kSigning, StringToSign): the hex hash goes straight into the pre-padded string
  // to sign; the inner pass starts after its constant prefix, the outer after opad.
  const rest = batch.stringToSignRest.length;
  hasher.writeHex(layout.toSign + rest, TO_SIGN_STRIDE);
  hasher.start(batch.stringToSignState);
  if (rest === 0) {
    hasher.absorb(layout.toSign, TO_SIGN_STRIDE, 1);
    hasher.absorbScheduled(layout.toSignSchedule, 1);
  } else {
    hasher.absorb(layout.toSign, TO_SIGN_STRIDE, batch.stringToSignEnd >> 6);
  }
  hasher.hmacOuter(batch.key.outer);
  return hasher.hex();
}
