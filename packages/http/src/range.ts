/** A byte range resolved against a representation's size. */
export type ByteRange = { offset: number; length: number };

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

  if (first === '') {
    if (last === '') return undefined;
    const suffixLength = Number(last);
    if (suffixLength === 0) return 'unsatisfiable';
    // "The entire representation is used" — for an empty one that is a plain 200.
    if (size === 0) return undefined;
    const length = Math.min(suffixLength, size);
    return { offset: size - length, length };
  }

  const offset = Number(first);
  if (last !== '' && Number(last) < offset) return undefined;
  if (offset >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { offset, length: end - offset + 1 };
}
