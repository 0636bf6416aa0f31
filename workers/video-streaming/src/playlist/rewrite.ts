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
  /**
   * Refuse (throw PlaylistRefused) whatever would make a player send a request anywhere
   * but where the rewritten URIs point: `QUERYPARAM` defines (the player copies a query
   * parameter of the playlist's own URL, a token, into a URI), `EXT-X-CONTENT-STEERING`
   * (its steering server may clone pathways onto another host, token queries included),
   * URIs that leave the origin (another scheme, an authority), and URIs whose variables
   * this playlist does not define. For stored playlists served with a visitor's token.
   */
  confine?: boolean;
};

/** Why a playlist was refused; always bad input (the stored playlist), never a bug. */
export type RefusalReason =
  | 'define-expansion'
  | 'query-param-define'
  | 'unknown-variable'
  | 'content-steering'
  | 'leaves-origin'
  | 'bare-carriage-return';

export class PlaylistRefused extends Error {
  override readonly name = 'PlaylistRefused';
  constructor(readonly reason: RefusalReason) {
    super(`playlist refused: ${reason}`);
  }
}

// EXT-X-DEFINE expansion has no limit in the spec: a 1 MB VALUE used in every URI line
// would make a 4 MiB playlist expand to terabytes (here, and in every player). A URI is
// at most MAX_EXPANDED_URI characters after expansion (an S3 key is at most 1,024 bytes),
// and all expansions of one playlist together at most MAX_EXPANSION.
export const MAX_EXPANDED_URI = 4096;
export const MAX_EXPANSION = 4 * 1024 * 1024;

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
  const confine = options.confine === true;
  // RFC 8216 ends lines with LF or CRLF; a player that also breaks at a bare CR would read
  // lines this rewriter never saw (found by the fuzz test). One vectorised scan, CR-free
  // playlists skip it.
  if (confine && text.includes('\r') && /\r(?!\n)/.test(text)) {
    throw new PlaylistRefused('bare-carriage-return');
  }
  const expansion = { left: MAX_EXPANSION };
  const refs: UriRef[] = [];
  const starts: number[] = [];
  const ends: number[] = [];

  // Returns why a confined playlist must be refused for this URI, if it must.
  const offer = (start: number, end: number, kind: Kind): RefusalReason | undefined => {
    let uri: string | undefined = text.slice(start, end);
    if (uri.includes('{$')) {
      uri = substituteVariables(uri, variables, expansion);
      if (uri === undefined) return confine ? 'unknown-variable' : undefined;
    }
    const key = resolveKey(uri);
    if (key === undefined) return confine && leavesOrigin(uri) ? 'leaves-origin' : undefined;
    refs.push({ key, kind });
    starts.push(start);
    ends.push(end);
    return undefined;
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
      const refused = offer(start, end, uriLineIsPlaylist ? 'playlist' : 'media');
      if (refused !== undefined) throw new PlaylistRefused(refused);
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
      defineVariable(cursor, variables, confine);
    } else if (tag === 'EXT-X-CONTENT-STEERING' && confine) {
      throw new PlaylistRefused('content-steering');
    } else {
      const attribute = URI_ATTRIBUTES.get(tag);
      if (attribute === undefined) continue;
      // The interstitial asset list is fetched, not rewritten (README.md): it may not leave.
      const assetList = confine && tag === 'EXT-X-DATERANGE';
      const before = refs.length;
      let hasUri = false;
      let methodNone = false;
      let refused: RefusalReason | undefined;
      while (cursor.next()) {
        if (cursor.nameIs(attribute.name)) {
          hasUri = true;
          // The spec makes URI a quoted-string; an unquoted one is malformed and kept.
          if (cursor.quoted) refused ??= offer(cursor.valueStart, cursor.valueEnd, attribute.kind);
        } else if (cursor.nameIs('METHOD') && cursor.valueIs('NONE')) {
          methodNone = true;
        } else if (assetList && cursor.quoted && cursor.nameIs('X-ASSET-LIST')) {
          const list = substituteVariables(cursor.value(), variables, expansion);
          if (list === undefined) refused ??= 'unknown-variable';
          else if (leavesOrigin(list)) refused ??= 'leaves-origin';
        }
      }
      // A METHOD=NONE key's URI is never fetched, whatever it says (and wherever it stands).
      if (refused !== undefined && !methodNone) throw new PlaylistRefused(refused);
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
function defineVariable(
  cursor: AttributeCursor,
  variables: Map<string, string>,
  confine: boolean,
): void {
  let name: string | undefined;
  let value: string | undefined;
  while (cursor.next()) {
    if (!cursor.quoted) continue;
    if (cursor.nameIs('NAME')) name = cursor.value();
    else if (cursor.nameIs('VALUE')) value = cursor.value();
    else if (confine && cursor.nameIs('QUERYPARAM')) {
      throw new PlaylistRefused('query-param-define');
    }
  }
  if (name !== undefined && value !== undefined && !variables.has(name)) {
    variables.set(name, value);
  }
}

function substituteVariables(
  uri: string,
  variables: Map<string, string>,
  expansion: { left: number },
): string | undefined {
  let out = '';
  let from = 0;
  for (let open = uri.indexOf('{$'); open !== -1; open = uri.indexOf('{$', from)) {
    const close = uri.indexOf('}', open + 2);
    if (close === -1) break;
    const value = variables.get(uri.slice(open + 2, close));
    if (value === undefined) return undefined;
    // Checked before the string is built, so an oversized value costs nothing.
    expansion.left -= value.length;
    if (expansion.left < 0 || out.length + (open - from) + value.length > MAX_EXPANDED_URI) {
      throw new PlaylistRefused('define-expansion');
    }
    out += uri.slice(from, open) + value;
    from = close + 1;
  }
  out += uri.slice(from);
  if (out.length > MAX_EXPANDED_URI) throw new PlaylistRefused('define-expansion');
  return out;
}

// Where a player resolving `uri` against this playlist's URL would send a request to an
// origin other than the playlist's (WHATWG URL parsing, the strictest of the players'
// resolvers: it also reads '\\' as '//' and drops tabs and newlines). `data:` makes no
// request; `skd:` (FairPlay) is handed to the key system, never fetched.
const HERE = 'https://playlist.invalid/hls/v/index.m3u8';
function leavesOrigin(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri, HERE);
  } catch {
    return false; // not a URL any player can fetch
  }
  if (url.protocol === 'data:' || url.protocol === 'skd:') return false;
  return url.origin !== 'https://playlist.invalid';
}
