// A guest's upload of one file, straight to the bucket: the viewer opens the multipart
// upload and presigns every part, the browser PUTs the parts several at a time, keeps each
// part's ETag, and completes. Its state (the File itself, the part URLs, the ETags so far)
// is saved after every part, so a lost connection or a closed tab resumes where it stopped
// and a stored part is never sent again.

export type PartUrl = { partNumber: number; url: string };

/** `POST /api/uploads`'s answer. */
export type CreatedUpload = {
  uploadId: string;
  partSize: number;
  parts: PartUrl[];
  renditions: { thumbnail: string; preview: string };
  expiresAt: number;
};

/** What the browser measured while it made the renditions (sent with the completion). */
export type MediaFacts = {
  width?: number;
  height?: number;
  takenAt?: string;
  durationSec?: number;
};

export type Renditions = { thumbnail?: Blob; preview?: Blob; facts: MediaFacts };

/** One upload as saved between parts (IndexedDB holds the File by structured clone). */
export type SavedUpload = {
  file: File;
  created: CreatedUpload;
  /** Part number → ETag, for the parts the store has answered. */
  etags: Record<number, string>;
  renditionsSent: boolean;
  facts: MediaFacts;
};

export type UploadStore = {
  put(upload: SavedUpload): Promise<void>;
  delete(uploadId: string): Promise<void>;
  all(): Promise<SavedUpload[]>;
};

/** A refusal the guest should read: the viewer's or the store's, by status and reason. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`upload refused: ${status} ${reason}`);
    this.name = 'UploadRefused';
  }
}

export type UploadApi = {
  create(file: { name: string; type: string; size: number }): Promise<CreatedUpload>;
  complete(
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
    facts: MediaFacts,
  ): Promise<{ id: string; state: string }>;
  abort(uploadId: string): Promise<void>;
};

/** PUTs one body; resolves to the response's ETag. Rejects with `NetworkError` when the
 * request never got an answer, with UploadRefused on an HTTP error. */
export type PutBody = (
  url: string,
  body: Blob,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
) => Promise<string>;

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export type UploadOptions = {
  api: UploadApi;
  store: UploadStore;
  put: PutBody;
  makeRenditions: (file: File) => Promise<Renditions>;
  /** Parts in flight at once. */
  concurrency?: number;
  /** Resolves when it is worth trying again: the `online` event, or a backoff of 2^attempt s. */
  waitForNetwork: (attempt: number, signal: AbortSignal) => Promise<void>;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
};

const DEFAULT_CONCURRENCY = 3;

/** Starts (or, given a saved upload, resumes) one file; resolves to the new item's id. */
export async function runUpload(
  start: File | SavedUpload,
  options: UploadOptions,
): Promise<{ id: string; state: string }> {
  const signal = options.signal ?? new AbortController().signal;
  let saved: SavedUpload;
  if (start instanceof File) {
    const file = start;
    const created = await options.api.create({ name: file.name, type: file.type, size: file.size });
    saved = { file, created, etags: {}, renditionsSent: false, facts: {} };
    await options.store.put(saved);
  } else {
    saved = start;
  }
  const { file, created } = saved;

  // Renditions first: small, and the owner's review needs them to see the item at all.
  if (!saved.renditionsSent) {
    const renditions = await options.makeRenditions(file).catch((): Renditions => ({ facts: {} }));
    saved.facts = renditions.facts;
    const sends: Promise<unknown>[] = [];
    if (renditions.thumbnail)
      sends.push(
        withRetries(options, signal, (s) =>
          options.put(created.renditions.thumbnail, renditions.thumbnail!, () => {}, s),
        ),
      );
    if (renditions.preview)
      sends.push(
        withRetries(options, signal, (s) =>
          options.put(created.renditions.preview, renditions.preview!, () => {}, s),
        ),
      );
    await Promise.all(sends);
    saved.renditionsSent = true;
    await options.store.put(saved);
  }

  // Bytes of the parts already stored count as sent from the start.
  const inFlight = new Map<number, number>();
  const partBytes = (partNumber: number) =>
    Math.min(created.partSize, file.size - (partNumber - 1) * created.partSize);
  const report = () => {
    let sent = 0;
    for (const number of Object.keys(saved.etags)) sent += partBytes(Number(number));
    for (const bytes of inFlight.values()) sent += bytes;
    options.onProgress?.(sent, file.size);
  };
  report();

  const queue = created.parts.filter((part) => saved.etags[part.partNumber] === undefined);
  const worker = async () => {
    for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
      const { partNumber, url } = part;
      const from = (partNumber - 1) * created.partSize;
      const body = file.slice(from, from + partBytes(partNumber));
      const etag = await withRetries(options, signal, (s) =>
        options.put(
          url,
          body,
          (sent) => {
            inFlight.set(partNumber, sent);
            report();
          },
          s,
        ),
      );
      inFlight.delete(partNumber);
      saved.etags[partNumber] = etag;
      await options.store.put(saved);
      report();
    }
  };
  const workers = Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, queue.length);
  await Promise.all(Array.from({ length: workers }, worker));

  const parts = created.parts.map(({ partNumber }) => ({
    partNumber,
    etag: saved.etags[partNumber]!,
  }));
  const done = await withRetries(options, signal, () =>
    options.api.complete(created.uploadId, parts, saved.facts),
  );
  await options.store.delete(created.uploadId);
  return done;
}

/**
 * How often a moment's refusal is asked again before the guest is told: a 5xx that expects
 * an answer within a minute — R2's 500 InternalError and 503 SlowDown, the viewer's 503 when a
 * binding failed (Retry-After: 1). With the backoff (1, 2, 4, 8, 16 s) that is half a minute:
 * a venue's network and a busy store get over it, a longer outage is for the resume offer.
 */
const BUSY_RETRIES = 5;

/** A refusal that says "not now" rather than "no". */
function isBusy(error: unknown): error is UploadRefused {
  return (
    error instanceof UploadRefused && error.status >= 500 && (error.retryAfterSeconds ?? 0) <= 60
  );
}

/**
 * Runs `attempt` until it answers: a network failure waits for the network and retries for
 * as long as it takes; a busy answer is retried BUSY_RETRIES times, waiting at least as long
 * as its Retry-After; any other refusal is the guest's to read at once.
 */
async function withRetries<T>(
  options: UploadOptions,
  signal: AbortSignal,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let busy = 0;
  for (let tries = 0; ; tries++) {
    signal.throwIfAborted();
    try {
      return await attempt(signal);
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof NetworkError) await options.waitForNetwork(tries, signal);
      else if (isBusy(error) && busy < BUSY_RETRIES) {
        const asked = Math.ceil(Math.log2(error.retryAfterSeconds ?? 1));
        await options.waitForNetwork(Math.max(busy, asked), signal);
        busy += 1;
      } else throw error;
    }
  }
}
