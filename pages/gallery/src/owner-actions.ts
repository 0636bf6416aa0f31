import type { MediaItem } from './api.ts';
import { el, icon } from './element.ts';
import { describeItem } from './format.ts';
import { ownerAction } from './review-view.ts';

// The owner's edits of the item in the lightbox: rename, hide (it leaves the gallery for
// guests, kept in the bucket; the viewer's review lists hidden items to unhide) and delete
// (the row and every object, after a second tap). A menu in the lightbox's bar, shown only to
// the owner; the viewer answers 403 to a guest whatever the page shows.

export type OwnerActions = {
  readonly element: HTMLElement;
  /** The item on the stage (the menu acts on it, and closes when it changes). */
  setItem(item: MediaItem | undefined): void;
  enable(): void;
};

const EDIT_ICON =
  'M4 17.2V20h2.8l8.3-8.3-2.8-2.8zM19.7 7.3a1 1 0 0 0 0-1.4l-1.6-1.6a1 1 0 0 0-1.4 0l-1.3 1.3 2.8 2.8z';

export function createOwnerActions(options: {
  base: string;
  /** After a change: what the gallery shows changed (reload it; close the lightbox). */
  onChanged(message: string): void;
  onFailed(message: string): void;
}): OwnerActions {
  const toggle = el(
    'button',
    {
      type: 'button',
      class: 'button button-quiet owner-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'owner-menu',
      'data-testid': 'owner-actions',
    },
    icon(EDIT_ICON),
    el('span', {}, 'Edit'),
  );
  const titleInput = el('input', {
    type: 'text',
    maxlength: 200,
    'aria-label': 'Title',
    placeholder: 'Title',
  });
  const save = el('button', { type: 'submit', class: 'button button-primary' }, 'Save');
  const rename = el('form', { class: 'owner-rename' }, titleInput, save);
  const hide = el('button', { type: 'button', class: 'button button-quiet' }, 'Hide from guests');
  const remove = el(
    'button',
    { type: 'button', class: 'button button-quiet owner-delete' },
    'Delete…',
  );
  const menu = el(
    'div',
    { id: 'owner-menu', class: 'owner-menu', hidden: true, role: 'group', 'aria-label': 'Edit' },
    rename,
    hide,
    remove,
  );
  const element = el('div', { class: 'owner-actions', hidden: true }, toggle, menu);
  let item: MediaItem | undefined;
  let confirming = false;

  function setOpen(open: boolean) {
    menu.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    confirming = false;
    remove.textContent = 'Delete…';
    if (open && item) {
      titleInput.value = item.title;
      titleInput.focus();
    }
  }

  async function act(action: 'rename' | 'hide' | 'delete', done: string, body?: unknown) {
    if (!item) return;
    const target = item;
    menu.setAttribute('aria-busy', 'true');
    const ok = await ownerAction(options.base, target.id, action, body);
    menu.removeAttribute('aria-busy');
    setOpen(false);
    if (ok) options.onChanged(done);
    else options.onFailed('That didn’t work. Check your connection and try again.');
  }

  toggle.addEventListener('click', () => setOpen(menu.hidden));
  rename.addEventListener('submit', (event) => {
    event.preventDefault();
    void act('rename', 'Renamed.', { title: titleInput.value });
  });
  hide.addEventListener('click', () => void act('hide', 'Hidden from guests.'));
  remove.addEventListener('click', () => {
    if (!confirming) {
      confirming = true;
      remove.textContent = `Delete “${item ? describeItem(item) : ''}” for good`;
      return;
    }
    void act('delete', 'Deleted.');
  });

  return {
    element,
    setItem(next) {
      item = next;
      setOpen(false);
    },
    enable() {
      element.hidden = false;
    },
  };
}
