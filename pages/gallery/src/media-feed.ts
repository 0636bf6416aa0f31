import type { MediaItem, MediaPage } from './api.ts';

// The gallery's media list, fetched page by page with the viewer's keyset
// cursor. Grid and lightbox share one feed, so "next" in the lightbox can walk
// past the last loaded thumbnail and the grid grows with it.

export type MediaFeed = {
  readonly items: readonly MediaItem[];
  /** True once the viewer said there is no next page. */
  readonly done: boolean;
  readonly loading: boolean;
  /**
   * Loads the next page and resolves with its new items. Calls made while a page
   * is loading share that request. A failure leaves the cursor where it was, so
   * calling again retries the same page.
   */
  loadMore(): Promise<readonly MediaItem[]>;
  indexOf(id: string): number;
  /** The item's index, loading pages until it shows up (at most `maxPages` more). */
  find(id: string, maxPages?: number): Promise<number>;
  subscribe(listener: (added: readonly MediaItem[]) => void): () => void;
};

export type ListPage = (options: { cursor: string | null; limit: number }) => Promise<MediaPage>;

/**
 * `pageSize` is the first page's size (what fills the first screen); later pages may be
 * larger (`laterPageSize`): the grid keeps only what is near the viewport in the DOM, so
 * more items cost a few bytes each, and fewer round trips reach deep months and links.
 */
export function createMediaFeed(
  listPage: ListPage,
  pageSize: number,
  laterPageSize = pageSize,
): MediaFeed {
  const items: MediaItem[] = [];
  const index = new Map<string, number>();
  const listeners = new Set<(added: readonly MediaItem[]) => void>();
  let cursor: string | null = null;
  let done = false;
  let inFlight: Promise<readonly MediaItem[]> | undefined;

  async function fetchNext(): Promise<readonly MediaItem[]> {
    const page = await listPage({ cursor, limit: cursor === null ? pageSize : laterPageSize });
    const added: MediaItem[] = [];
    for (const item of page.items) {
      // Keyset pages never overlap, unless rows were inserted while paging: never show one twice.
      if (index.has(item.id)) continue;
      index.set(item.id, items.length);
      items.push(item);
      added.push(item);
    }
    // A cursor that does not move would loop forever; treat it as the end.
    done = page.nextCursor === null || page.nextCursor === cursor;
    cursor = page.nextCursor;
    if (added.length > 0) for (const listener of listeners) listener(added);
    return added;
  }

  const feed: MediaFeed = {
    get items() {
      return items;
    },
    get done() {
      return done;
    },
    get loading() {
      return inFlight !== undefined;
    },

    loadMore() {
      if (done) return Promise.resolve([]);
      inFlight ??= fetchNext().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },

    indexOf(id) {
      return index.get(id) ?? -1;
    },

    async find(id, maxPages = 50) {
      for (let page = 0; page < maxPages && !index.has(id) && !done; page++) {
        await feed.loadMore();
      }
      return feed.indexOf(id);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return feed;
}
