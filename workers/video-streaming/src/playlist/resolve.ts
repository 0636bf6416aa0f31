// Maps a URI written in a playlist to the storage key it names: RFC 3986 §5.2 reference
// resolution with the playlist's own key as the base path, then a scope check. Keys are
// plain paths in one bucket, so a URI with a scheme or an authority names no key.

/** Returns the key a URI names, or undefined when it names nothing inside the scope. */
export type ResolveKey = (uri: string) => string | undefined;

/** `scope` is a key prefix ending in '/' (or '' for the whole bucket). */
export function createKeyResolver(playlistKey: string, scope: string): ResolveKey {
  const slash = playlistKey.lastIndexOf('/');
  const baseDir = playlistKey.slice(0, slash + 1);
  const baseInScope = baseDir.startsWith(scope);

  return (uri) => {
    // One scan finds where the path ends and whether it is a bare file name
    // ('seg-00001.m4s', the common case), which needs no resolution at all.
    let end = uri.length;
    let plain = true;
    for (let i = 0; i < uri.length; i++) {
      const c = uri.charCodeAt(i);
      if (c === 0x3f /* ? */ || c === 0x23 /* # */) {
        // The object is named by the path alone; the replacement URI brings its own query.
        end = i;
        break;
      }
      if (plain && !isPlainChar(c)) plain = false;
    }
    if (end === 0) return undefined; // '?x' or '#x' names the playlist itself
    const path = end === uri.length ? uri : uri.slice(0, end);
    if (plain && baseInScope && !isDots(path, 0, end)) return baseDir + path;

    const firstSlash = path.indexOf('/');
    const colon = path.indexOf(':');
    // A colon before the first slash is a scheme (http:, skd:, data:), RFC 3986 §4.2.
    if (colon !== -1 && (firstSlash === -1 || colon < firstSlash)) return undefined;
    if (path.startsWith('//')) return undefined; // network-path reference: another host

    // remove_dot_segments (§5.2.4) on whole segments, building the key left to right.
    let dir = firstSlash === 0 ? '' : baseDir; // '' or ends in '/'
    for (let from = firstSlash === 0 ? 1 : 0, to = 0; ; from = to + 1) {
      to = path.indexOf('/', from);
      const last = to === -1;
      if (last) to = path.length;
      const length = to - from;
      const dots = length <= 2 && isDots(path, from, to);
      if (length === 0 || dots) {
        // A trailing '', '.' or '..' names a directory; an empty segment in the middle is
        // not a key this project writes (checkObjectKey refuses it too).
        if (last || length === 0) return undefined;
        // '..' above the root stays at the root.
        if (length === 2) dir = dir.slice(0, dir.lastIndexOf('/', dir.length - 2) + 1);
      } else {
        const segment = decodeSegment(path.slice(from, to));
        if (segment === undefined) return undefined;
        // Scope and dir both end in '/' and the segment has none: checking dir suffices.
        if (last) return dir.startsWith(scope) ? dir + segment : undefined;
        dir += `${segment}/`;
      }
    }
  };
}

function isDots(path: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (path.charCodeAt(i) !== 0x2e /* . */) return false;
  return true;
}

function isPlainChar(c: number): boolean {
  return (
    c > 0x20 &&
    c !== 0x7f &&
    // Surrogates take the slow path: a lone one names no key (it has no UTF-8 form).
    (c < 0xd800 || c > 0xdfff) &&
    c !== 0x2f /* / */ &&
    c !== 0x3a /* : */ &&
    c !== 0x25 /* % */ &&
    c !== 0x5c /* \ */
  );
}

// A segment as stored: percent-decoded once. Refused (undefined) when it cannot be one
// segment of a safe key: malformed escapes, an encoded '/' or '\', control characters, lone surrogates,
// or a dot segment hiding behind escapes ('%2e%2e'), which WHATWG URL parsers and some
// S3-compatible stores would still treat as '..'.
function decodeSegment(part: string): string | undefined {
  let segment = part;
  if (part.includes('%')) {
    try {
      segment = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (segment === '.' || segment === '..' || segment.includes('/')) return undefined;
  }
  let surrogates = false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c /* \ */) return undefined;
    if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
  }
  // A lone surrogate (found by the fuzz test): no UTF-8 form, so no key, and
  // encodeURIComponent throws on it.
  if (surrogates && /\p{Cs}/u.test(segment)) return undefined;
  return segment;
}
