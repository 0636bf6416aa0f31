import { type MediaRow, mediaInsert, type ObjectBody } from '@edge-gallery/stack';

// Where imported media goes. The importer only needs these four operations, so the
// local state (Miniflare over `.state`) and a Cloudflare account (S3 API + D1 through
// wrangler) are interchangeable behind it.

export type StoredObject = { key: string; body: ObjectBody; contentType: string };

export type Target = {
  /** Human name for messages: `local state /work/main/.state`, `remote (production)`. */
  readonly description: string;
  /** The subset of `ids` that already have a row: those are imported. */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  putObject(object: StoredObject): Promise<void>;
  /** Called only after every object of the row is stored. May batch; `flush` writes the rest. */
  insertRow(row: MediaRow): Promise<void>;
  /** The rows one of the listings below selects. */
  rows<Row>(listing: Listing<Row>): Promise<Row[]>;
  /** Copies a stored object into a local file. */
  downloadObject(key: string, path: string): Promise<void>;
  /** Names the renditions in an existing row, after they are stored. May batch like insertRow. */
  setRenditions(id: string, keys: RenditionColumns): Promise<void>;
  /**
   * Points a processed video's row at its ladder, after every object of it is stored. May
   * batch like insertRow; a row that already has a ladder keeps it.
   */
  setVideoLadder(id: string, ladder: LadderColumns): Promise<void>;
  /** Whether the bucket holds `key`. */
  hasObject(key: string): Promise<boolean>;
  /**
   * Writes every queued row. Throws RowsNotWritten naming the rows it could not write:
   * their objects are stored, but nothing lists them until the next run writes the row.
   */
  flush(): Promise<void>;
  close(): Promise<void>;
};

/** Rows whose batch failed; the caller reports them (their ids) as not imported. */
export class RowsNotWritten extends Error {
  override readonly name = 'RowsNotWritten';
  readonly ids: readonly string[];
  constructor(ids: readonly string[], detail: string) {
    super(detail);
    this.ids = ids;
  }
}

/**
 * Writes the queued rows (`flush`). An outcome reported as done while its row was queued
 * names nothing when that row never reached D1, so it is replaced, in place, by
 * `notWritten(outcome, detail)`: the next run redoes it. Returns the replacements.
 */
export async function flushRows<Outcome>(
  target: Target,
  outcomes: Outcome[],
  queuedRow: (outcome: Outcome) => string | undefined,
  notWritten: (outcome: Outcome, detail: string) => Outcome,
): Promise<Outcome[]> {
  try {
    await target.flush();
    return [];
  } catch (error) {
    if (!(error instanceof RowsNotWritten)) throw error;
    const unwritten = new Set(error.ids);
    const replaced: Outcome[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      const id = queuedRow(outcome);
      if (id === undefined || !unwritten.has(id)) continue;
      outcomes[i] = notWritten(outcome, error.message);
      replaced.push(outcomes[i]);
    }
    return replaced;
  }
}

/** A SELECT over `media` and the type of its rows (the type travels with the text). */
export type Listing<Row> = { readonly sql: string; readonly row?: Row };

export type PhotoWithoutRenditions = Pick<MediaRow, 'id' | 'original_key'>;
export type RenditionColumns = Pick<MediaRow, 'thumbnail_hd_key' | 'preview_key'>;

export type VideoWithHls = Pick<
  MediaRow,
  'id' | 'original_key' | 'video_id' | 'duration_sec' | 'width' | 'height'
>;

/** Videos with an HLS ladder (for seek previews added after their import). */
export const VIDEOS_WITH_HLS: Listing<VideoWithHls> = {
  sql: `SELECT id, original_key, video_id, duration_sec, width, height
  FROM media WHERE kind = 'video' AND video_id IS NOT NULL ORDER BY id`,
};

export type VideoToProcess = Pick<MediaRow, 'id' | 'original_key' | 'thumbnail_key' | 'state'>;
export type LadderColumns = Pick<
  MediaRow,
  'video_id' | 'width' | 'height' | 'duration_sec' | 'thumbnail_key'
>;

/**
 * Approved (listed, or hidden after) videos without a ladder: guest uploads, which the
 * viewer writes with `video_id` NULL. Pending ones wait for the owner (a rejected one
 * would be work thrown away).
 */
export const VIDEOS_TO_PROCESS: Listing<VideoToProcess> = {
  sql: `SELECT id, original_key, thumbnail_key, state FROM media
  WHERE kind = 'video' AND video_id IS NULL AND state IN ('listed', 'hidden') ORDER BY id`,
};

/**
 * The row now plays its ladder: the video id, the picture as ffprobe read it from the
 * stored bytes (the browser's numbers were the guest's), and the poster. Only a row
 * without a ladder changes, so a re-run or a late batch cannot overwrite another.
 */
export function ladderStatement(
  id: string,
  ladder: LadderColumns,
): { sql: string; params: (string | number | null)[] } {
  return {
    sql: `UPDATE media SET video_id = ?, width = ?, height = ?, duration_sec = ?, thumbnail_key = ?
  WHERE id = ? AND kind = 'video' AND video_id IS NULL`,
    params: [
      ladder.video_id,
      ladder.width,
      ladder.height,
      ladder.duration_sec,
      ladder.thumbnail_key,
      id,
    ],
  };
}

/** Photos whose rows lack the preview or the HD thumbnail (imported before they existed). */
export const PHOTOS_WITHOUT_RENDITIONS: Listing<PhotoWithoutRenditions> = {
  sql: `SELECT id, original_key FROM media
  WHERE kind = 'image' AND (preview_key IS NULL OR thumbnail_hd_key IS NULL) ORDER BY id`,
};

/** Sets the rendition columns of one row; a row that has them keeps them (re-runs change nothing). */
export function renditionsStatement(
  id: string,
  keys: RenditionColumns,
): { sql: string; params: (string | null)[] } {
  return {
    sql: 'UPDATE media SET thumbnail_hd_key = COALESCE(thumbnail_hd_key, ?), preview_key = COALESCE(preview_key, ?) WHERE id = ?',
    params: [keys.thumbnail_hd_key, keys.preview_key, id],
  };
}

/** A statement with its values inlined, for a `.sql` file run by `wrangler d1 execute`. */
export function inlineSql({
  sql,
  params,
}: {
  sql: string;
  params: (string | number | null)[];
}): string {
  let index = 0;
  return `${sql.replace(/\?/g, () => sqlLiteral(params[index++] ?? null))};`;
}

/**
 * One row as a parameterised statement. `ON CONFLICT DO NOTHING`: a row that exists is
 * complete (it is written last), so a second import of the same content changes nothing.
 */
export function insertStatement(row: MediaRow): {
  sql: string;
  params: (string | number | null)[];
} {
  return mediaInsert(row, 'keep');
}

/** The same statement with its values inlined, for a `.sql` file run by `wrangler d1 execute`. */
export function insertSql(row: MediaRow): string {
  return inlineSql(insertStatement(row));
}

export function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  // SQLite string literals: quotes doubled, nothing else is special. NUL would end the
  // statement early in some clients, so it is refused rather than passed through.
  if (value.includes('\0')) throw new RangeError('NUL character in an SQL string');
  return `'${value.replaceAll("'", "''")}'`;
}

/** `SELECT id FROM media WHERE id IN (...)` in chunks under D1's 100 bound parameters. */
export function existingIdsQueries(
  ids: readonly string[],
  chunk = 90,
): { sql: string; params: string[] }[] {
  const queries = [];
  for (let start = 0; start < ids.length; start += chunk) {
    const params = ids.slice(start, start + chunk);
    queries.push({
      sql: `SELECT id FROM media WHERE id IN (${params.map(() => '?').join(', ')})`,
      params,
    });
  }
  return queries;
}
