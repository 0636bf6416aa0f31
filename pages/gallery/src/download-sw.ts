// The download service worker: answers a form POST to /download/<name>.zip with a ZIP that
// it streams from the originals as the browser writes it to disk. Nothing is held in
// memory but the file in flight's current chunk: client-zip pulls each entry's body only
// when the previous one is written (ZIP64 past 4 GiB), and the browser's download pulls
// the archive at disk speed. Scope /download/: the SPA, /api and media are never touched;
// nothing is cached. Built on its own into /download-sw.js (build/download-worker.ts).
import { downloadZip } from 'client-zip';
import {
  attachment,
  DOWNLOAD_CHANNEL,
  DOWNLOAD_SCOPE,
  type DownloadEntry,
  type DownloadMessage,
  type JobMessage,
  parseEntries,
} from './download-protocol.ts';

type FetchEvent = Event & { request: Request; respondWith(response: Promise<Response>): void };
type WorkerScope = {
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'install' | 'activate', listener: (event: Event) => void): void;
  skipWaiting(): Promise<void>;
};
const worker = self as unknown as WorkerScope;

const channel = new BroadcastChannel(DOWNLOAD_CHANNEL);
const running = new Map<string, AbortController>();
channel.addEventListener('message', (event: MessageEvent<DownloadMessage>) => {
  if (event.data?.type === 'cancel') running.get(event.data.job)?.abort();
});

// A new version takes over at once: it holds no state between downloads.
worker.addEventListener('install', () => void worker.skipWaiting());

worker.addEventListener('fetch', (event) => {
  const { pathname } = new URL(event.request.url);
  if (event.request.method !== 'POST' || !pathname.startsWith(DOWNLOAD_SCOPE)) return;
  event.respondWith(
    zipResponse(event.request, decodeURIComponent(pathname.slice(DOWNLOAD_SCOPE.length))),
  );
});

async function zipResponse(request: Request, filename: string): Promise<Response> {
  const form = await request.formData().catch(() => undefined);
  const job = form?.get('job');
  const entries = parseEntries(form?.get('entries'));
  if (typeof job !== 'string' || !entries || !filename.endsWith('.zip')) {
    return new Response('Not a download this gallery made.', { status: 400 });
  }
  const controller = new AbortController();
  running.set(job, controller);
  return new Response(downloadZip(files(job, entries, controller)).body, {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': attachment(filename),
      'cache-control': 'no-store',
    },
  });
}

/** The entries, fetched one ahead of the one being written, each body counted for progress. */
async function* files(job: string, entries: DownloadEntry[], controller: AbortController) {
  const post = (message: JobMessage) => channel.postMessage({ job, ...message } as DownloadMessage);
  const { signal } = controller;
  let files = 0;
  let bytes = 0;
  let reported = 0;
  const open = (entry: DownloadEntry) => {
    // Same-origin viewer paths need the session cookie; presigned URLs need nothing.
    const response = fetch(entry.url, { signal, credentials: 'same-origin', cache: 'no-store' });
    response.catch(() => {});
    return response;
  };
  let next = open(entries[0]!);
  try {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const response = await next;
      if (i + 1 < entries.length) next = open(entries[i + 1]!);
      if (!response.ok || !response.body) throw new Error(`${entry.name}: HTTP ${response.status}`);
      const counted = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, stream) {
            bytes += chunk.byteLength;
            // A message per ~4 MiB, not per chunk.
            if (bytes - reported >= 4 << 20) {
              reported = bytes;
              post({ type: 'progress', files, bytes });
            }
            stream.enqueue(chunk);
          },
        }),
      );
      yield {
        name: entry.name,
        input: counted,
        ...(entry.lastModified ? { lastModified: new Date(entry.lastModified) } : {}),
      };
      files++;
      post({ type: 'progress', files, bytes });
    }
    post({ type: 'done', files, bytes });
  } catch (error) {
    if (signal.aborted) post({ type: 'cancelled' });
    else post({ type: 'failed', reason: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    // Also when the browser cancels the download: the fetches in flight stop.
    controller.abort();
    running.delete(job);
  }
}
