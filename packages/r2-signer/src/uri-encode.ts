/**
 * AWS UriEncode: every byte of the UTF-8 encoding except `A-Za-z0-9-._~` as `%XY`
 * (upper-case hex); space is `%20`, never `+`. `encodeURIComponent` also leaves
 * `!'()*` alone, so those are encoded on top. Throws `URIError` on a lone surrogate,
 * which has no UTF-8 encoding.
 */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, percentEncode);
}

function percentEncode(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
}
