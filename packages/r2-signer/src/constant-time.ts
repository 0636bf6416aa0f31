/**
 * Compares two strings without an early exit, so the time taken says nothing about where
 * they differ. Their lengths are public: callers compare values of a fixed length (MACs,
 * signatures) or hash secrets of any length first. A plain loop rather than workerd's
 * `crypto.subtle.timingSafeEqual`: the signer also runs in Node (the import CLI, tests),
 * where that method does not exist.
 */
export function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
