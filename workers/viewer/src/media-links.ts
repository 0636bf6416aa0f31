import { encodeKey, type S3Settings } from '@edge-gallery/http';
import { PresignError, type PresignTarget } from '@edge-gallery/r2-signer';
import { attachment } from './disposition.ts';
import type { MediaRow } from './media-row.ts';

// The URLs of a listing page: presigned GETs on the S3 endpoint when the viewer has S3
// credentials (the bytes never pass through a Worker), else paths on this worker.
//
// Presigned URLs are made for a time window, as the video worker's playlists are: every
// URL of a page is signed with X-Amz-Date = the window's start, so the same object has
// the same URL on every page, reload and guest within the window and the browser's cache
// (and any shared one) holds. A URL lives for the rest of its window + the TTL
// (PRESIGN_EXPIRES_SECONDS): at least the TTL, at most window + TTL.

/** Half an hour: a guest's visit usually fits, and a URL lives at most TTL + 30 min. */
export const PRESIGN_WINDOW_SECONDS = 1800;

export type LinkedRow = Pick<
  MediaRow,
  'title' | 'original_key' | 'thumbnail_key' | 'thumbnail_hd_key' | 'preview_key' | 'motion_key'
>;

export type Links = {
  /** The grid thumbnail, then the HD one when there is one. */
  thumbnails: string[];
  preview?: string;
  motion?: string;
  file: string;
  download: string;
};

export type PageLinks = { links: Links[]; expiresAt: number | null };

/** Paths on this worker (`/api/file/…`, `/api/thumbnail/…?v=`), which never expire. */
export function workerLinks(rows: readonly LinkedRow[], thumbnailVersion: number): PageLinks {
  // `v` changes the URL when thumbnails are regenerated, so browsers may keep one forever.
  const thumbnail = (key: string) => `/api/thumbnail/${encodeKey(key)}?v=${thumbnailVersion}`;
  const file = (key: string) => `/api/file/${encodeKey(key)}`;
  return {
    expiresAt: null,
    links: rows.map((row) => {
      const links: Links = {
        thumbnails: [row.thumbnail_key, row.thumbnail_hd_key]
          .filter((key) => key !== null)
          .map(thumbnail),
        file: file(row.original_key),
        download: `${file(row.original_key)}?download=1`,
      };
      if (row.preview_key) links.preview = file(row.preview_key);
      if (row.motion_key) links.motion = file(row.motion_key);
      return links;
    }),
  };
}

/**
 * Presigned GETs for every object of the page in one batch (one X-Amz-Date, one signing
 * key). The download URL asks the store for `Content-Disposition: attachment` named as
 * `?download=1` names it (`response-content-disposition`, signed with the URL).
 * Undefined when a stored key cannot be presigned (the caller falls back to paths).
 */
export function presignedLinks(
  rows: readonly LinkedRow[],
  s3: S3Settings,
  now: number,
): PageLinks | undefined {
  const nowSeconds = Math.floor(now / 1000);
  const windowStart = nowSeconds - (nowSeconds % PRESIGN_WINDOW_SECONDS);
  const expiresIn = PRESIGN_WINDOW_SECONDS + s3.presignTtlSeconds;

  const targets: (string | PresignTarget)[] = [];
  for (const row of rows) {
    targets.push(row.thumbnail_key);
    if (row.thumbnail_hd_key) targets.push(row.thumbnail_hd_key);
    if (row.preview_key) targets.push(row.preview_key);
    if (row.motion_key) targets.push(row.motion_key);
    targets.push(row.original_key, {
      key: row.original_key,
      query: { 'response-content-disposition': attachment(row.title, row.original_key) },
    });
  }
  let urls: string[];
  try {
    urls = s3.presigner.presignBatch(targets, { expiresIn, now: windowStart * 1000 });
  } catch (error) {
    if (!(error instanceof PresignError)) throw error;
    console.error(`viewer: a stored key cannot be presigned (${error.reason}); serving paths`);
    return undefined;
  }

  let next = 0;
  const links = rows.map((row) => {
    const thumbnails = [urls[next++]!];
    if (row.thumbnail_hd_key) thumbnails.push(urls[next++]!);
    const links: Links = { thumbnails, file: '', download: '' };
    if (row.preview_key) links.preview = urls[next++]!;
    if (row.motion_key) links.motion = urls[next++]!;
    links.file = urls[next++]!;
    links.download = urls[next++]!;
    return links;
  });
  return { links, expiresAt: windowStart + expiresIn };
}
