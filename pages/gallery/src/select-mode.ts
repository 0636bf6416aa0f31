import type { MediaItem } from './api.ts';
import { el } from './element.ts';
import { dayKey } from './format.ts';
import type { MediaFeed } from './media-feed.ts';

// Select mode over the grid: tap tiles to pick them, or a day's "Select day" to pick all
// of its loaded items (tapped again: none of them); then "Download selected" (a ZIP, desktop) or "Save" (the share sheet
// with the files, phones). It decorates the grid from outside — a click listener in the
// capture phase and a MutationObserver for tiles the windowed grid renders later — so the
// grid itself knows nothing about selections.

export type Selection = {
  readonly toggle: HTMLButtonElement;
  readonly bar: HTMLElement;
  destroy(): void;
};

export function createSelectMode(options: {
  grid: HTMLElement;
  feed: MediaFeed;
  onDownload(items: MediaItem[]): void;
  /** Present where the share sheet takes files (phones). */
  onSave?: ((items: MediaItem[]) => void) | undefined;
}): Selection {
  const { grid, feed } = options;
  const picked = new Set<string>();
  let selecting = false;

  const toggle = el(
    'button',
    { type: 'button', class: 'button button-quiet', 'aria-pressed': 'false' },
    'Select',
  );
  const count = el('p', { class: 'select-count', role: 'status' });
  // One way to take the picks home: the share sheet where it takes files (phones), else
  // the ZIP — also on a phone whose browser lacks it, so select mode never ends in nothing.
  const download = el(
    'button',
    { type: 'button', class: 'button button-primary download-selected', hidden: !!options.onSave },
    'Download',
    el('span', { class: 'select-word' }, ' selected'),
  );
  const save = el(
    'button',
    { type: 'button', class: 'button button-primary', hidden: !options.onSave },
    'Save',
  );
  const done = el('button', { type: 'button', class: 'button' }, 'Done');
  const bar = el('div', { class: 'select-bar', hidden: true }, count, download, save, done);

  const items = () => feed.items.filter((item) => picked.has(item.id));

  // The loaded items by day, extended as the feed grows (it only appends): a tap repaints
  // each visible day's button, and that should not parse every loaded item's date again.
  const byDay = new Map<string, MediaItem[]>();
  let indexed = 0;
  function dayItems(key: string | null): MediaItem[] {
    for (; indexed < feed.items.length; indexed++) {
      const item = feed.items[indexed]!;
      const day = dayKey(item.takenAt);
      const list = byDay.get(day);
      if (list) list.push(item);
      else byDay.set(day, [item]);
    }
    return byDay.get(key ?? '') ?? [];
  }

  function paint(li: Element) {
    const id = li.querySelector('a[data-id]')?.getAttribute('data-id');
    if (!id) return;
    li.classList.toggle('is-selected', picked.has(id));
    li.querySelector('a')?.setAttribute('aria-pressed', selecting ? String(picked.has(id)) : '');
    if (!selecting) li.querySelector('a')?.removeAttribute('aria-pressed');
  }

  /** A day's button is pressed when every loaded item of that day is picked. */
  function paintDay(button: Element) {
    const day = dayItems(button.getAttribute('data-day'));
    button.setAttribute(
      'aria-pressed',
      String(day.length > 0 && day.every((i) => picked.has(i.id))),
    );
  }

  function update() {
    for (const li of grid.querySelectorAll('.tile')) paint(li);
    for (const button of grid.querySelectorAll('.day-pick')) paintDay(button);
    count.textContent = `${picked.size} selected`;
    download.disabled = picked.size === 0;
    save.disabled = picked.size === 0;
  }

  function setSelecting(on: boolean) {
    selecting = on;
    if (!on) picked.clear();
    grid.classList.toggle('is-selecting', on);
    toggle.setAttribute('aria-pressed', String(on));
    bar.hidden = !on;
    update();
  }

  const onClick = (event: MouseEvent) => {
    if (!selecting) return;
    const target = event.target as Element;
    const link = target.closest('.tile a[data-id]');
    const dayButton = target.closest('.day-pick');
    if (!link && !dayButton) return;
    event.preventDefault();
    event.stopPropagation();
    if (link) {
      const id = link.getAttribute('data-id')!;
      if (picked.has(id)) picked.delete(id);
      else picked.add(id);
    } else if (dayButton) {
      const day = dayItems(dayButton.getAttribute('data-day'));
      const all = day.every((i) => picked.has(i.id));
      for (const item of day) {
        if (all) picked.delete(item.id);
        else picked.add(item.id);
      }
    }
    update();
  };
  grid.addEventListener('click', onClick, true);

  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.classList.contains('tile')) paint(node);
        for (const button of node.querySelectorAll('.day-pick')) paintDay(button);
      }
    }
  });
  observer.observe(grid, { childList: true, subtree: true });

  toggle.addEventListener('click', () => setSelecting(!selecting));
  done.addEventListener('click', () => setSelecting(false));
  download.addEventListener('click', () => options.onDownload(items()));
  save.addEventListener('click', () => options.onSave?.(items()));

  return {
    toggle,
    bar,
    destroy() {
      observer.disconnect();
      grid.removeEventListener('click', onClick, true);
      bar.remove();
    },
  };
}
