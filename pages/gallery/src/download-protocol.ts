// What the page and the download service worker (download-sw.ts) say to each other.

/** The service worker's scope: it answers nothing outside it (the SPA and /api stay untouched). */
export const DOWNLOAD_SCOPE = '/download/';
export const DOWNLOAD_WORKER_URL = '/download-sw.js';
/** Progress and Cancel travel on this BroadcastChannel, tagged with the job id. */
export const DOWNLOAD_CHANNEL = 'edge-gallery-download';

/** One file of the archive: its name inside the ZIP and where its bytes are. */
export type DownloadEntry = { name: string; url: string; lastModified?: string };

/** A message without its job id (distributes over the union, unlike Omit). */
export type JobMessage<M = DownloadMessage> = M extends DownloadMessage ? Omit<M, 'job'> : never;

export type DownloadMessage =
  | { job: string; type: 'progress'; files: number; bytes: number }
  | { job: string; type: 'done'; files: number; bytes: number }
  | { job: string; type: 'failed'; reason: string }
  | { job: string; type: 'cancelled' }
  | { job: string; type: 'cancel' };

/** The entries a download form carries, checked: the worker fetches only http(s) URLs. */
export function parseEntries(json: unknown): DownloadEntry[] | undefined {
  if (typeof json !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const entries: DownloadEntry[] = [];
  for (const raw of value) {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const { name, url, lastModified } = raw as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || typeof url !== 'string') return undefined;
    if (!/^https?:\/\//.test(url)) return undefined;
    const entry: DownloadEntry = { name, url };
    if (typeof lastModified === 'string' && lastModified !== '') entry.lastModified = lastModified;
    entries.push(entry);
  }
  return entries;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266/8187). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
