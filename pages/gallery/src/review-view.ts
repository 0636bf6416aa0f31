import type { MediaItem } from './api.ts';
import { parseMediaPage } from './api.ts';
import { el, ICONS, icon } from './element.ts';
import { describeItem, formatDuration } from './format.ts';

// The owner's review queue: guests' pending uploads, approved or rejected one by one (a
// tap) or in bulk (tick several). Offered only when GET /auth says the role is owner; the
// viewer refuses every call of it to a guest anyway (403).

async function call(base: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base.replace(/\/+$/, '')}${path}`, {
    credentials: 'same-origin',
    ...init,
    headers: {
      accept: 'application/json',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
}

/** The owner's calls on one item (review.ts in the viewer); resolves to whether it worked. */
export async function ownerAction(
  base: string,
  id: string,
  action: 'approve' | 'reject' | 'hide' | 'unhide' | 'rename' | 'delete',
  body?: unknown,
): Promise<boolean> {
  const path = `/api/media/${encodeURIComponent(id)}${action === 'delete' ? '' : `/${action}`}`;
  const response = await call(base, path, {
    method: action === 'delete' ? 'DELETE' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch(() => undefined);
  return response?.ok ?? false;
}

export async function isOwner(base: string): Promise<boolean> {
  const response = await call(base, '/auth').catch(() => undefined);
  const body: unknown = await response?.json().catch(() => undefined);
  return typeof body === 'object' && body !== null && 'role' in body && body.role === 'owner';
}

const INBOX_ICON = 'M5 4h14l2 9v7H3v-7zm1.6 2L5.2 13H9a3 3 0 0 0 6 0h3.8l-1.4-7z';
const APPROVE_ICON = 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z';
const UNHIDE_ICON =
  'M12 5C7 5 2.7 8.1 1 12.5 2.7 16.9 7 20 12 20s9.3-3.1 11-7.5C21.3 8.1 17 5 12 5zm0 12.5a5 5 0 1 1 0-10 5 5 0 0 1 0 10zm0-8a3 3 0 1 0 0 6 3 3 0 0 0 0-6z';

/**
 * A review button: its icon and its word; `selected` adds " selected" (the bulk buttons), a
 * word a phone's row has no room for — it stays in the button's name.
 */
function decision(
  className: string,
  iconPath: string,
  word: string,
  selected = false,
): HTMLButtonElement {
  return el(
    'button',
    { type: 'button', class: `button ${className}`.trim() },
    icon(iconPath),
    el('span', { class: 'review-label' }, word),
    selected && el('span', { class: 'review-selected' }, ' selected'),
  );
}

function relabel(button: HTMLButtonElement, iconPath: string, word: string) {
  button.querySelector('path')?.setAttribute('d', iconPath);
  const label = button.querySelector('.review-label');
  if (label) label.textContent = word;
}

export type Review = {
  /** "Review" for the top bar: hidden until the owner is known. */
  readonly button: HTMLButtonElement;
  readonly dialog: HTMLDialogElement;
  /** Shows the button and loads the count (the owner is signed in). */
  enable(): void;
  destroy(): void;
};

export function createReview(options: { base: string; onChange: () => void }): Review {
  const { base } = options;
  const count = el('span', { class: 'review-count' }, '');
  const button = el(
    'button',
    {
      type: 'button',
      class: 'button button-quiet review-button',
      hidden: true,
      'aria-label': 'Review uploads',
      'data-testid': 'review-button',
    },
    icon(INBOX_ICON),
    el('span', { class: 'review-word' }, 'Review'),
    count,
  );
  const title = el('h2', { id: 'review-title', class: 'sheet-title' }, 'Waiting for review');
  const close = el(
    'button',
    { type: 'button', class: 'button button-quiet button-icon', 'aria-label': 'Close' },
    icon(ICONS.close),
  );
  const all = el('input', { type: 'checkbox', 'aria-label': 'Select all' });
  const approveSelected = decision('button-primary', APPROVE_ICON, 'Approve', true);
  const rejectSelected = decision('', ICONS.close, 'Reject', true);
  approveSelected.disabled = rejectSelected.disabled = true;
  // The same sheet lists what the owner hid (lightbox → Edit → Hide), to bring it back.
  const switchView = el(
    'button',
    { type: 'button', class: 'button button-quiet', 'data-testid': 'review-switch' },
    'Hidden',
  );
  const status = el('p', { class: 'review-status', role: 'status' });
  const list = el('ul', { class: 'review-list' });
  // The viewer answers 100 at a time (oldest first); the rest come a page per press.
  const more = el(
    'button',
    { type: 'button', class: 'button review-more', hidden: true, 'data-testid': 'review-more' },
    'Show more',
  );
  const dialog = el(
    'dialog',
    { class: 'sheet review', 'aria-labelledby': 'review-title', 'data-testid': 'review-panel' },
    el('div', { class: 'sheet-head' }, title, el('div', {}, switchView, close)),
    el(
      'div',
      { class: 'review-actions' },
      el('label', { class: 'review-all' }, all, 'All'),
      approveSelected,
      rejectSelected,
    ),
    status,
    list,
    more,
  );
  const selected = new Set<string>();
  let items: MediaItem[] = [];
  let nextCursor: string | null = null;
  let changed = false;
  let view: 'pending' | 'hidden' = 'pending';

  function showSelection() {
    approveSelected.disabled = rejectSelected.disabled = selected.size === 0;
    all.checked = items.length > 0 && selected.size === items.length;
    all.indeterminate = selected.size > 0 && selected.size < items.length;
    for (const tick of list.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) {
      tick.checked = selected.has(tick.value);
    }
  }

  async function decide(ids: string[], action: 'approve' | 'reject' | 'unhide') {
    if (ids.length === 0) return;
    dialog.setAttribute('aria-busy', 'true');
    const answers = await Promise.all(ids.map((id) => ownerAction(base, id, action)));
    dialog.removeAttribute('aria-busy');
    const failed = answers.filter((ok) => !ok).length;
    changed ||= failed < ids.length;
    await load();
    const done = { approve: 'approved', reject: 'rejected', unhide: 'shown again' }[action];
    status.textContent =
      failed > 0
        ? `${failed} could not be ${done}. Try again.`
        : `${ids.length} ${done}.${items.length === 0 && view === 'pending' ? ' Nothing else is waiting.' : ''}`;
  }

  function row(item: MediaItem): HTMLElement {
    const name = describeItem(item);
    const tick = el('input', { type: 'checkbox', value: item.id, 'aria-label': `Select ${name}` });
    tick.addEventListener('change', () => {
      if (tick.checked) selected.add(item.id);
      else selected.delete(item.id);
      showSelection();
    });
    const approve = decision('button-primary', APPROVE_ICON, 'Approve');
    approve.dataset.testid = 'approve';
    const reject = decision('', ICONS.close, 'Reject');
    reject.dataset.testid = 'reject';
    if (view === 'hidden') {
      relabel(approve, UNHIDE_ICON, 'Unhide');
      reject.hidden = true;
    }
    approve.addEventListener(
      'click',
      () => void decide([item.id], view === 'hidden' ? 'unhide' : 'approve'),
    );
    reject.addEventListener('click', () => void decide([item.id], 'reject'));
    const kind =
      item.kind === 'video'
        ? `Video${item.durationSec ? ` · ${formatDuration(item.durationSec)}` : ''}`
        : 'Photo';
    return el(
      'li',
      { class: 'review-item', 'data-id': item.id, 'data-testid': 'review-item' },
      el(
        'label',
        { class: 'review-pick' },
        tick,
        el('img', { class: 'review-thumb', src: item.thumbnailUrl, alt: '', loading: 'lazy' }),
      ),
      el('p', { class: 'review-name' }, name, el('span', { class: 'review-kind' }, kind)),
      el('div', { class: 'review-buttons' }, approve, reject),
    );
  }

  let loads = 0;
  /** The first page again (after a decision, a switch), or with `after` the next one. */
  async function load(after?: string) {
    // Only the latest answer counts (switching lists while one loads).
    const ticket = ++loads;
    const cursor = after ? `&cursor=${encodeURIComponent(after)}` : '';
    const response = await call(base, `/api/review?state=${view}${cursor}`).catch(() => undefined);
    if (ticket !== loads) return;
    if (!response?.ok) {
      status.textContent = 'Couldn’t load the list. Check your connection and try again.';
      return;
    }
    const page = parseMediaPage(await response.json(), base);
    if (ticket !== loads) return;
    const fresh = page.items.filter((item) => !after || !items.some((i) => i.id === item.id));
    items = after ? [...items, ...fresh] : [...page.items];
    nextCursor = page.nextCursor;
    for (const id of selected) if (!items.some((item) => item.id === id)) selected.delete(id);
    if (after) list.append(...fresh.map(row));
    else list.replaceChildren(...items.map(row));
    more.hidden = nextCursor === null;
    const hidden = view === 'hidden';
    const shown = `${items.length}${nextCursor === null ? '' : '+'}`;
    if (!hidden) count.textContent = items.length > 0 ? shown : '';
    title.textContent = `${hidden ? 'Hidden from guests' : 'Waiting for review'} (${shown})`;
    status.textContent =
      items.length === 0 ? (hidden ? 'Nothing is hidden.' : 'Nothing is waiting for review.') : '';
    switchView.textContent = hidden ? 'Waiting' : 'Hidden';
    relabel(approveSelected, hidden ? UNHIDE_ICON : APPROVE_ICON, hidden ? 'Unhide' : 'Approve');
    rejectSelected.hidden = hidden;
    showSelection();
  }

  all.addEventListener('change', () => {
    selected.clear();
    if (all.checked) for (const item of items) selected.add(item.id);
    showSelection();
  });
  approveSelected.addEventListener(
    'click',
    () => void decide([...selected], view === 'hidden' ? 'unhide' : 'approve'),
  );
  switchView.addEventListener('click', () => {
    view = view === 'hidden' ? 'pending' : 'hidden';
    selected.clear();
    void load();
  });
  rejectSelected.addEventListener('click', () => void decide([...selected], 'reject'));
  more.addEventListener('click', () => {
    if (nextCursor) void load(nextCursor);
  });
  button.addEventListener('click', () => {
    view = 'pending';
    dialog.showModal();
    void load();
  });
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    // The grid picks up what was approved once the owner is done, not under their thumb.
    if (changed) options.onChange();
    changed = false;
  });

  return {
    button,
    dialog,
    enable() {
      button.hidden = false;
      void load();
    },
    destroy() {
      dialog.remove();
    },
  };
}
