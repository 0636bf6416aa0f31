// A join link, `<page>/#/join/<password>`, signs a guest in without typing (DESIGN.md,
// "Auth"). The password rides in the fragment, which browsers never send to a server
// nor put in a Referer; the page takes it out of the address bar at once, before any
// request, by replacing the history entry that holds it (replaceState, never push: no
// entry keeps it, so Back, the history list and a restored tab never show it again).
// It is never logged, stored or put in the DOM.

/** The part of `window` this uses (a fake in tests). */
export type JoinLinkHost = {
  location: { hash: string };
  history: {
    readonly state: unknown;
    replaceState(state: unknown, unused: string, url: string): void;
  };
};

const JOIN = /^#\/join\/([^/?#]*)\/?$/;

/** The password a `#/join/<password>` hash carries, or undefined (also for `#/join/` with none). */
export function parseJoinLink(hash: string): string | undefined {
  const match = JOIN.exec(hash);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether the hash is a join link at all (a malformed one is still removed from the URL). */
export function isJoinLink(hash: string): boolean {
  return hash.startsWith('#/join/');
}

/**
 * Reads a join link from the address bar and replaces it with the grid's URL (`#/`), in
 * the same history entry. Returns the password, or undefined when the URL is no join link.
 */
export function takeJoinLink(host: JoinLinkHost): { password: string | undefined } | undefined {
  const { hash } = host.location;
  if (!isJoinLink(hash)) return undefined;
  host.history.replaceState(null, '', '#/');
  return { password: parseJoinLink(hash) };
}
