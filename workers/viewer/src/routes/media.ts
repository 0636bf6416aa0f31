import { jsonError } from '@edge-gallery/http';
import { isVideoId } from '@edge-gallery/r2-signer';
import { type Context, Hono } from 'hono';
import { decodeCursor, pageOf } from '../cursor.ts';
import type { AppEnv } from '../env.ts';
import { listingQuery } from '../listing-query.ts';
import type { MediaItem } from '../media-item.ts';
import { type Links, presignedLinks, workerLinks } from '../media-links.ts';
import type { MediaRow } from '../media-row.ts';
import { playbackTokens } from './playback.ts';

export const DEFAULT_LIMIT = 60;
export const MAX_LIMIT = 200;

export type ListedRow = Pick<
  MediaRow,
  | 'id'
  | 'kind'
  | 'title'
  | 'taken_at'
  | 'width'
  | 'height'
  | 'original_key'
  | 'thumbnail_key'
  | 'thumbnail_hd_key'
  | 'preview_key'
  | 'motion_key'
  | 'video_id'
  | 'duration_sec'
>;

export const media = new Hono<AppEnv>().get('/', (c) => listMedia(c));

/** GET /api/media, a guest's listing page (exported: `pnpm bench`'s bare twin runs it too). */
export async function listMedia(c: Context<AppEnv>): Promise<Response> {
  const limit = parseLimit(c.req.query('limit'));
  if (limit === undefined) return jsonError(400, 'bad-limit');
  // Empty parameters (`?cursor=&limit=&kind=`) mean "not given".
  const kind = c.req.query('kind') || undefined;
  if (kind !== undefined && kind !== 'image' && kind !== 'video') {
    return jsonError(400, 'bad-kind');
  }
  const cursor = c.req.query('cursor');
  const after = cursor ? await decodeCursor(c.var.config.AUTH_SECRET, cursor) : undefined;
  if (cursor && !after) return jsonError(400, 'bad-cursor');

  const { sql, params } = listingQuery({ kind, after, limit });
  const { results } = await c.env.DB.prepare(sql)
    .bind(...params)
    .all<ListedRow>();

  const { page, nextCursor } = await pageOf(c.var.config.AUTH_SECRET, results, limit);
  const listed = itemsOf(c, page);
  // Each listed video with its playback token (what GET /api/videos/<id>/playback would
  // answer): a tap then waits for no token round trip (pages/gallery bench).
  const videos = listed.items.filter(
    (item) => item.videoId !== undefined && isVideoId(item.videoId),
  );
  if (videos.length > 0) {
    const token = await playbackTokens(c);
    for (const video of videos) video.playback = token(video.videoId!);
  }
  return c.json({ ...listed, nextCursor });
}

/** A page's items with its links: presigned with S3 credentials, else worker paths (the
 * owner's review and a guest's own uploads list through it too). */
export function itemsOf(
  c: Context<AppEnv>,
  page: readonly ListedRow[],
): { items: MediaItem[]; expiresAt: number | null } {
  const { s3 } = c.var;
  const signing = performance.now();
  const { links, expiresAt } =
    (s3 && presignedLinks(page, s3, Date.now())) ??
    workerLinks(page, c.var.versions.thumbnailVersion);
  const signed = performance.now() - signing;
  c.set('timing', `links;desc=${s3 ? 'presigned' : 'paths'};dur=${signed.toFixed(3)}`);
  return { items: page.map((row, i) => itemWith(row, links[i]!)), expiresAt };
}

/** Missing → the default; out of range → clamped; not an integer → undefined. */
function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return DEFAULT_LIMIT;
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  return Math.min(MAX_LIMIT, Math.max(1, Number(value)));
}

function itemWith(row: ListedRow, links: Links): MediaItem {
  const long = Math.max(row.width, row.height) || 1;
  const thumbnails = [{ url: links.thumbnails[0]!, width: thumbWidth(row, 480, long) }];
  if (links.thumbnails[1] !== undefined) {
    thumbnails.push({ url: links.thumbnails[1], width: thumbWidth(row, 960, long) });
  }
  const item: MediaItem = {
    id: row.id,
    kind: row.kind,
    title: row.title ?? '',
    takenAt: row.taken_at,
    width: row.width,
    height: row.height,
    thumbnailUrl: thumbnails[0]!.url,
    thumbnails,
    fileUrl: links.file,
    downloadUrl: links.download,
  };
  if (links.preview !== undefined) item.previewUrl = links.preview;
  if (links.motion !== undefined) item.motionUrl = links.motion;
  // A guest's video plays from its original until `gallery process` gives it a video id.
  if (row.kind === 'video' && row.video_id !== null) item.videoId = row.video_id;
  if (row.kind === 'video' && row.duration_sec !== null) item.durationSec = row.duration_sec;
  return item;
}

/** A thumbnail's pixel width: the long side is `side` (never enlarged past the original). */
function thumbWidth(row: ListedRow, side: number, long: number): number {
  return Math.round((row.width * Math.min(side, long)) / long);
}
