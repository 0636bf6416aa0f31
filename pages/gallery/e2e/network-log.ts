import type { BrowserContext, Request, Response } from 'playwright-core';

// Every request the page makes, and every URI the HLS playlists it received
// named, so the test can say where the video's bytes came from.

/** `status` is undefined while the request is in flight; `failed` when it never got an
 * answer (hls.js aborts a fragment load it no longer needs). */
export type LoggedRequest = {
  url: string;
  method: string;
  status: number | undefined;
  failed?: true;
};

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
  /** Requests without their end yet (finished or failed), each with what ends its wait. */
  const inFlight = new Map<Request, { done: Promise<void>; end: () => void }>();

  context.on('request', (request) => {
    requests.push({ url: request.url(), method: request.method(), status: undefined });
    let end = () => {};
    const done = new Promise<void>((resolve) => {
      end = resolve;
    });
    inFlight.set(request, { done, end });
  });
  const ended = (request: Request) => {
    inFlight.get(request)?.end();
    inFlight.delete(request);
  };
  context.on('requestfinished', ended);
  context.on('requestfailed', (request) => {
    const entry = requests.findLast((r) => r.url === request.url() && r.status === undefined);
    if (entry) entry.failed = true;
    ended(request);
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
    /**
     * Waits for the requests in flight now to end (a playing video has its next segment on
     * the way), at most `timeout` ms, then for the playlist bodies still being read.
     */
    settle: async (timeout = 10_000) => {
      const ends = [...inFlight.values()].map(({ done }) => done);
      await Promise.race([Promise.all(ends), new Promise((r) => setTimeout(r, timeout))]);
      await Promise.all(pending);
    },
    namedUris: () => new Set([...playlists.values()].flat()),
  };
}
