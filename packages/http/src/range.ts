/** A byte range resolved against a representation's size. */
export type ByteRange = { offset: number; length: number };

/** One syntactically valid byte-range-spec, not yet resolved against a size. */
export type RangeSpec = { first: number; last: number | undefined } | { suffix: number };

const BYTE_RANGE_SPEC = /^(\d*)-(\d*)$/;

/**
 * Resolves a `Range` header (RFC 9110 §14.1.2) against `size` bytes.
 *
 * - `undefined`: no header, another unit, junk, an invalid spec (last < first) or
 *   several ranges. The server may ignore Range (§14.2) and answer 200 with the
 *   whole body; multipart/byteranges is not worth its cost for media players,
 *   which ask for one range at a time.
 * - `'unsatisfiable'`: the first byte is at or past the end, or `bytes=-0` (§14.1.1):
 *   answer 416 with `Content-Range: bytes *\/<size>`.
 */
export function parseRange(
  header: string | null,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const spec = parseRangeSpec(header);
  return spec === undefined ? undefined : resolveRange(spec, size);
}

/** The single range a header asks for, before the size is known; `undefined` = ignore the header. */
export function parseRangeSpec(header: string | null): RangeSpec | undefined {
  if (header === null) return undefined;
  const equals = header.indexOf('=');
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return undefined;
  // A list may carry empty elements (RFC 9110 §5.6.1): "bytes=0-1," is one range.
  const specs = header
    .slice(equals + 1)
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  if (specs.length !== 1) return undefined;
  const match = BYTE_RANGE_SPEC.exec(specs[0]!);
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') return last === '' ? undefined : { suffix: Number(last) };
  const spec = { first: Number(first), last: last === '' ? undefined : Number(last) };
  // last < first makes the spec invalid, and an invalid Range is ignored (§14.1.1).
  return spec.last !== undefined && spec.last < spec.first ? undefined : spec;
}

export function resolveRange(
  spec: RangeSpec,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if ('suffix' in spec) {
    if (spec.suffix === 0) return 'unsatisfiable';
    // "The entire representation is used" — for an empty one that is a plain 200.
    if (size === 0) return undefined;
    const length = Math.min(spec.suffix, size);
    return { offset: size - length, length };
  }
  if (spec.first >= size) return 'unsatisfiable';
  const end = spec.last === undefined ? size - 1 : Math.min(spec.last, size - 1);
  return { offset: spec.first, length: end - spec.first + 1 };
}
