import { env } from 'cloudflare:workers';
import { type MediaRow, mediaInsert, mediaRow } from '../src/media-row.ts';

/** Writes a `media` row as an import or an upload leaves it (mediaRow's defaults). */
export async function insertMedia(row: Parameters<typeof mediaRow>[0]): Promise<void> {
  const { sql, params } = mediaInsert(mediaRow(row));
  await env.DB.prepare(sql)
    .bind(...params)
    .run();
}

/** A 1080p video as an import lists it: its original and thumbnail named by its id. */
export function importedVideo(
  id: string,
  title: string,
  video: { video_id: string; duration_sec: number },
): MediaRow {
  return mediaRow({
    id,
    kind: 'video',
    title,
    taken_at: '2024-06-01T12:00:00.000Z',
    width: 1920,
    height: 1080,
    bytes: 1,
    original_key: `originals/${id}.mp4`,
    thumbnail_key: `thumbnails/${id}.jpg`,
    ...video,
  });
}
