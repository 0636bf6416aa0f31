import { jsonError } from '@edge-gallery/http';
import { type Context, Hono } from 'hono';
import * as z from 'zod/mini';
import { decodeCursor, pageOf } from '../cursor.ts';
import type { AppEnv } from '../env.ts';
import { deleteItemObjects, OBJECT_COLUMNS, type ObjectColumns } from '../item-objects.ts';
import type { MediaItem } from '../media-item.ts';
import type { MediaState } from '../media-row.ts';
import { requireOwner } from '../session.ts';
import { fromAllowedOrigin } from './auth.ts';
import { itemsOf, type ListedRow } from './media.ts';

// The owner's routes: the review queue of guest uploads and the edits of any item. Guests
// get 403 on every one (requireOwner, after the session check of /api/*).

const LIMIT = 100;
const TITLE_MAX = 200;

export const ITEM_COLUMNS = `id, kind, title, taken_at, width, height, original_key, thumbnail_key,
  thumbnail_hd_key, preview_key, motion_key, video_id, duration_sec, state`;

export type StatedRow = ListedRow & { state: MediaState };

/** Rows as the listing shows them, each with its state where it is not `listed`. */
export function statedItemsOf(
  c: Context<AppEnv>,
  rows: readonly StatedRow[],
): { items: MediaItem[]; expiresAt: number | null } {
  const page = itemsOf(c, rows);
  page.items.forEach((item, i) => {
    const state = rows[i]!.state;
    if (state !== 'listed') item.state = state;
  });
  return page;
}

/** `GET /api/review?state=pending|hidden&cursor=`: oldest first, as the gallery reads. */
export const review = new Hono<AppEnv>().use(requireOwner).get('/', async (c) => {
  const state = c.req.query('state') || 'pending';
  if (state !== 'pending' && state !== 'hidden') return jsonError(400, 'bad-state');
  const cursor = c.req.query('cursor');
  const after = cursor ? await decodeCursor(c.var.config.AUTH_SECRET, cursor) : undefined;
  if (cursor && !after) return jsonError(400, 'bad-cursor');
  // Served by the (state, taken_at, id) index, like the guests' listing.
  const { results } = await c.env.DB.prepare(
    `SELECT ${ITEM_COLUMNS} FROM media WHERE state = ?
       AND (taken_at, id) > (?, ?) ORDER BY taken_at, id LIMIT ?`,
  )
    .bind(state, after?.takenAt ?? '', after?.id ?? '', LIMIT + 1)
    .all<StatedRow>();
  const { page, nextCursor } = await pageOf(c.var.config.AUTH_SECRET, results, LIMIT);
  return c.json({ ...statedItemsOf(c, page), nextCursor });
});

const Rename = z.object({ title: z.string().check(z.maxLength(TITLE_MAX)) });

/** Approve, reject, hide, unhide, rename, delete: `/api/media/<id>/…`. */
export const edits = new Hono<AppEnv>()
  .use('/:id/*', requireOwner, fromAllowedOrigin)
  .use('/:id', requireOwner, fromAllowedOrigin)
  .post('/:id/approve', (c) => move(c, 'pending', 'listed'))
  .post('/:id/hide', (c) => move(c, 'listed', 'hidden'))
  .post('/:id/unhide', (c) => move(c, 'hidden', 'listed'))
  .post('/:id/reject', async (c) => {
    const row = await objectsOf(c, c.req.param('id'));
    if (!row) return jsonError(404, 'not-found');
    if (row.state !== 'pending') return jsonError(409, 'not-pending');
    await deleteItem(c, row);
    return c.json({ id: row.id, deleted: true });
  })
  .delete('/:id', async (c) => {
    const row = await objectsOf(c, c.req.param('id'));
    if (!row) return jsonError(404, 'not-found');
    await deleteItem(c, row);
    return c.json({ id: row.id, deleted: true });
  })
  .post('/:id/rename', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return jsonError(400, 'bad-body');
    }
    const parsed = Rename.safeParse(body);
    if (!parsed.success) return jsonError(400, 'bad-title');
    // Control characters would end up in Content-Disposition names and the page.
    const title = parsed.data.title.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
    const { meta } = await c.env.DB.prepare('UPDATE media SET title = ? WHERE id = ?')
      .bind(title === '' ? null : title, c.req.param('id'))
      .run();
    if (meta.changes === 0) return jsonError(404, 'not-found');
    return c.json({ id: c.req.param('id'), title });
  });

/** Moves an item from one state to the next; 409 when it is in another. */
async function move(c: Context<AppEnv>, from: MediaState, to: MediaState): Promise<Response> {
  const id = c.req.param('id') ?? '';
  const { meta } = await c.env.DB.prepare('UPDATE media SET state = ? WHERE id = ? AND state = ?')
    .bind(to, id, from)
    .run();
  if (meta.changes > 0) return c.json({ id, state: to });
  const row = await c.env.DB.prepare('SELECT state FROM media WHERE id = ?')
    .bind(id)
    .first<{ state: MediaState }>();
  return row ? jsonError(409, `not-${from}`) : jsonError(404, 'not-found');
}

type ItemObjects = ObjectColumns & { id: string; state: MediaState };

function objectsOf(c: Context<AppEnv>, id: string | undefined): Promise<ItemObjects | null> {
  return c.env.DB.prepare(`SELECT id, state, ${OBJECT_COLUMNS} FROM media WHERE id = ?`)
    .bind(id ?? '')
    .first<ItemObjects>();
}

/**
 * Objects first, then the row: should R2 fail half-way, the row is still there to delete
 * again (a gone key deletes fine), rather than objects left with nothing pointing at them.
 */
async function deleteItem(c: Context<AppEnv>, row: ItemObjects): Promise<void> {
  // A video id another row still plays (an import that reused it) keeps its HLS tree.
  const shared =
    row.video_id !== null &&
    (await c.env.DB.prepare('SELECT 1 FROM media WHERE video_id = ? AND id != ? LIMIT 1')
      .bind(row.video_id, row.id)
      .first()) !== null;
  await deleteItemObjects(c.env.MEDIA, shared ? { ...row, video_id: null } : row);
  await c.env.DB.prepare('DELETE FROM media WHERE id = ?').bind(row.id).run();
}
