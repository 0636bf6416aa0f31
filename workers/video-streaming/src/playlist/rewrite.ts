import { AttributeCursor, isBlank } from './attributes.ts';
import { createKeyResolver } from './resolve.ts';

// Rewrites every URI of an HLS playlist (RFC 8216bis) that names an object of one video,
// and leaves every other byte as it was. README.md beside this file lists which URIs
// count, and why the others are left alone.

/** An object a playlist refers to: its storage key, and whether it is itself a playlist. */
export type UriRef = { key: string; kind: 'playlist' | 'media' };

export type RewriteOptions = {
  /** Storage key of this playlist; relative URIs resolve against it. */
  playlistKey: string;
  /** Key prefix ending in '/', e.g. 'hls/abc/'; URIs resolving outside it stay as they are. */
  scope: string;
  /**
   * Called exactly once, with the refs in playlist order (duplicates included), so that
   * the caller can sign them as one batch; returns one replacement URI per ref.
   */
  rewrite(refs: readonly UriRef[]): readonly string[];
};

type Kind = UriRef['kind'];

// Tags whose attribute holds a URI. Clients fetch playlists again and again and resolve
// the URIs inside them, so playlist URIs must come back through the worker to be
// rewritten; media URIs name objects served as they are.
const URI_ATTRIBUTES = new Map<string, { name: string; kind: Kind }>([
  ['EXT-X-KEY', { name: 'URI', kind: 'media' }],
  ['EXT-X-SESSION-KEY', { name: 'URI', kind: 'media' }],
  ['EXT-X-MAP', { name: 'URI', kind: 'media' }],
  ['EXT-X-PART', { name: 'URI', kind: 'media' }],
  ['EXT-X-PRELOAD-HINT', { name: 'URI', kind: 'media' }],
  ['EXT-X-SESSION-DATA', { name: 'URI', kind: 'media' }],
  ['EXT-X-MEDIA', { name: 'URI', kind: 'playlist' }],
  ['EXT-X-I-FRAME-STREAM-INF', { name: 'URI', kind: 'playlist' }],
  ['EXT-X-IMAGE-STREAM-INF', { name: 'URI', kind: 'playlist' }],
  ['EXT-X-RENDITION-REPORT', { name: 'URI', kind: 'playlist' }],
  // Interstitials (RFC 8216bis appendix D): the asset's own playlist.
  ['EXT-X-DATERANGE', { name: 'X-ASSET-URI', kind: 'playlist' }],
]);

export function rewritePlaylist(text: string, options: RewriteOptions): string {
  const { scope } = options;
  if (scope === '' || !scope.endsWith('/')) {
    // Without the trailing slash 'hls/abc' would also admit 'hls/abcdef/...'.
    throw new TypeError(`scope must end with '/': ${JSON.stringify(scope)}`);
  }
  const resolveKey = createKeyResolver(options.playlistKey, scope);
  const cursor = new AttributeCursor(text);
  const variables = new Map<string, string>();
  const refs: UriRef[] = [];
  const starts: number[] = [];
  const ends: number[] = [];

  const offer = (start: number, end: number, kind: Kind) => {
    let uri: string | undefined = text.slice(start, end);
    if (uri.includes('{$')) uri = substituteVariables(uri, variables);
    const key = uri === undefined ? undefined : resolveKey(uri);
    if (key === undefined) return;
    refs.push({ key, kind });
    starts.push(start);
    ends.push(end);
  };

  let uriLineIsPlaylist = false;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM is kept, and is not part of line 1
  while (pos < text.length) {
    let newline = text.indexOf('\n', pos);
    if (newline === -1) newline = text.length;
    let start = pos;
    let end = newline;
    pos = newline + 1;
    if (end > start && text.charCodeAt(end - 1) === 0x0d /* \r */) end--;
    // Parsers trim lines (m3u8-parser, hls.js); the blanks themselves are kept as they are.
    while (start < end && isBlank(text.charCodeAt(start))) start++;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    if (start === end) continue;

    if (text.charCodeAt(start) !== 0x23 /* # */) {
      offer(start, end, uriLineIsPlaylist ? 'playlist' : 'media');
      uriLineIsPlaylist = false;
      continue;
    }
    // Comments are lines starting with '#' but not '#EXT'; EXTINF is most lines, skip it fast.
    if (!text.startsWith('#EXT', start) || text.startsWith('#EXTINF', start)) continue;
    let colon = start + 4;
    while (colon < end && text.charCodeAt(colon) !== 0x3a /* : */) colon++;
    const tag = text.slice(start + 1, colon);
    cursor.reset(colon + 1, end);

    if (tag === 'EXT-X-STREAM-INF') {
      uriLineIsPlaylist = true;
    } else if (tag === 'EXT-X-DEFINE') {
      defineVariable(cursor, variables);
    } else {
      const attribute = URI_ATTRIBUTES.get(tag);
      if (attribute === undefined) continue;
      const before = refs.length;
      let hasUri = false;
      let methodNone = false;
      while (cursor.next()) {
        if (cursor.nameIs(attribute.name)) {
          hasUri = true;
          // The spec makes URI a quoted-string; an unquoted one is malformed and kept.
          if (cursor.quoted) offer(cursor.valueStart, cursor.valueEnd, attribute.kind);
        } else if (cursor.nameIs('METHOD') && cursor.valueIs('NONE')) {
          methodNone = true;
        }
      }
      if (methodNone) {
        // METHOD=NONE keys have no URI to fetch (§4.4.4.4); whatever is there stays.
        refs.length = before;
        starts.length = before;
        ends.length = before;
      }
      // Lines after an image stream that carries no URI attribute name its playlist.
      if (tag === 'EXT-X-IMAGE-STREAM-INF' && !hasUri) uriLineIsPlaylist = true;
    }
  }

  const replacements = options.rewrite(refs);
  if (replacements.length !== refs.length) {
    throw new Error(`rewrite returned ${replacements.length} URIs for ${refs.length} refs`);
  }
  if (refs.length === 0) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i < refs.length; i++) {
    const replacement = replacements[i]!;
    // Replacements go into quoted-strings and URI lines as they are: a quote or a line
    // break would change the playlist's structure, a leading '#' would make a comment.
    if (!isSafeReplacement(replacement)) {
      throw new Error(`unsafe replacement URI for ${refs[i]!.key}: ${JSON.stringify(replacement)}`);
    }
    out += text.slice(last, starts[i]) + replacement;
    last = ends[i]!;
  }
  return out + text.slice(last);
}

function isSafeReplacement(uri: string): boolean {
  return (
    uri !== '' &&
    uri[0] !== '#' &&
    // indexOf runs vectorised; a regular expression here cost a fifth of the rewrite.
    uri.indexOf('"') === -1 &&
    uri.indexOf('\n') === -1 &&
    uri.indexOf('\r') === -1
  );
}

// EXT-X-DEFINE NAME/VALUE pairs (§4.4.2.3). IMPORT and QUERYPARAM values come from outside
// this playlist (the multivariant playlist, the request's query), so URIs that use them
// are left as they are; so are URIs naming an undefined variable. First definition wins.
function defineVariable(cursor: AttributeCursor, variables: Map<string, string>): void {
  let name: string | undefined;
  let value: string | undefined;
  while (cursor.next()) {
    if (!cursor.quoted) continue;
    if (cursor.nameIs('NAME')) name = cursor.value();
    else if (cursor.nameIs('VALUE')) value = cursor.value();
  }
  if (name !== undefined && value !== undefined && !variables.has(name)) {
    variables.set(name, value);
  }
}

function substituteVariables(uri: string, variables: Map<string, string>): string | undefined {
  let out = '';
  let from = 0;
  for (let open = uri.indexOf('{$'); open !== -1; open = uri.indexOf('{$', from)) {
    const close = uri.indexOf('}', open + 2);
    if (close === -1) break;
    const value = variables.get(uri.slice(open + 2, close));
    if (value === undefined) return undefined;
    out += uri.slice(from, open) + value;
    from = close + 1;
  }
  return out + uri.slice(from);
}
