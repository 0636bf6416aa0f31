/** Why a key was refused; each is also a fine `{"error": ...}` reason code. */
export type ObjectKeyProblem =
  | 'empty'
  | 'too-long'
  | 'malformed'
  | 'control-character'
  | 'backslash'
  | 'encoded-separator'
  | 'absolute-url'
  | 'leading-slash'
  | 'empty-segment'
  | 'traversal'
  | 'outside-prefix';

// Our own bound, half of R2's 1,024-byte key limit: no gallery key comes near it.
const MAX_OBJECT_KEY_BYTES = 512;

const encoder = new TextEncoder();

/**
 * Checks a storage key taken from a request, already percent-decoded once.
 * Returns `undefined` when safe, else the first problem found.
 *
 * R2 keys are flat strings, so `..` cannot escape a bucket; these checks keep a
 * request inside the key space the route meant (`prefix`) and away from keys no
 * writer of ours produces. `prefix` matches whole segments: `hls/abc` admits
 * `hls/abc/…` but not `hls/abcd/…`.
 */
export function checkObjectKey(key: string, prefix?: string): ObjectKeyProblem | undefined {
  if (key === '') return 'empty';
  if (encoder.encode(key).byteLength > MAX_OBJECT_KEY_BYTES) return 'too-long';
  // A lone surrogate has no UTF-8 form: R2 would store U+FFFD in its place.
  if (/\p{Cs}/u.test(key)) return 'malformed';
  // C0, DEL and C1 controls.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  if (/[\u0000-\u001f\u007f-\u009f]/.test(key)) return 'control-character';
  if (key.includes('\\')) return 'backslash';
  // Still encoded after one decode: a double-encoded '/' or '\' aimed at a second decoder.
  if (/%(?:2f|5c)/i.test(key)) return 'encoded-separator';
  if (/^[a-z][a-z\d+.-]*:/i.test(key) || key.startsWith('//')) return 'absolute-url';
  if (key.startsWith('/')) return 'leading-slash';
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty-segment';
    if (segment === '.' || segment === '..') return 'traversal';
  }
  if (prefix !== undefined && !withinPrefix(key, prefix)) return 'outside-prefix';
  return undefined;
}

function withinPrefix(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix)) return false;
  return prefix.endsWith('/') || key.length === prefix.length || key[prefix.length] === '/';
}

// Characters a URL path carries as they are (RFC 3986 unreserved, and '/' between segments).
const PLAIN_KEY = /^[A-Za-z0-9._~/-]*$/;

/**
 * A storage key as a URL path: each '/'-separated segment percent-encoded, the separators
 * kept, so decoding each segment once gives the key back — the one mapping from key to path
 * for every URL that names an object (the viewer's /api/file/, the video worker's /api/hls/,
 * an S3 object URL, a public base). Most keys are plain and come back as they are.
 */
export function encodeKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : key.split('/').map(encodeURIComponent).join('/');
}
