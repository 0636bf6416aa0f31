import type { BrowserContext, Response } from 'playwright-core';

// Every request the page makes, and every URI the HLS playlists it received
// named, so the test can say where the video's bytes came from.

export type LoggedRequest = { url: string; method: string; status: number | undefined };

/** The URIs of an HLS playlist (URI lines and URI="..." attributes), absolute. */
export function playlistUris(text: string, playlistUrl: string): string[] {
  const uris: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) uris.push(new URL(line, playlistUrl).href);
    for (const match of line.matchAll(/URI="([^"]*)"/g)) {
      if (match[1]) uris.push(new URL(match[1], playlistUrl).href);
    }
  }
  return uris;
}

export function isPlaylist(response: Response): boolean {
  return /mpegurl/i.test(response.headers()['content-type'] ?? '');
}

export function recordNetwork(context: BrowserContext) {
  const requests: LoggedRequest[] = [];
  /** Playlist URL → the URIs it named. */
  const playlists = new Map<string, string[]>();
  const pending: Promise<unknown>[] = [];

  context.on('request', (request) => {
    requests.push({ url: request.url(), method: request.method(), status: undefined });
  });
  context.on('response', (response) => {
    const entry = requests.findLast((r) => r.url === response.url() && r.status === undefined);
    if (entry) entry.status = response.status();
    if (response.ok() && isPlaylist(response)) {
      pending.push(
        response
          .text()
          .then((text) => playlists.set(response.url(), playlistUris(text, response.url())))
          .catch(() => {}),
      );
    }
  });

  return {
    requests,
    playlists,
    /** Waits for playlist bodies still being read. */
    settle: () => Promise.all(pending),
    namedUris: () => new Set([...playlists.values()].flat()),
  };
}
