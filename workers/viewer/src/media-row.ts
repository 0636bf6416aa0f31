// The D1 `media` table (migrations/) as one row: the viewer reads it, and the tools (the
// demo seed, the import CLI) write it through this type and column list. No imports, so
// it typechecks in any of them.

export type MediaState = 'listed' | 'pending' | 'hidden';

/** One row of `media`; `created_at` is left to D1. */
export type MediaRow = {
  id: string;
  kind: 'image' | 'video';
  title: string | null;
  /** ISO 8601 UTC exactly as Date#toISOString writes it: the listing orders by this text. */
  taken_at: string;
  width: number;
  height: number;
  bytes: number;
  original_key: string;
  /** The grid's thumbnail, about 480 px on the long side. */
  thumbnail_key: string;
  /** The same at about 960 px for high-DPR screens; NULL on rows imported before it. */
  thumbnail_hd_key: string | null;
  /** The display rendition (about 2048 px, WebP); NULL: the lightbox shows the original. */
  preview_key: string | null;
  /** A Live Photo's motion clip; NULL for every other item. */
  motion_key: string | null;
  video_id: string | null;
  duration_sec: number | null;
  state: MediaState;
  /** The device id of the guest who uploaded it; NULL for imported media. */
  uploaded_by: string | null;
};

/** Every column a writer sets, in the schema's order. */
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
  'preview_key',
  'thumbnail_hd_key',
  'motion_key',
  'state',
  'uploaded_by',
] as const satisfies readonly (keyof MediaRow)[];

/** A row as an importer writes it: the newer columns default to what old rows have. */
export function mediaRow(
  row: Omit<MediaRow, 'preview_key' | 'thumbnail_hd_key' | 'motion_key' | 'state' | 'uploaded_by'> &
    Partial<MediaRow>,
): MediaRow {
  return {
    preview_key: null,
    thumbnail_hd_key: null,
    motion_key: null,
    state: 'listed',
    uploaded_by: null,
    ...row,
  };
}

/**
 * A whole row as one parameterised statement. On an id that is there already: `fail`,
 * `keep` that row (a second import of the same content changes nothing), or `replace` its
 * columns (the demo seed, a bench's own row).
 */
export function mediaInsert(
  row: MediaRow,
  onConflict: 'fail' | 'keep' | 'replace' = 'fail',
): { sql: string; params: (string | number | null)[] } {
  const conflict = {
    fail: '',
    keep: ' ON CONFLICT (id) DO NOTHING',
    replace: ` ON CONFLICT (id) DO UPDATE SET ${MEDIA_COLUMNS.slice(1)
      .map((column) => `${column} = excluded.${column}`)
      .join(', ')}`,
  }[onConflict];
  return {
    sql: `INSERT INTO media (${MEDIA_COLUMNS.join(', ')}) VALUES (${MEDIA_COLUMNS.map(() => '?').join(', ')})${conflict}`,
    params: MEDIA_COLUMNS.map((column) => row[column]),
  };
}
