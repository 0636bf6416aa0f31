// The listing's wire format (`GET /api/media`): the one definition the viewer answers
// with and its clients (the SPA, the end-to-end tests) read. No imports, so it
// typechecks in any of them.

export type MediaItem = {
  id: string;
  kind: 'image' | 'video';
  title: string;
  /** ISO 8601, UTC. */
  takenAt: string;
  width: number;
  height: number;
  /** A path on the viewer, carrying `?v=<thumbnail_version>`. */
  thumbnailUrl: string;
  /** A path on the viewer: the original. */
  fileUrl: string;
  videoId?: string;
  durationSec?: number;
};

export type MediaPage = { items: MediaItem[]; nextCursor: string | null };
