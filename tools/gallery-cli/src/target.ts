import { MEDIA_COLUMNS, type MediaRow, type ObjectBody } from '@edge-gallery/stack';

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
  flush(): Promise<void>;
  close(): Promise<void>;
};

/**
 * One row as a parameterised statement. `ON CONFLICT DO NOTHING`: a row that exists is
 * complete (it is written last), so a second import of the same content changes nothing.
 */
export function insertStatement(row: MediaRow): {
  sql: string;
  params: (string | number | null)[];
} {
  return {
    sql: `INSERT INTO media (${MEDIA_COLUMNS.join(', ')}) VALUES (${MEDIA_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
    params: MEDIA_COLUMNS.map((column) => row[column]),
  };
}

/** The same statement with its values inlined, for a `.sql` file run by `wrangler d1 execute`. */
export function insertSql(row: MediaRow): string {
  const { sql, params } = insertStatement(row);
  let index = 0;
  return `${sql.replace(/\?/g, () => sqlLiteral(params[index++] ?? null))};`;
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
