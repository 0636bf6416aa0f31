// The browser's side of an upload (upload.ts): PUTs with progress (XMLHttpRequest: fetch
// reports no upload progress), the saved state in IndexedDB, the renditions made with
// createImageBitmap and a canvas, and the viewer's upload routes.

import {
  type CreatedUpload,
  type MediaFacts,
  NetworkError,
  type PutBody,
  type Renditions,
  type SavedUpload,
  type UploadApi,
  UploadRefused,
  type UploadStore,
} from './upload.ts';

/** A presigned PUT; the ETag header must be exposed by the store's CORS (R2 and dev S3 do). */
export const xhrPut: PutBody = (url, body, onProgress, signal) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      const etag = xhr.getResponseHeader('ETag');
      if (xhr.status >= 200 && xhr.status < 300 && etag) resolve(etag);
      else
        reject(new UploadRefused(xhr.status, xhr.status === 403 ? 'store-refused' : 'store-error'));
    };
    xhr.onerror = () => reject(new NetworkError('the part did not reach the store'));
    xhr.ontimeout = xhr.onerror;
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.onabort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    xhr.send(body);
  });

/** Back online (the `online` event), or a backoff of 1, 2, 4 … 30 s, whichever is first. */
export function waitForNetwork(attempt: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(30_000, 1000 * 2 ** attempt));
    addEventListener('online', done, { once: true });
    signal.addEventListener('abort', done, { once: true });
  });
}

const DB_NAME = 'edge-gallery-uploads';
/** Version 2 keeps the File apart from the progress record (version 1 kept it inside). */
const DB_VERSION = 2;
const STORE = 'uploads';
const FILES = 'files';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      for (const name of [STORE, FILES]) {
        if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** One transaction over both stores; resolves with what `act` returns once it committed. */
function run<T>(
  mode: IDBTransactionMode,
  act: (uploads: IDBObjectStore, files: IDBObjectStore) => () => T,
) {
  return openDb().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const transaction = db.transaction([STORE, FILES], mode);
        const result = act(transaction.objectStore(STORE), transaction.objectStore(FILES));
        transaction.oncomplete = () => {
          db.close();
          resolve(result());
        };
        transaction.onerror = () => reject(transaction.error);
      }),
  );
}

/**
 * Unfinished uploads in IndexedDB, keyed by upload id. The File is written once, in its own
 * store: the progress record is rewritten after every part, and a browser copies a Blob's
 * bytes into its storage on every write (Chromium does): with the File inside, a 100-part
 * clip of 800 MB would be written 100 times over.
 */
export const indexedDbStore: UploadStore = {
  put: ({ file, ...progress }) =>
    run('readwrite', (uploads, files) => {
      const key = progress.created.uploadId;
      uploads.put(progress, key);
      const stored = files.getKey(key);
      stored.onsuccess = () => {
        if (stored.result === undefined) files.put(file, key);
      };
      return () => {};
    }),
  delete: (uploadId) =>
    run('readwrite', (uploads, files) => {
      uploads.delete(uploadId);
      files.delete(uploadId);
      return () => {};
    }),
  all: () =>
    run('readonly', (uploads, files) => {
      const records = uploads.getAll() as IDBRequest<
        (Omit<SavedUpload, 'file'> & { file?: File })[]
      >;
      const keys = files.getAllKeys();
      const blobs = files.getAll() as IDBRequest<File[]>;
      return () => {
        const byId = new Map(keys.result.map((key, i) => [key, blobs.result[i]!]));
        // A version-1 record still holds its File; a record whose File is gone cannot resume.
        return records.result.flatMap((record) => {
          const file = record.file ?? byId.get(record.created.uploadId);
          return file ? [{ ...record, file }] : [];
        });
      };
    }),
};

/** The viewer's upload routes on the page's own origin. */
export function createUploadApi(base: string): UploadApi {
  async function call(path: string, method: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
        method,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new NetworkError('the viewer did not answer');
    }
    const answer: unknown = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason =
        typeof answer === 'object' && answer !== null && 'error' in answer
          ? String(answer.error)
          : 'error';
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new UploadRefused(response.status, reason, retryAfter > 0 ? retryAfter : undefined);
    }
    return answer;
  }
  return {
    create: async (file) => (await call('/api/uploads', 'POST', file)) as CreatedUpload,
    complete: async (uploadId, parts, facts) =>
      (await call(`/api/uploads/${encodeURIComponent(uploadId)}/complete`, 'POST', {
        parts,
        ...facts,
      })) as { id: string; state: string },
    abort: async (uploadId) => {
      await call(`/api/uploads/${encodeURIComponent(uploadId)}`, 'DELETE');
    },
  };
}

const THUMBNAIL_SIDE = 480;
const PREVIEW_SIDE = 2048;

/**
 * The thumbnail and preview of a photo (createImageBitmap honours the EXIF orientation:
 * `imageOrientation: 'from-image'`), or of a video's poster frame, as JPEG; its size and,
 * for a video, its duration. A format the browser cannot decode (HEIC outside Safari)
 * gives no renditions: the owner's tools make them later.
 */
export async function makeRenditions(file: File): Promise<Renditions> {
  const facts: MediaFacts = { takenAt: new Date(file.lastModified || Date.now()).toISOString() };
  let source: ImageBitmap | HTMLVideoElement;
  let width: number;
  let height: number;
  if (file.type.startsWith('video/')) {
    const video = await posterFrame(file);
    if (!video) return { facts };
    source = video;
    width = video.videoWidth;
    height = video.videoHeight;
    if (Number.isFinite(video.duration)) facts.durationSec = Math.round(video.duration * 100) / 100;
  } else {
    try {
      source = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      return { facts };
    }
    width = source.width;
    height = source.height;
  }
  facts.width = width;
  facts.height = height;
  const [thumbnail, preview] = [
    await scaled(source, width, height, THUMBNAIL_SIDE),
    await scaled(source, width, height, PREVIEW_SIDE),
  ];
  if (source instanceof HTMLVideoElement) URL.revokeObjectURL(source.src);
  else source.close();
  return { facts, ...(thumbnail ? { thumbnail } : {}), ...(preview ? { preview } : {}) };
}

function scaled(
  source: CanvasImageSource,
  width: number,
  height: number,
  side: number,
): Promise<Blob | null> {
  const scale = Math.min(1, side / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  canvas.getContext('2d')?.drawImage(source, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
}

/** A video element showing a frame a little into the file (the first is often black). */
function posterFrame(file: File): Promise<HTMLVideoElement | undefined> {
  return new Promise((resolve) => {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    video.onloadedmetadata = () => {
      video.currentTime = Math.min(0.5, (video.duration || 0) / 2);
    };
    video.onseeked = () => resolve(video);
    video.onerror = () => resolve(undefined);
    video.src = URL.createObjectURL(file);
  });
}
