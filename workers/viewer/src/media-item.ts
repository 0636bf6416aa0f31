// The listing's wire format (`GET /api/media`): the one definition the viewer answers
// with and its clients (the SPA, the end-to-end tests) read. No imports, so it
// typechecks in any of them.
//
// Every URL is either a presigned GET on the S3 endpoint (the viewer has S3 credentials:
// the bytes never pass through a Worker) or a path on the viewer (`/api/file/…`,
// `/api/thumbnail/…`, the fallback without them). Clients use them as given.

export type MediaItem = {
  id: string;
  kind: 'image' | 'video';
  title: string;
  /** ISO 8601, UTC. */
  takenAt: string;
  width: number;
  height: number;
  /** The grid's thumbnail (about 480 px on the long side); a video's poster. */
  thumbnailUrl: string;
  /** Thumbnail candidates for `srcset`, smallest first; the first is `thumbnailUrl`. */
  thumbnails: { url: string; width: number }[];
  /** The display rendition (about 2048 px). Absent on items imported before previews:
   * the lightbox shows `fileUrl` then. */
  previewUrl?: string;
  /** The original, shown inline (zoom, a video played from its original). */
  fileUrl: string;
  /** The original as a download named `<title>.<ext>` (Content-Disposition: attachment). */
  downloadUrl: string;
  /** A Live Photo's motion clip (MP4/MOV), played on press and hold. */
  motionUrl?: string;
  /** Only where it is not `listed`: the owner's review, a guest's own pending uploads. */
  state?: 'pending' | 'hidden';
  videoId?: string;
  /** The video's playback token, in the guest listing (`GET /api/media`) only: what
   * `GET /api/videos/<videoId>/playback` answers, signed with the page. */
  playback?: { query: string; expiresAt: number };
  durationSec?: number;
};

export type MediaPage = {
  items: MediaItem[];
  nextCursor: string | null;
  /** Unix seconds after which the page's presigned URLs fail (fetch the page again
   * before); null when the URLs are paths on the viewer, which do not expire. */
  expiresAt: number | null;
};
