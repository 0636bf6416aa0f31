import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNotModified, rangeStillApplies } from './conditional.ts';
import { checkObjectKey, encodeKey } from './object-key.ts';
import { parseRange } from './range.ts';

// Property-based checks of what visitors control: Range, If-None-Match / If-Range and
// object keys. Bounded here (CI); `pnpm fuzz` runs VITE_FUZZ_RUNS cases.
const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};
const runs = Number(env.VITE_FUZZ_RUNS ?? 300);

const size = fc.integer({ min: 0, max: 10_000 });
const digits = fc.oneof(
  fc.nat({ max: 20_000 }).map(String),
  fc.constantFrom('', '00', '9'.repeat(30), '1e3', '-1', ' 5', '0x10'),
);
const rangeHeader = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('bytes', 'Bytes', ' bytes ', 'items', ''),
      digits,
      digits,
      fc.constantFrom('', ',', ', 0-1', ',,'),
    )
    .map(([unit, first, last, more]) => `${unit}=${first}-${last}${more}`),
);

describe('Range, any header', () => {
  it('is ignored, unsatisfiable, or one range inside the body', () => {
    fc.assert(
      fc.property(rangeHeader, size, (header, length) => {
        const range = parseRange(header, length);
        if (range === undefined || range === 'unsatisfiable') return;
        expect(Number.isSafeInteger(range.offset) && Number.isSafeInteger(range.length)).toBe(true);
        expect(range.offset).toBeGreaterThanOrEqual(0);
        expect(range.length).toBeGreaterThan(0);
        expect(range.offset + range.length).toBeLessThanOrEqual(length);
      }),
      { numRuns: runs },
    );
  });

  it('answers bytes=a-b as the model says', () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), size, (a, b, length) => {
        const range = parseRange(`bytes=${a}-${b}`, length);
        if (b < a) expect(range).toBeUndefined();
        else if (a >= length) expect(range).toBe('unsatisfiable');
        else expect(range).toEqual({ offset: a, length: Math.min(b, length - 1) - a + 1 });
      }),
      { numRuns: runs },
    );
  });
});

const opaque = fc.stringMatching(/^[\x21\x23-\x7e]{0,12}$/);
const etag = opaque.map((tag) => `"${tag}"`);

describe('If-None-Match and If-Range, any header', () => {
  it('never throws, and a list naming our tag (weak or strong, anywhere) is a 304', () => {
    fc.assert(
      fc.property(
        etag,
        fc.array(
          fc.oneof(
            etag,
            etag.map((t) => `W/${t}`),
            fc.string({ maxLength: 8 }),
          ),
          {
            maxLength: 5,
          },
        ),
        fc.nat({ max: 5 }),
        fc.boolean(),
        (ours, others, at, weak) => {
          const junk = new Headers({ 'If-None-Match': others.join(', ') });
          isNotModified(junk, { httpEtag: ours });
          rangeStillApplies(new Headers({ 'If-Range': others.join(',') }), { httpEtag: ours });
          const clean = others.filter((o) => /^(W\/)?"[^"]*"$/.test(o));
          clean.splice(Math.min(at, clean.length), 0, weak ? `W/${ours}` : ours);
          const headers = new Headers({ 'If-None-Match': clean.join(' , ') });
          expect(isNotModified(headers, { httpEtag: ours })).toBe(true);
        },
      ),
      { numRuns: runs },
    );
  });

  it('is no 304 for a list that names only other tags', () => {
    fc.assert(
      fc.property(etag, fc.array(etag, { maxLength: 5 }), (ours, others) => {
        const list = others.filter((o) => o !== ours);
        const headers = new Headers({ 'If-None-Match': list.join(', ') });
        expect(isNotModified(headers, { httpEtag: ours })).toBe(false);
      }),
      { numRuns: runs },
    );
  });
});

const keyPiece = fc.constantFrom(
  'hls',
  'abc',
  '/',
  '//',
  '.',
  '..',
  '%2F',
  '%5c',
  '\\',
  '\u0000',
  '\u009f',
  '\ud800',
  'é',
  'http:',
  'a:b',
  ' ',
  '?',
  '#',
  '%',
  'x'.repeat(200),
);
const key = fc.oneof(
  fc.array(keyPiece, { maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

describe('object keys, any input', () => {
  it('accepts only keys with no traversal, empty segment, control, backslash or scheme', () => {
    fc.assert(
      fc.property(key, fc.constantFrom(undefined, 'hls/abc', 'hls/abc/'), (candidate, prefix) => {
        if (checkObjectKey(candidate, prefix) !== undefined) return;
        const segments = candidate.split('/');
        expect(segments.every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
        expect(/[\\\u0000-\u001f\u007f-\u009f]/.test(candidate)).toBe(false);
        expect(/^[a-z][a-z\d+.-]*:/i.test(candidate)).toBe(false);
        expect(new TextEncoder().encode(candidate).byteLength).toBeLessThanOrEqual(512);
        if (prefix !== undefined) {
          const scope = prefix.endsWith('/') ? prefix : `${prefix}/`;
          expect(candidate === prefix || candidate.startsWith(scope)).toBe(true);
        }
        // An accepted key becomes a URL path that decodes, segment by segment, to itself
        // and stays one path under any origin.
        const path = encodeKey(candidate);
        expect(path.split('/').map(decodeURIComponent).join('/')).toBe(candidate);
        expect(new URL(`/api/file/${path}`, 'https://viewer.test').origin).toBe(
          'https://viewer.test',
        );
      }),
      { numRuns: runs },
    );
  });
});
