import { describe, expect, it } from 'vitest';
import { hmacKey, initialState, pad, scheduleBlock } from './sha256.ts';
import { createSha256x4 } from './sha256x4.ts';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** A kernel with a state4, four 512-byte message lanes and four 64-byte hex outputs. */
function setUp() {
  const kernel = createSha256x4();
  const state4 = kernel.heapBase;
  const message = state4 + 128;
  const stride = 512;
  const out = message + 4 * stride;
  kernel.reserve(out + 256);
  const setLanes = (from: Int32Array[]) => {
    for (let j = 0; j < 8; j++) {
      for (let lane = 0; lane < 4; lane++)
        kernel.words[(state4 >> 2) + j * 4 + lane] = from[lane]![j]!;
    }
  };
  const digests = () => {
    kernel.hex4(state4, out, 64);
    return [0, 1, 2, 3].map((lane) =>
      latin1(kernel.bytes.subarray(out + lane * 64, out + lane * 64 + 64)),
    );
  };
  /** Writes each message padded into its lane; returns the block count (equal lengths). */
  const writeLanes = (messages: Uint8Array[]) => {
    let end = 0;
    messages.forEach((m, lane) => {
      const at = message + lane * stride;
      kernel.bytes.set(m, at);
      end = pad(kernel.bytes, at, m.length, 0) - at;
    });
    return end >> 6;
  };
  return { kernel, state4, message, stride, out, setLanes, digests, writeLanes };
}

const sample = (length: number, lane: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 131 + lane * 17 + length) & 255);

describe('sha256x4', () => {
  it('hashes four messages at once, as WebCrypto does, for every length from 0 to 300', async () => {
    const { kernel, state4, message, stride, setLanes, digests, writeLanes } = setUp();
    for (let length = 0; length <= 300; length++) {
      const messages = [0, 1, 2, 3].map((lane) => sample(length, lane));
      const blocks = writeLanes(messages);
      setLanes([0, 1, 2, 3].map(() => initialState()));
      kernel.blocks4(state4, message, stride, blocks);
      const expected = await Promise.all(
        messages.map(async (m) => hex(new Uint8Array(await crypto.subtle.digest('SHA-256', m)))),
      );
      expect(digests(), `length ${length}`).toEqual(expected);
    }
  });

  it('starts each lane from its own state and absorbs shared blocks from their schedule', async () => {
    const { kernel, state4, message, stride, setLanes, digests, writeLanes } = setUp();
    // Four 200-byte messages that differ in their first block only.
    const messages = [0, 1, 2, 3].map((lane) => {
      const m = sample(200, 0);
      m[lane * 9] = 255 - lane;
      return m;
    });
    const blocks = writeLanes(messages);
    setLanes([0, 1, 2, 3].map(() => initialState()));
    kernel.blocks4(state4, message, stride, 1);
    // Blocks 1.. are the same bytes in every lane: hash them from lane 0's schedule.
    const schedule = state4 + 4 * stride + 512;
    kernel.reserve(schedule + (blocks - 1) * 256);
    for (let b = 1; b < blocks; b++)
      scheduleBlock(kernel.words, message + b * 64, kernel.words, schedule + (b - 1) * 256);
    kernel.scheduled4(state4, schedule, blocks - 1);
    const expected = await Promise.all(
      messages.map(async (m) => hex(new Uint8Array(await crypto.subtle.digest('SHA-256', m)))),
    );
    expect(digests()).toEqual(expected);
  });

  it("computes HMAC's outer pass from four inner digests", async () => {
    const { kernel, state4, message, stride, setLanes, digests } = setUp();
    const keyBytes = new TextEncoder().encode('a signing key');
    const key = hmacKey(keyBytes);
    const messages = [0, 1, 2, 3].map((lane) => sample(100, lane));
    // The inner pass: ipad midstate, then the message (64 ipad bytes already absorbed).
    let end = 0;
    messages.forEach((m, lane) => {
      const at = message + lane * stride;
      kernel.bytes.set(m, at);
      end = pad(kernel.bytes, at, m.length, 64) - at;
    });
    setLanes([0, 1, 2, 3].map(() => key.inner));
    kernel.blocks4(state4, message, stride, end >> 6);
    const outer = message + 4 * stride - 64;
    kernel.words.set(key.outer, outer >> 2);
    kernel.hmacOuter4(state4, outer);
    const webKey = await crypto.subtle.importKey(
      'raw',
      keyBytes,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const expected = await Promise.all(
      messages.map(async (m) => hex(new Uint8Array(await crypto.subtle.sign('HMAC', webKey, m)))),
    );
    expect(digests()).toEqual(expected);
  });

  it('keeps working after its memory grows', () => {
    const { kernel } = setUp();
    const before = kernel.bytes.length;
    kernel.reserve(before + 1);
    expect(kernel.bytes.length).toBeGreaterThan(before);
    expect(kernel.words.length * 4).toBe(kernel.bytes.length);
  });
});
