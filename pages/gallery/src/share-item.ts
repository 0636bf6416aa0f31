import { routeHash } from './router.ts';

// The lightbox's Share: the item's own link, `<page>#/media/<id>`. Opening it signs in
// first (the login keeps the hash) and then shows the item. The link carries no password:
// whoever receives it still needs one. Web Share where the browser has it (phones, some
// desktops), else the clipboard.

/** The part of `navigator` this uses (a fake in tests). */
export type ShareHost = {
  share?: (data: ShareData) => Promise<void>;
  canShare?: (data: ShareData) => boolean;
  clipboard?: { writeText(text: string): Promise<void> };
};

export type ShareOutcome = 'shared' | 'copied' | 'cancelled' | 'failed';

/** The page URL (path kept, query and fragment dropped) with the item's route. */
export function itemLink(pageHref: string, id: string): string {
  const url = new URL(pageHref);
  url.search = '';
  url.hash = '';
  return `${url.href}${routeHash({ view: 'media', id })}`;
}

export async function shareLink(
  host: ShareHost,
  data: { url: string; title: string },
): Promise<ShareOutcome> {
  if (host.share && (host.canShare?.(data) ?? true)) {
    try {
      await host.share(data);
      return 'shared';
    } catch (error) {
      // The guest closed the share sheet: nothing to say.
      if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
      // NotAllowedError (no user activation left) and others: the clipboard still works.
    }
  }
  try {
    await host.clipboard!.writeText(data.url);
    return 'copied';
  } catch {
    return 'failed';
  }
}

/** What the guest reads after Share. */
export function shareMessage(outcome: ShareOutcome): string | undefined {
  if (outcome === 'copied')
    return 'Link copied. Whoever opens it needs the gallery’s password too.';
  if (outcome === 'failed') return 'Couldn’t share the link. Copy it from the address bar instead.';
  return undefined;
}
