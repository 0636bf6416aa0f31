// The viewer's D1 `media` table (workers/viewer/migrations) as the tools write it: the
// demo seed and the import CLI insert the same rows.

/** One row of `media`; `created_at` is left to D1. */
export type MediaRow = {
  id: string;
  kind: 'image' | 'video';
  title: string;
  /** ISO 8601 UTC exactly as Date#toISOString writes it: the listing orders by this text. */
  taken_at: string;
  width: number;
  height: number;
  bytes: number;
  original_key: string;
  thumbnail_key: string;
  video_id: string | null;
  duration_sec: number | null;
};

/** Every column the tools write, in the schema's order. */
export const MEDIA_COLUMNS = [
  'id',
  'kind',
  'title',
  'taken_at',
  'width',
  'height',
  'bytes',
  'original_key',
  'thumbnail_key',
  'video_id',
  'duration_sec',
] as const satisfies readonly (keyof MediaRow)[];
