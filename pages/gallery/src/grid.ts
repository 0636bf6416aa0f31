import type { MediaItem } from './api.ts';
import { el, ICONS, icon } from './element.ts';
import { dayKey, describeItem, formatDay, formatDuration, spokenDuration } from './format.ts';
import {
  bandAt,
  bandsBetween,
  type Layout,
  type LayoutItem,
  layoutGrid,
  tileRatio,
} from './justified-layout.ts';
import type { MediaFeed } from './media-feed.ts';
import { createMonthJump } from './month-jump.ts';
import { routeHash } from './router.ts';

// The thumbnail grid, windowed: justified rows are laid out from the listing's widths
// and heights (justified-layout.ts), and only the tiles within about a screen of the
// viewport exist in the DOM, absolutely positioned in a list as tall as the whole
// layout. A gallery of 10,000 keeps the same few hundred nodes as one of 100. Every
// tile's box is known before its thumbnail arrives (no layout jump); `srcset` with the
// tile's exact width as `sizes` lets the browser pick the thumbnail that is sharp at
// the screen's density. The next keyset page loads well before the guest reaches the end.
//
// Sections are days (an event is a day or a weekend: "Saturday 13 June" is how guests
// remember it, and what select mode picks at once); the floating jump lists months, so a
// gallery of years stays a short list.

export type GridOptions = {
  feed: MediaFeed;
  /** A tile was activated (plain click or Enter; modified clicks keep browser behaviour). */
  onOpen(item: MediaItem): void;
  /** A video's tile was made: the player's head start watches it (video-prefetch.ts). */
  onVideoTile(link: HTMLElement, item: MediaItem): void;
  /** Loading a page failed for a reason other than a lost session. */
  onLoadError(error: unknown): void;
};

export type Grid = {
  readonly element: HTMLElement;
  /** Focuses (and scrolls to) the tile of an item, e.g. after the lightbox closes. */
  focusItem(id: string): void;
  destroy(): void;
};

/** Start loading the next page this far below the visible area (px). */
const LOOKAHEAD = 1500;
/** Tiles exist this far above and below the viewport, in viewport heights. */
const OVERSCAN = 1;
/** More pages than this while looking for an older month means a gap of years: stop. */
const MAX_PAGES_PER_JUMP = 50;

export function createGrid(options: GridOptions): Grid {
  const { feed } = options;
  const list = el('ul', { class: 'grid', role: 'list', 'aria-label': 'Photos and videos' });
  const status = el('div', { class: 'feed-status', role: 'status' });
  const monthJump = createMonthJump({ onJump: scrollToMonth, onOlder: loadOlderMonth });
  const element = el('section', { class: 'grid-section' }, list, status, monthJump.element);

  const items: LayoutItem[] = [];
  let layout: Layout | undefined;
  let layoutWidth = 0;
  /** Rendered nodes by key: 2 × item index + 1 for a tile, 2 × first index for a header. */
  const rendered = new Map<number, HTMLLIElement>();
  let renderedKeys: number[] = [];
  let frame = 0;
  let destroyed = false;

  function append(added: readonly MediaItem[]) {
    for (const item of added) {
      items.push({ ratio: tileRatio(item.width, item.height), section: dayKey(item.takenAt) });
    }
    relayout();
  }

  function relayout() {
    const width = list.clientWidth;
    if (width === 0) return;
    const style = getComputedStyle(list);
    const number = (name: string, fallback: number) =>
      Number.parseFloat(style.getPropertyValue(name)) || fallback;
    layoutWidth = width;
    layout = layoutGrid(items, {
      width,
      rowHeight: number('--row-height', 220),
      gap: number('--gap', 4),
      headerHeight: number('--day-height', 44),
    });
    list.style.height = `${layout.height}px`;
    for (const [key, node] of rendered) place(key, node);
    monthJump.setMonths([...new Set(layout.sections.map((s) => monthOf(s.key)))], !feed.done);
    schedule();
  }

  function schedule() {
    if (frame === 0 && !destroyed) frame = requestAnimationFrame(render);
  }

  /** The part of the layout in and near the viewport, in layout coordinates. */
  function viewport() {
    const top = -list.getBoundingClientRect().top;
    return { top, bottom: top + window.innerHeight };
  }

  function render() {
    frame = 0;
    if (destroyed || !layout) return;
    const view = viewport();
    const margin = window.innerHeight * OVERSCAN;
    const [first, last] = bandsBetween(layout, view.top - margin, view.bottom + margin);
    const wanted: number[] = [];
    for (let b = first; b < last; b++) {
      const band = layout.bands[b]!;
      if (band.kind === 'header') wanted.push(2 * band.first);
      else for (let i = band.start; i < band.end; i++) wanted.push(2 * i + 1);
    }
    const keep = new Set(wanted);
    for (const key of renderedKeys) {
      const node = rendered.get(key)!;
      // The focused tile stays, so keyboard focus never falls back to the page.
      if (keep.has(key) || node.contains(document.activeElement)) continue;
      node.remove();
      rendered.delete(key);
    }
    for (const key of wanted) {
      if (rendered.has(key)) continue;
      const node = key % 2 === 1 ? tile(feed.items[(key - 1) / 2]!) : header(key / 2);
      place(key, node);
      rendered.set(key, node);
    }
    // DOM order is item order (reading and Tab order): insert each new node before the
    // first rendered node with a larger key.
    const keys = [...rendered.keys()].sort((a, b) => a - b);
    let next: Node | null = null;
    for (let k = keys.length - 1; k >= 0; k--) {
      const node = rendered.get(keys[k]!)!;
      if (node.parentNode !== list || node.nextSibling !== next) list.insertBefore(node, next);
      next = node;
    }
    renderedKeys = keys;

    const current = layout.bands[bandAt(layout, Math.max(0, view.top))];
    if (current) {
      const index = current.kind === 'header' ? current.first : current.start;
      const day = items[index]?.section;
      monthJump.setCurrent(day === undefined ? undefined : monthOf(day));
    }
    if (!feed.done && layout.height - view.bottom < LOOKAHEAD) void loadMore();
  }

  function place(key: number, node: HTMLLIElement) {
    if (!layout) return;
    const box = node.style;
    if (key % 2 === 0) {
      const band = layout.bands[layout.band[key / 2]! - 1]!;
      box.top = `${band.top}px`;
      box.height = `${band.height}px`;
      return;
    }
    const index = (key - 1) / 2;
    const band = layout.bands[layout.band[index]!]!;
    box.top = `${band.top}px`;
    box.left = `${layout.left[index]}px`;
    box.width = `${layout.width[index]}px`;
    box.height = `${band.height}px`;
    node.querySelector('img')?.setAttribute('sizes', `${layout.width[index]}px`);
  }

  function header(index: number): HTMLLIElement {
    const key = items[index]?.section ?? '';
    const label = formatDay(key);
    // The pick button is select mode's (select-mode.ts), shown only while selecting.
    const pick = el(
      'button',
      { type: 'button', class: 'day-pick', 'data-day': key, 'aria-label': `Select ${label}` },
      'Select day',
    );
    return el('li', { class: 'grid-day', 'data-day': key }, el('h2', {}, label), pick);
  }

  function tile(item: MediaItem): HTMLLIElement {
    const image = el('img', {
      src: item.thumbnailUrl,
      srcset:
        item.thumbnails.length > 1
          ? item.thumbnails.map((t) => `${t.url} ${t.width}w`).join(', ')
          : undefined,
      alt: describeItem(item),
      width: item.width,
      height: item.height,
      decoding: 'async',
    });
    const li = el('li', { class: 'tile' });
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
      options.onVideoTile(link, item);
    } else if (item.motionUrl) {
      link.append(
        el(
          'span',
          { class: 'live-tag' },
          el('span', { 'aria-hidden': 'true' }, 'LIVE'),
          el('span', { class: 'visually-hidden' }, ', Live Photo'),
        ),
      );
    }
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return;
      }
      event.preventDefault();
      options.onOpen(item);
    });
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

  async function loadMore(): Promise<boolean> {
    if (destroyed || feed.loading || feed.done) return false;
    const loading = feed.loadMore();
    showStatus();
    try {
      await loading;
    } catch (error) {
      if (destroyed) return false;
      status.replaceChildren(
        'Couldn’t load more photos. ',
        retryButton(() => void loadMore()),
      );
      options.onLoadError(error);
      return false;
    }
    if (destroyed) return false;
    showStatus();
    if (feed.done) relayout();
    // Still near the end (a tall screen, a short page): the next render asks again.
    schedule();
    return true;
  }

  /** Scrolls so that a layout position is at the top, under the sticky bar. */
  function scrollToLayout(y: number) {
    const listTop = list.getBoundingClientRect().top + window.scrollY;
    window.scrollTo({ top: listTop + y - topInset() });
    render();
  }

  function scrollToMonth(month: string) {
    const section = layout?.sections.find((s) => monthOf(s.key) === month);
    if (section && layout) scrollToLayout(layout.bands[section.band]!.top);
  }

  async function loadOlderMonth() {
    const known = new Set(items.map((item) => monthOf(item.section)));
    for (let page = 0; page < MAX_PAGES_PER_JUMP && !feed.done; page++) {
      if (feed.loading) await feed.loadMore().catch(() => {});
      else if (!(await loadMore())) break;
      const older = layout?.sections.find((section) => !known.has(monthOf(section.key)));
      if (older) return scrollToMonth(monthOf(older.key));
    }
    // Nothing older after all (or a failure): show the last month there is.
    const last = layout?.sections.at(-1);
    if (last) scrollToMonth(monthOf(last.key));
  }

  const onScroll = () => schedule();
  window.addEventListener('scroll', onScroll, { passive: true });
  const resizes = new ResizeObserver(() => {
    if (list.clientWidth !== layoutWidth) relayout();
    else schedule();
  });
  resizes.observe(list);
  const unsubscribe = feed.subscribe(append);
  append(feed.items);
  showStatus();
  if (feed.items.length === 0) void loadMore();

  return {
    element,
    focusItem(id) {
      const index = feed.indexOf(id);
      if (index < 0 || !layout) return;
      const band = layout.bands[layout.band[index]!]!;
      const view = viewport();
      if (band.top < view.top + topInset() || band.top + band.height > view.bottom) {
        scrollToLayout(band.top - (window.innerHeight - band.height) / 2 + topInset());
      } else {
        render();
      }
      rendered
        .get(2 * index + 1)
        ?.querySelector('a')
        ?.focus({ preventScroll: true });
    },
    destroy() {
      destroyed = true;
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onScroll);
      resizes.disconnect();
      unsubscribe();
      element.remove();
    },
  };
}

/** "2026-06-13" → "2026-06" (the month jump's key); '' (undated) stays ''. */
function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The height of the sticky top bar, which covers the top of the grid. */
function topInset(): number {
  return document.querySelector('.topbar')?.getBoundingClientRect().height ?? 0;
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
