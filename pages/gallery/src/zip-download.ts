import type { MediaItem } from './api.ts';
import {
  DOWNLOAD_CHANNEL,
  DOWNLOAD_SCOPE,
  DOWNLOAD_WORKER_URL,
  type DownloadEntry,
  type DownloadMessage,
} from './download-protocol.ts';
import { el } from './element.ts';
import { formatBytes } from './format.ts';
import { extensionOf, uniqueNames } from './zip-names.ts';

// "Download all" / "Download selected": one ZIP of the originals, streamed by the download
// service worker (download-sw.ts) straight to disk. The page sends it the list in a form
// POST (in a hidden frame, so the page stays) and shows its progress, with Cancel.

/** The ZIP's entries: unique, safe names from the titles; the originals' URLs; the dates taken. */
export function zipEntries(items: readonly MediaItem[], base: string): DownloadEntry[] {
  const names = uniqueNames(
    items.map((item) => ({
      title: item.title,
      extension: extensionOf(item.fileUrl),
      fallback: `${item.kind === 'video' ? 'video' : 'photo'}-${item.id}`,
    })),
  );
  return items.map((item, i) => {
    const entry: DownloadEntry = { name: names[i]!, url: new URL(item.fileUrl, base).href };
    if (item.takenAt) entry.lastModified = item.takenAt;
    return entry;
  });
}

/** Registers the download worker (scope /download/ only) and waits until it is active. */
export async function readyDownloadWorker(): Promise<boolean> {
  const container = navigator.serviceWorker;
  if (!container) return false;
  try {
    const registration = await container.register(DOWNLOAD_WORKER_URL, { scope: DOWNLOAD_SCOPE });
    const worker = registration.installing ?? registration.waiting;
    if (!registration.active && worker) {
      await new Promise<void>((resolve, reject) => {
        worker.addEventListener('statechange', () => {
          if (worker.state === 'activated') resolve();
          if (worker.state === 'redundant') reject(new Error('download worker failed to install'));
        });
      });
    }
    return true;
  } catch {
    return false;
  }
}

export type ZipProgress =
  | { state: 'listing'; items: number }
  | { state: 'running'; files: number; total: number; bytes: number }
  | { state: 'done'; files: number; bytes: number }
  | { state: 'cancelled' }
  | { state: 'failed'; reason: string };

/** Starts a download of `entries` as `<filename>`; reports progress until it ends. */
export function startZip(
  entries: DownloadEntry[],
  filename: string,
  onProgress: (progress: ZipProgress) => void,
): { cancel(): void } {
  const job = crypto.randomUUID();
  const channel = new BroadcastChannel(DOWNLOAD_CHANNEL);
  const frame = el('iframe', { name: `download-${job}`, hidden: true, title: 'Download' });
  const form = el(
    'form',
    {
      method: 'post',
      action: `${DOWNLOAD_SCOPE}${encodeURIComponent(filename)}`,
      target: `download-${job}`,
      hidden: true,
    },
    el('input', { type: 'hidden', name: 'job', value: job }),
  );
  const list = el('input', { type: 'hidden', name: 'entries' });
  list.value = JSON.stringify(entries);
  form.append(list);
  let ended = false;
  const end = (progress: ZipProgress) => {
    if (ended) return;
    ended = true;
    onProgress(progress);
    channel.close();
    // The frame goes once the browser has the download (it keeps it after the frame is gone).
    setTimeout(() => frame.remove(), 1000);
  };
  channel.addEventListener('message', (event: MessageEvent<DownloadMessage>) => {
    const message = event.data;
    if (message.job !== job || ended) return;
    if (message.type === 'progress') {
      onProgress({
        state: 'running',
        files: message.files,
        total: entries.length,
        bytes: message.bytes,
      });
    } else if (message.type === 'done')
      end({ state: 'done', files: message.files, bytes: message.bytes });
    else if (message.type === 'cancelled') end({ state: 'cancelled' });
    else if (message.type === 'failed') end({ state: 'failed', reason: message.reason });
  });
  // A download never loads the frame; a page in it means the worker did not answer.
  frame.addEventListener('load', () => {
    if (frame.contentDocument?.URL !== 'about:blank') end({ state: 'failed', reason: 'no-worker' });
  });
  document.body.append(frame, form);
  form.submit();
  form.remove();
  onProgress({ state: 'running', files: 0, total: entries.length, bytes: 0 });
  return {
    cancel() {
      channel.postMessage({ job, type: 'cancel' } satisfies DownloadMessage);
    },
  };
}

/** What the progress panel says. */
export function progressText(progress: ZipProgress): string {
  switch (progress.state) {
    case 'listing':
      return `Getting the list… ${progress.items} so far`;
    case 'running':
      return `Downloading ${Math.min(progress.files + 1, progress.total)} of ${progress.total} · ${formatBytes(progress.bytes)}`;
    case 'done':
      return `Downloaded ${progress.files} ${progress.files === 1 ? 'file' : 'files'} (${formatBytes(progress.bytes)}).`;
    case 'cancelled':
      return 'Download cancelled.';
    case 'failed':
      return progress.reason === 'no-worker'
        ? 'This browser can’t build the ZIP. Download the files one at a time instead.'
        : 'The download stopped: a file couldn’t be fetched. Try again.';
  }
}
