/**
 * A short tag naming some text (FNV-1a, 32 bit, base 36), for ETags and cache keys.
 * Not a MAC and not collision-proof: it is only ever combined with what it names.
 */
export function tagOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}
