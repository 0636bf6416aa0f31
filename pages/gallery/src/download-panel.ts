import type { MediaItem } from './api.ts';
import { el } from './element.ts';
import {
  progressText,
  readyDownloadWorker,
  startZip,
  type ZipProgress,
  zipEntries,
} from './zip-download.ts';
import { safeName } from './zip-names.ts';

// The "Download all" button and the panel that shows a ZIP download's progress, with Cancel.
// One download at a time.

export type Downloads = {
  /** "Download all" for the top bar. */
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  /** Starts a ZIP of these items (e.g. the selection), named `<label>.zip`. */
  download(items: readonly MediaItem[], label: string): Promise<void>;
  destroy(): void;
};

/** The status panel a download reports in, hidden until it starts, and its line of text
 * (over the controls). The ZIP of the gallery and the saves to the phone's share sheet. */
export function downloadPanel(...controls: HTMLElement[]): [HTMLDivElement, HTMLParagraphElement] {
  const text = el('p', { class: 'download-text' });
  return [
    el('div', { class: 'download-panel', role: 'status', hidden: true }, text, ...controls),
    text,
  ];
}

export function createDownloads(options: {
  galleryName: string;
  /** Every listed item, page by page (reports the count so far). */
  listAll(onCount: (count: number) => void): Promise<MediaItem[]>;
}): Downloads {
  const button = el(
    'button',
    { type: 'button', class: 'button button-quiet download-all' },
    'Download all',
  );
  const bar = el('progress', { class: 'download-progress', max: 1 });
  const cancel = el('button', { type: 'button', class: 'button' }, 'Cancel');
  const [panel, text] = downloadPanel(bar, cancel);
  panel.classList.add('zip-progress');
  let job: { cancel(): void } | undefined;
  let busy = false;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  function show(progress: ZipProgress) {
    clearTimeout(closeTimer);
    panel.hidden = false;
    text.textContent = progressText(progress);
    if (progress.state === 'running' && progress.total > 0)
      bar.value = progress.files / progress.total;
    else bar.removeAttribute('value');
    const running = progress.state === 'running' || progress.state === 'listing';
    bar.hidden = !running;
    cancel.hidden = !running;
    button.disabled = running;
    busy = running;
    if (!running) {
      job = undefined;
      closeTimer = setTimeout(() => {
        panel.hidden = true;
      }, 8000);
    }
  }

  let listingCancelled = false;
  cancel.addEventListener('click', () => {
    if (job) job.cancel();
    else {
      listingCancelled = true;
      show({ state: 'cancelled' });
    }
  });

  async function download(items: readonly MediaItem[], label: string) {
    if (busy || items.length === 0) return;
    if (!(await readyDownloadWorker())) {
      show({ state: 'failed', reason: 'no-worker' });
      return;
    }
    job = startZip(zipEntries(items, location.href), `${safeName(label, '', 'gallery')}.zip`, show);
  }

  button.addEventListener('click', async () => {
    if (busy) return;
    listingCancelled = false;
    show({ state: 'listing', items: 0 });
    let items: MediaItem[];
    try {
      items = await options.listAll((count) => {
        if (!listingCancelled) show({ state: 'listing', items: count });
      });
    } catch {
      if (!listingCancelled) show({ state: 'failed', reason: 'listing' });
      return;
    }
    if (listingCancelled) return;
    busy = false;
    await download(items, options.galleryName);
  });

  return {
    button,
    panel,
    download,
    destroy() {
      clearTimeout(closeTimer);
      job?.cancel();
      panel.remove();
    },
  };
}
