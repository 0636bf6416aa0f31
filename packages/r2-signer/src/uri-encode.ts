const unreserved = /[A-Za-z0-9\-._~]/;

/**
 * AWS UriEncode: every byte of the UTF-8 encoding except `A-Za-z0-9-._~` as
 * `%XY` (upper-case hex). `encodeURIComponent` leaves `!'()*` alone and is
 * therefore not the same thing.
 */
export function uriEncode(text: string): string {
  let out = '';
  for (const char of text) {
    if (unreserved.test(char)) out += char;
    else
      for (const byte of new TextEncoder().encode(char))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
