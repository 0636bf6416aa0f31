import { type MediaRow, mediaRow } from '@edge-gallery/stack';
import { describe, expect, it } from 'vitest';
import {
  existingIdsQueries,
  inlineSql,
  insertSql,
  insertStatement,
  renditionsStatement,
  sqlLiteral,
} from './target.ts';

const row: MediaRow = mediaRow({
  id: 'abc',
  kind: 'image',
  title: "Grandma's garden",
  taken_at: '2024-06-01T12:00:00.000Z',
  width: 4032,
  height: 3024,
  bytes: 3_000_000,
  original_key: 'originals/abc.jpg',
  thumbnail_key: 'thumbnails/abc.webp',
  video_id: null,
  duration_sec: null,
});

describe('media rows', () => {
  it('insert every column of the viewer schema but created_at, and never overwrite', () => {
    const { sql, params } = insertStatement(row);
    expect(sql).toMatch(
      /^INSERT INTO media \(id, kind, title, taken_at, width, height, bytes, original_key, thumbnail_key, video_id, duration_sec, preview_key, thumbnail_hd_key, motion_key, state, uploaded_by\)/,
    );
    expect(sql).toMatch(/ON CONFLICT \(id\) DO NOTHING$/);
    expect(params).toHaveLength(16);
  });

  it('name renditions in an existing row only where it has none (re-runs change nothing)', () => {
    expect(
      inlineSql(
        renditionsStatement("it's", {
          thumbnail_hd_key: 'thumbnails/x-hd.webp',
          preview_key: 'previews/x.webp',
        }),
      ),
    ).toBe(
      "UPDATE media SET thumbnail_hd_key = COALESCE(thumbnail_hd_key, 'thumbnails/x-hd.webp'), preview_key = COALESCE(preview_key, 'previews/x.webp') WHERE id = 'it''s';",
    );
  });

  it('inline values as SQLite literals for wrangler --file', () => {
    expect(insertSql(row)).toContain(
      "'abc', 'image', 'Grandma''s garden', '2024-06-01T12:00:00.000Z', 4032, 3024, 3000000, 'originals/abc.jpg', 'thumbnails/abc.webp', NULL, NULL, NULL, NULL, NULL, 'listed', NULL)",
    );
    expect(insertSql(row).endsWith(';')).toBe(true);
  });

  it('refuse values that cannot be written safely', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(RangeError);
    expect(() => sqlLiteral(Number.NaN)).toThrow(RangeError);
    expect(sqlLiteral("'; DROP TABLE media; --")).toBe("'''; DROP TABLE media; --'");
  });

  it('look up existing ids under D1s 100 bound parameters per query', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `id${i}`);
    const queries = existingIdsQueries(ids);
    expect(queries.map((q) => q.params.length)).toEqual([90, 90, 20]);
    expect(queries.flatMap((q) => q.params)).toEqual(ids);
  });
});
