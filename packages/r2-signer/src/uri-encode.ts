/**
 * AWS UriEncode, the one implementation (SigV4: "URI-encode each byte"): every byte of
 * the UTF-8 encoding except `A-Za-z0-9-._~` as `%XY` (upper-case hex); space is `%20`,
 * never `+`; `!'()*`, which `encodeURIComponent` keeps, are encoded too. An object key
 * keeps its `/`: S3 encodes each path segment, not the separators.
 *
 * It writes bytes, because the presigner encodes keys straight into the buffer it hashes;
 * the string forms below run the same writer.
 */

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
/** The ASCII bytes UriEncode keeps as they are, by mode: 1 where kept. */
const KEPT = {
  component: keptTable(UNRESERVED),
  path: keptTable(`${UNRESERVED}/`),
};
function keptTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const char of chars) table[char.charCodeAt(0)] = 1;
  return table;
}
const UPPER_HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70]);

/** What to keep besides the unreserved set: nothing (a query name or value), or `/` (a path). */
export type UriEncodeMode = 'component' | 'path';

/**
 * Writes `text` UriEncoded as ASCII at `offset` of `out`; returns where it ends. `out`
 * needs up to 9 bytes per UTF-16 unit (3 UTF-8 bytes, each `%XY`). Throws `URIError` on
 * a lone surrogate, which has no UTF-8 encoding (as `encodeURIComponent` does).
 */
export function writeUriEncoded(
  text: string,
  out: Uint8Array,
  offset: number,
  mode: UriEncodeMode,
): number {
  const kept = KEPT[mode];
  let pos = offset;
  for (let i = 0, length = text.length; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (kept[c] === 1) out[pos++] = c;
      else pos = percent(out, pos, c);
    } else if (c < 0x800) {
      pos = percent(out, pos, 0xc0 | (c >> 6));
      pos = percent(out, pos, 0x80 | (c & 63));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const low = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
        throw new URIError('UriEncode: a lone UTF-16 surrogate has no UTF-8 encoding');
      }
      i++;
      const codePoint = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      pos = percent(out, pos, 0xf0 | (codePoint >> 18));
      pos = percent(out, pos, 0x80 | ((codePoint >> 12) & 63));
      pos = percent(out, pos, 0x80 | ((codePoint >> 6) & 63));
      pos = percent(out, pos, 0x80 | (codePoint & 63));
    } else {
      pos = percent(out, pos, 0xe0 | (c >> 12));
      pos = percent(out, pos, 0x80 | ((c >> 6) & 63));
      pos = percent(out, pos, 0x80 | (c & 63));
    }
  }
  return pos;
}

function percent(out: Uint8Array, pos: number, byte: number): number {
  out[pos] = 37;
  out[pos + 1] = UPPER_HEX[byte >> 4]!;
  out[pos + 2] = UPPER_HEX[byte & 15]!;
  return pos + 3;
}

let scratch = new Uint8Array(1024);
const decoder = new TextDecoder();

/** `text` UriEncoded, as a query name or value is; throws `URIError` on a lone surrogate. */
export function uriEncode(text: string): string {
  return encoded(text, 'component');
}

/** S3's canonical URI of an object path: each segment UriEncoded, `/` kept, no normalisation. */
export function uriEncodePath(path: string): string {
  return encoded(path, 'path');
}

function encoded(text: string, mode: UriEncodeMode): string {
  if (scratch.length < 9 * text.length) scratch = new Uint8Array(9 * text.length);
  const end = writeUriEncoded(text, scratch, 0, mode);
  return end === text.length ? text : decoder.decode(scratch.subarray(0, end));
}
