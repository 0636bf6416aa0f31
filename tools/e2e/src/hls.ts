// Just enough HLS for the end-to-end checks: every URI a playlist names, resolved
// against the playlist's URL, with the tag it came from.

export type PlaylistUri = { tag: string; uri: string; url: URL };

const URI_ATTRIBUTE = /URI="([^"]*)"/g;

export function playlistUris(text: string, playlistUrl: string | URL): PlaylistUri[] {
  const uris: PlaylistUri[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const tag = line.slice(1, line.includes(':') ? line.indexOf(':') : undefined);
      for (const match of line.matchAll(URI_ATTRIBUTE)) {
        uris.push({ tag, uri: match[1]!, url: new URL(match[1]!, playlistUrl) });
      }
    } else {
      uris.push({ tag: 'URI', uri: line, url: new URL(line, playlistUrl) });
    }
  }
  return uris;
}

/** The storage key a demo URL stands for: `hls/...` wherever it is served from. */
export function storageKeyOf(url: URL): string | undefined {
  const path = decodeURIComponent(url.pathname);
  const at = path.indexOf('/hls/');
  return at === -1 ? undefined : path.slice(at + 1);
}
