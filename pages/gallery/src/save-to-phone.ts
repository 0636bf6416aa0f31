import type { MediaItem } from './api.ts';
import { downloadPanel } from './download-panel.ts';
import { el } from './element.ts';
import { extensionOf, uniqueNames } from './zip-names.ts';

// "Save" on phones: the share sheet with the files themselves (Web Share API level 2), so
// the guest can put them in their camera roll. Platforms cap a share (iOS and Android take
// a handful of files and some tens of MB at once), and each share needs a fresh tap: the
// files go in batches, each fetched first and then offered with its own button.

/** Files per share, and bytes per share: within what iOS Safari and Android Chrome accept. */
export const BATCH_FILES = 10;
export const BATCH_BYTES = 100 * 2 ** 20;

export type ShareFilesHost = {
  canShare?: (data: ShareData) => boolean;
  share?: (data: ShareData) => Promise<void>;
};

/** Whether "Save" can hand files to the share sheet here (a phone-sized, touch screen). */
export function canSaveFiles(host: ShareFilesHost, coarsePointer: boolean): boolean {
  if (!coarsePointer || !host.canShare || !host.share) return false;
  try {
    return host.canShare({ files: [new File([''], 'probe.jpg', { type: 'image/jpeg' })] });
  } catch {
    return false;
  }
}

/** Groups files (with known sizes) into shares of at most BATCH_FILES and BATCH_BYTES (one file alone may exceed it). */
export function batches<T extends { size: number }>(files: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Fetches the items' originals a batch at a time and offers each batch to the share sheet. */
export function createSaver(host: ShareFilesHost) {
  const go = el('button', { type: 'button', class: 'button button-primary' }, 'Save');
  const stop = el('button', { type: 'button', class: 'button' }, 'Cancel');
  const [panel, text] = downloadPanel(go, stop);
  let cancelled = false;
  stop.addEventListener('click', () => {
    cancelled = true;
    panel.hidden = true;
  });

  async function save(items: readonly MediaItem[]) {
    cancelled = false;
    panel.hidden = false;
    const names = uniqueNames(
      items.map((item) => ({
        title: item.title,
        extension: extensionOf(item.fileUrl),
        fallback: item.id,
      })),
    );
    // Fetch in groups of BATCH_FILES; split further by size once the sizes are known.
    for (let start = 0; start < items.length && !cancelled; start += BATCH_FILES) {
      go.hidden = true;
      text.textContent = `Getting ${start + 1}–${Math.min(start + BATCH_FILES, items.length)} of ${items.length}…`;
      const files = await Promise.all(
        items.slice(start, start + BATCH_FILES).map(async (item, i) => {
          const response = await fetch(item.fileUrl);
          const blob = await response.blob();
          return new File([blob], names[start + i]!, {
            type: blob.type || 'application/octet-stream',
          });
        }),
      ).catch(() => undefined);
      if (!files) {
        text.textContent = 'Couldn’t get the files. Check your connection and try again.';
        return;
      }
      for (const batch of batches(files)) {
        if (cancelled) return;
        go.hidden = false;
        go.textContent = `Save ${batch.length} ${batch.length === 1 ? 'file' : 'files'}`;
        text.textContent = `Ready: ${start + batch.length} of ${items.length}`;
        // A share needs the guest's own tap.
        const tapped = await new Promise<boolean>((resolve) => {
          go.onclick = () => resolve(true);
          stop.onclick = () => resolve(false);
        });
        if (!tapped) return;
        try {
          await host.share!({ files: batch });
        } catch (error) {
          if (error instanceof DOMException && error.name === 'AbortError') continue;
          text.textContent = 'This phone wouldn’t take these files. Try fewer at a time.';
          return;
        }
      }
    }
    if (!cancelled) {
      text.textContent = `Saved ${items.length} ${items.length === 1 ? 'file' : 'files'}.`;
      go.hidden = true;
    }
  }

  return { panel, save };
}
