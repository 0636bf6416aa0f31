// Unpadded base64url (RFC 4648 §5), the alphabet of playback-token signatures and of the
// viewer's signed values (session ids, cursors, device ids). Written out rather than over
// btoa/atob: no binary-string detour, and decoding is strict — a text with bits set past the
// last byte, padding or any other character is refused, so every byte string has exactly
// one spelling and a signed value cannot be re-spelled.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** `bytes` as unpadded base64url: 4 characters per 3 bytes, 2 or 3 for a remainder. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 0) return out;
  const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
  out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  return rest === 2 ? out + ALPHABET[(n >> 6) & 63]! : out;
}

/** The bytes `text` spells in unpadded base64url, or undefined when it spells none. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code]! : -1;
    if (value === -1) return undefined;
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[at++] = (bits >> count) & 255;
      bits &= (1 << count) - 1;
    }
  }
  // The 2 or 4 bits left over must be zero: else another text spells the same bytes.
  return bits === 0 ? bytes : undefined;
}
