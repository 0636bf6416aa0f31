// The guests' listing query (GET /api/media), alone.
import type { Position } from './cursor.ts';

/**
 * Keyset pagination: each page starts strictly after the last (taken_at, id) of the one
 * before, so rows added or removed meanwhile never shift, repeat or skip others. Served by
 * the (taken_at, id) and (kind, taken_at, id) indexes without a sort; one row more than
 * the page says whether a next page exists.
 */
export function listingQuery(page: {
  kind: 'image' | 'video' | undefined;
  after: Position | undefined;
  limit: number;
}): { sql: string; params: (string | number)[] } {
  // Guests only ever see listed items; the (state, …) indexes lead with it.
  const where: string[] = ["state = 'listed'"];
  const params: (string | number)[] = [];
  if (page.kind) {
    where.push('kind = ?');
    params.push(page.kind);
  }
  if (page.after) {
    where.push('(taken_at, id) > (?, ?)');
    params.push(page.after.takenAt, page.after.id);
  }
  params.push(page.limit + 1);
  const sql = `SELECT id, kind, title, taken_at, width, height, original_key, thumbnail_key,
      thumbnail_hd_key, preview_key, motion_key, video_id, duration_sec
    FROM media WHERE ${where.join(' AND ')} ORDER BY taken_at, id LIMIT ?`;
  return { sql, params };
}
