import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlaybackKeys, signPlaybackToken, verifyPlaybackToken } from './playback-token.ts';

// Property-based: what a visitor can put in a playback URL's query. Bounded here (CI);
// `pnpm fuzz` runs VITE_FUZZ_RUNS cases.
const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};
const runs = Number(env.VITE_FUZZ_RUNS ?? 300);

const KEYS = parsePlaybackKeys('k1:fuzz-secret-0123456789abcdef,k0:older-secret-0123456789');
const NOW = 1_900_000_000;
const claims = fc.record({
  scope: fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/).map((id) => `hls/${id}/`),
  expiresAt: fc.integer({ min: NOW + 1, max: NOW + 86_400 }),
  bucket: fc.integer({ min: 0, max: 99 }),
});

describe('playback token, any query', () => {
  it('never throws, and accepts nothing that was not signed', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('hls/a/', '1900000100', '7', 'k1', '', '01', '-1', '1e9'),
    );
    const query = fc.array(
      fc.tuple(fc.constantFrom('scope', 'exp', 'bucket', 'kid', 'sig', 'x', 'SIG'), value),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(query, fc.string({ maxLength: 30 }), (pairs, path) => {
        const verdict = verifyPlaybackToken(new URLSearchParams(pairs), KEYS, { path, now: NOW });
        expect(verdict.ok).toBe(false);
      }),
      { numRuns: runs },
    );
  });

  it('accepts a signed token for its scope only, and refuses every one-character edit', () => {
    fc.assert(
      fc.property(
        claims,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        fc.stringMatching(/^[a-z0-9]{1,8}\.m4s$/),
        (signed, at, replacement, file) => {
          const query = signPlaybackToken(signed, KEYS[0]!);
          const path = `${signed.scope}540p/${file}`;
          const verdict = verifyPlaybackToken(new URLSearchParams(query), KEYS, { path, now: NOW });
          expect(verdict.ok).toBe(true);
          const outside = verifyPlaybackToken(new URLSearchParams(query), KEYS, {
            path: `hls/other-video/540p/${file}`,
            now: NOW,
          });
          expect(outside).toEqual({ ok: false, reason: 'out-of-scope' });
          const i = at % query.length;
          const edited = query.slice(0, i) + replacement + query.slice(i + 1);
          if (edited === query) return;
          const forged = verifyPlaybackToken(new URLSearchParams(edited), KEYS, { path, now: NOW });
          // An edit that leaves the same parameters (e.g. '+' for ' ' nowhere used) is the
          // same token; any other is refused.
          if (forged.ok) expect(forged.query).toBe(verdict.ok && verdict.query);
        },
      ),
      { numRuns: runs },
    );
  });
});
