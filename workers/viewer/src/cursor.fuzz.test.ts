import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

// Property-based: a listing cursor is whatever a client sends back. Bounded here (CI);
// `pnpm fuzz` runs VITE_FUZZ_RUNS cases.
const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};
const runs = Number(env.VITE_FUZZ_RUNS ?? 200);
const SECRET = 'fuzz-auth-secret-0123456789abcdef';

describe('listing cursor, any input', () => {
  it('decodes to nothing unless this worker issued it', async () => {
    const cursor = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 2000 }),
      fc
        .tuple(fc.base64String({ maxLength: 40 }), fc.base64String({ maxLength: 30 }))
        .map(([a, b]) => `${a}.${b}`.replace(/[+/=]/g, '_')),
    );
    await fc.assert(
      fc.asyncProperty(cursor, async (text) => {
        expect(await decodeCursor(SECRET, text)).toBeUndefined();
      }),
      { numRuns: runs },
    );
  });

  it('gives back every position it encoded, and refuses it under another secret or edited', async () => {
    const position = fc.record({ takenAt: fc.string(), id: fc.string() });
    await fc.assert(
      fc.asyncProperty(position, fc.nat(), async (at, edit) => {
        const cursor = await encodeCursor(SECRET, at);
        expect(await decodeCursor(SECRET, cursor)).toEqual(at);
        expect(await decodeCursor(`${SECRET}x`, cursor)).toBeUndefined();
        const i = edit % cursor.length;
        const flipped = cursor[i] === 'A' ? 'B' : 'A';
        const edited = cursor.slice(0, i) + flipped + cursor.slice(i + 1);
        const decoded = await decodeCursor(SECRET, edited);
        // base64url's last character may carry unused bits: such an edit decodes the same.
        if (decoded !== undefined) expect(decoded).toEqual(at);
      }),
      { numRuns: runs },
    );
  });
});
