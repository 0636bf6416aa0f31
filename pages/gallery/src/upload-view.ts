import { type MediaItem, parseMediaPage } from './api.ts';
import { el, ICONS, icon } from './element.ts';
import { describeItem } from './format.ts';
import { runUpload, type SavedUpload, UploadRefused } from './upload.ts';
import {
  createUploadApi,
  indexedDbStore,
  makeRenditions,
  waitForNetwork,
  xhrPut,
} from './upload-browser.ts';

// "Add photos": the file picker (phones offer the camera roll for image/* and video/*), a
// panel with a progress bar per file and one for all, plain words for every refusal, an offer
// to continue the uploads a closed tab left unfinished, and the guest's own uploads waiting
// for the owner (GET /api/uploads) above the grid.

/** What the viewer's and the store's refusals mean to the guest. */
export function refusalText(error: unknown): string {
  if (!(error instanceof UploadRefused)) return 'Upload failed. Try again.';
  switch (error.reason) {
    case 'unsupported-type':
      return 'Only photos and videos can be added.';
    case 'not-a-photo':
    case 'not-a-video':
      return 'This file is not really a photo or video, so it was not kept.';
    case 'too-large':
      return 'This file is too large for the gallery.';
    case 'upload-rate':
    case 'upload-quota': {
      const minutes = error.retryAfterSeconds ? Math.ceil(error.retryAfterSeconds / 60) : undefined;
      return `You have added a lot at once. Try again${minutes ? ` in ${minutes} min` : ' later'}.`;
    }
    case 'upload-expired':
      return 'This upload waited more than a day and was cancelled. Add the file again.';
    case 'uploads-unavailable':
      return 'Uploads are switched off for this gallery.';
    default:
      return `Upload failed (${error.status}). Try again.`;
  }
}

/** 1536 → "1.5 KB", 40 * 2**20 → "41.9 MB" (the decimal units phones show). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0
    ? `${value} ${units[0]}`
    : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export type Uploads = {
  /** "Add photos" for the top bar. */
  readonly button: HTMLButtonElement;
  /** The uploads' progress, fixed at the bottom of the screen. */
  readonly panel: HTMLElement;
  /** The guest's own items waiting for the owner, above the grid. */
  readonly pending: HTMLElement;
  refreshPending(): Promise<void>;
  destroy(): void;
};

const ADD_ICON = 'M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z';

/**
 * The pending strip is fetched again when the page comes back into view (`visibilitychange`,
 * `focus`) while it shows something, and after each of the guest's own uploads: the owner's
 * decisions reach a guest when they look, without polling the viewer from every open tab.
 * Items that left the strip were approved (now in the listing) or rejected; `onReviewed` says so.
 */
export function createUploads(options: {
  base: string;
  onReviewed?: (count: number) => void;
}): Uploads {
  const api = createUploadApi(options.base);
  const input = el('input', {
    type: 'file',
    multiple: true,
    accept: 'image/*,video/*',
    class: 'visually-hidden',
    tabindex: -1,
    'aria-hidden': 'true',
    'data-testid': 'upload-input',
  });
  const button = el(
    'button',
    {
      type: 'button',
      class: 'button button-primary upload-button',
      'aria-label': 'Add photos and videos',
      'data-testid': 'upload-button',
    },
    icon(ADD_ICON),
    // "Add" alone where the top bar is a phone's width.
    el('span', {}, 'Add', el('span', { class: 'upload-button-more' }, ' photos')),
  );
  const heading = el('p', { class: 'upload-heading' }, 'Uploads');
  const close = el(
    'button',
    { type: 'button', class: 'button button-quiet button-icon', 'aria-label': 'Hide uploads' },
    icon(ICONS.close),
  );
  const total = el('progress', {
    class: 'upload-total',
    max: 1,
    value: 0,
    'aria-label': 'All uploads',
    'data-testid': 'upload-total',
    hidden: true,
  });
  const resume = el('button', { type: 'button', class: 'button button-primary' }, '');
  const discard = el('button', { type: 'button', class: 'button button-quiet' }, 'Discard');
  // Which files a closed tab left, and how much of each the bucket already holds.
  const offerFiles = el('ul', { class: 'upload-offer-files', 'data-testid': 'upload-offer-files' });
  const offer = el('div', { class: 'upload-offer', hidden: true }, offerFiles, resume, discard);
  const list = el('ul', { class: 'upload-list' });
  const panel = el(
    'section',
    { class: 'upload-panel', hidden: true, 'aria-label': 'Uploads', 'data-testid': 'upload-panel' },
    // In the document (a picker must be, for some browsers and for tests), never shown.
    input,
    el('div', { class: 'upload-panel-head' }, heading, close),
    offer,
    total,
    list,
  );
  const pendingList = el('ul', { class: 'pending-list' });
  const pending = el(
    'section',
    {
      class: 'pending',
      hidden: true,
      'aria-labelledby': 'pending-title',
      'data-testid': 'pending',
    },
    el('h2', { id: 'pending-title', class: 'pending-title' }, 'Waiting for the owner’s review'),
    el(
      'p',
      { class: 'pending-lead' },
      'Only you see these until the owner adds them to the gallery.',
    ),
    pendingList,
  );

  const sent = new Map<object, { sent: number; size: number; done: boolean }>();
  let destroyed = false;
  // One file at a time (its parts go several at once): a phone makes one file's renditions at
  // a time, and the first file is finished, not all of them half-sent, when the guest leaves.
  let queue: Promise<void> = Promise.resolve();

  function showTotal() {
    let done = 0;
    let size = 0;
    let finished = 0;
    for (const entry of sent.values()) {
      done += entry.sent;
      size += entry.size;
      if (entry.done) finished += 1;
    }
    total.max = Math.max(1, size);
    total.value = done;
    // A bar only while something is sent (not beside an offer or a list of refusals).
    total.hidden = sent.size === 0;
    heading.textContent =
      sent.size === 0
        ? 'Uploads'
        : finished === sent.size
          ? `${finished} sent`
          : `Sending ${finished + 1} of ${sent.size} · ${Math.floor((100 * done) / Math.max(1, size))} %`;
  }

  function start(what: File | SavedUpload) {
    const file = what instanceof File ? what : what.file;
    const key = {};
    const bar = el('progress', { max: file.size || 1, value: 0, 'aria-label': file.name });
    const status = el('span', { class: 'upload-status' }, 'Waiting…');
    const row = el(
      'li',
      { class: 'upload-item', 'data-testid': 'upload-item', 'data-state': 'waiting' },
      el('span', { class: 'upload-name' }, file.name),
      el('span', { class: 'upload-size' }, formatBytes(file.size)),
      bar,
      status,
    );
    list.append(row);
    panel.hidden = false;
    sent.set(key, { sent: 0, size: file.size, done: false });
    showTotal();
    queue = queue.then(async () => {
      if (destroyed) return;
      row.dataset.state = 'sending';
      status.textContent = 'Preparing…';
      try {
        await runUpload(what, {
          api,
          store: indexedDbStore,
          put: xhrPut,
          makeRenditions,
          waitForNetwork,
          onProgress: (bytes) => {
            bar.value = bytes;
            status.textContent = `${Math.floor((100 * bytes) / (file.size || 1))} %`;
            sent.set(key, { sent: bytes, size: file.size, done: false });
            showTotal();
          },
        });
        status.textContent = 'Sent · waiting for the owner’s review';
        row.dataset.state = 'done';
        sent.set(key, { sent: file.size, size: file.size, done: true });
        void refreshPending();
      } catch (error) {
        status.textContent = refusalText(error);
        row.dataset.state = 'refused';
        sent.delete(key);
      }
      showTotal();
    });
  }

  /** The ids the strip shows; a refresh without one of them means the owner decided. */
  let shown = new Set<string>();
  async function refreshPending() {
    const response = await fetch(`${options.base.replace(/\/+$/, '')}/api/uploads`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    }).catch(() => undefined);
    if (!response?.ok || destroyed) return;
    const page = parseMediaPage(await response.json(), options.base);
    const now = new Set(page.items.map((item) => item.id));
    const reviewed = [...shown].filter((id) => !now.has(id)).length;
    shown = now;
    pendingList.replaceChildren(...page.items.map(pendingTile));
    pending.hidden = page.items.length === 0;
    if (reviewed > 0) options.onReviewed?.(reviewed);
  }
  const refreshWhenBack = () => {
    if (document.visibilityState === 'visible' && !pending.hidden) void refreshPending();
  };
  document.addEventListener('visibilitychange', refreshWhenBack);
  addEventListener('focus', refreshWhenBack);

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    for (const file of input.files ?? []) start(file);
    input.value = '';
  });
  close.addEventListener('click', () => {
    panel.hidden = true;
  });

  // A tab closed mid-upload left its state (and the File) in IndexedDB.
  void indexedDbStore
    .all()
    .then((unfinished) => {
      if (unfinished.length === 0 || destroyed) return;
      resume.textContent = `Continue ${unfinished.length} unfinished upload${unfinished.length > 1 ? 's' : ''}`;
      offerFiles.replaceChildren(
        ...unfinished.map((saved) =>
          el(
            'li',
            {},
            el('span', { class: 'upload-name' }, saved.file.name),
            el(
              'span',
              { class: 'upload-size' },
              `${formatBytes(storedBytes(saved))} of ${formatBytes(saved.file.size)} sent`,
            ),
          ),
        ),
      );
      offer.hidden = false;
      panel.hidden = false;
      const answered = () => {
        offer.hidden = true;
        if (sent.size === 0) panel.hidden = true;
      };
      resume.addEventListener('click', () => {
        answered();
        for (const saved of unfinished) start(saved);
      });
      discard.addEventListener('click', () => {
        answered();
        for (const saved of unfinished) {
          void api.abort(saved.created.uploadId).catch(() => {});
          void indexedDbStore.delete(saved.created.uploadId);
        }
      });
    })
    .catch(() => {});
  void refreshPending();

  return {
    button,
    panel,
    pending,
    refreshPending,
    destroy() {
      destroyed = true;
      document.removeEventListener('visibilitychange', refreshWhenBack);
      removeEventListener('focus', refreshWhenBack);
      panel.remove();
      pending.remove();
    },
  };
}

/** The bytes of an unfinished upload's parts the store has answered for. */
export function storedBytes(
  saved: Pick<SavedUpload, 'etags' | 'created'> & { file: { size: number } },
): number {
  const { partSize } = saved.created;
  return Object.keys(saved.etags).reduce(
    (sum, part) =>
      sum + Math.max(0, Math.min(partSize, saved.file.size - (Number(part) - 1) * partSize)),
    0,
  );
}

function pendingTile(item: MediaItem): HTMLElement {
  return el(
    'li',
    { class: 'pending-item', 'data-id': item.id, 'data-testid': 'pending-item' },
    el('img', {
      class: 'pending-thumb',
      src: item.thumbnailUrl,
      alt: describeItem(item),
      loading: 'lazy',
    }),
    el('span', { class: 'pending-tag' }, 'Waiting'),
  );
}
