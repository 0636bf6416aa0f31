import type { MediaItem } from './api.ts';
import { el, ICONS, icon } from './element.ts';
import { describeItem, formatDuration, spokenDuration } from './format.ts';
import type { MediaFeed } from './media-feed.ts';
import { routeHash } from './router.ts';

// The thumbnail grid. Rows are justified by CSS alone: every tile grows in
// proportion to its aspect ratio and keeps that ratio, so each tile's box is
// known before its image arrives (no layout jump), and appending a page only
// ever touches the last row. A sentinel below the grid loads the next keyset
// page well before the guest reaches the end.

export type GridOptions = {
  feed: MediaFeed;
  /** A tile was activated (plain click or Enter; modified clicks keep browser behaviour). */
  onOpen(item: MediaItem): void;
  /** The pointer or focus rests on a video: a good moment to fetch the player. */
  onVideoIntent(): void;
  /** Loading a page failed for a reason other than a lost session. */
  onLoadError(error: unknown): void;
};

export type Grid = {
  readonly element: HTMLElement;
  /** Focuses (and scrolls to) the tile of an item, e.g. after the lightbox closes. */
  focusItem(id: string): void;
  destroy(): void;
};

/** Start loading the next page this far below the visible area. */
const LOOKAHEAD = '1500px';

export function createGrid(options: GridOptions): Grid {
  const { feed } = options;
  const list = el('ul', { class: 'grid', role: 'list', 'aria-label': 'Photos and videos' });
  const status = el('div', { class: 'feed-status', role: 'status' });
  const sentinel = el('div', { class: 'sentinel', 'aria-hidden': 'true' });
  const element = el('section', { class: 'grid-section' }, list, status, sentinel);
  const tiles = new Map<string, HTMLAnchorElement>();
  let destroyed = false;

  function append(items: readonly MediaItem[]) {
    const fragment = document.createDocumentFragment();
    for (const item of items) fragment.append(tile(item));
    list.append(fragment);
  }

  function tile(item: MediaItem): HTMLLIElement {
    const ratio = item.width / item.height;
    const image = el('img', {
      src: item.thumbnailUrl,
      alt: describeItem(item),
      width: item.width,
      height: item.height,
      loading: 'lazy',
      decoding: 'async',
    });
    const li = el('li', { class: 'tile' });
    li.style.setProperty('--ratio', String(Math.min(Math.max(ratio, 0.4), 3)));
    image.addEventListener('load', () => li.classList.add('is-loaded'), { once: true });
    image.addEventListener('error', () => li.classList.add('is-broken'), { once: true });

    const link = el(
      'a',
      { href: routeHash({ view: 'media', id: item.id }), 'data-id': item.id },
      image,
    );
    if (item.kind === 'video') {
      const duration = item.durationSec;
      link.append(
        el(
          'span',
          { class: 'badge' },
          icon(ICONS.play, 'icon badge-icon'),
          duration !== undefined && el('span', { 'aria-hidden': 'true' }, formatDuration(duration)),
          el(
            'span',
            { class: 'visually-hidden' },
            duration !== undefined ? `, video, ${spokenDuration(duration)}` : ', video',
          ),
        ),
      );
      link.addEventListener('pointerenter', options.onVideoIntent, { once: true });
      link.addEventListener('focus', options.onVideoIntent, { once: true });
    }
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return;
      }
      event.preventDefault();
      options.onOpen(item);
    });
    tiles.set(item.id, link);
    li.append(link);
    return li;
  }

  function showStatus() {
    status.replaceChildren();
    if (feed.loading) {
      status.append(el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…');
    } else if (feed.done) {
      status.append(
        feed.items.length === 0 ? 'No photos or videos here yet.' : endOfGalleryText(feed.items),
      );
    }
  }

  async function loadMore() {
    if (destroyed || feed.loading || feed.done) return;
    const loading = feed.loadMore();
    showStatus();
    try {
      await loading;
    } catch (error) {
      if (destroyed) return;
      status.replaceChildren(
        'Couldn’t load more photos. ',
        retryButton(() => void loadMore()),
      );
      options.onLoadError(error);
      return;
    }
    if (destroyed) return;
    showStatus();
    // The observer only reports changes: if the sentinel is still in view after
    // this page (a tall screen, a short page), ask again.
    observer.unobserve(sentinel);
    observer.observe(sentinel);
  }

  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    },
    { rootMargin: `0px 0px ${LOOKAHEAD} 0px` },
  );

  append(feed.items);
  const unsubscribe = feed.subscribe(append);
  observer.observe(sentinel);
  showStatus();

  return {
    element,
    focusItem(id) {
      const link = tiles.get(id);
      if (!link) return;
      link.focus({ preventScroll: true });
      link.scrollIntoView({ block: 'nearest' });
    },
    destroy() {
      destroyed = true;
      observer.disconnect();
      unsubscribe();
      element.remove();
    },
  };
}

function endOfGalleryText(items: readonly MediaItem[]): string {
  const videos = items.filter((item) => item.kind === 'video').length;
  const photos = items.length - videos;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const parts = [photos > 0 && count(photos, 'photo'), videos > 0 && count(videos, 'video')];
  return `That’s everything: ${parts.filter(Boolean).join(' and ')}.`;
}

function retryButton(onClick: () => void): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'button' }, 'Try again');
  button.addEventListener('click', onClick, { once: true });
  return button;
}
