import type { MediaRow } from './media-row.ts';

/** The columns that name an item's objects. */
export type ObjectColumns = Pick<
  MediaRow,
  'original_key' | 'thumbnail_key' | 'thumbnail_hd_key' | 'preview_key' | 'motion_key' | 'video_id'
>;

export const OBJECT_COLUMNS =
  'original_key, thumbnail_key, thumbnail_hd_key, preview_key, motion_key, video_id';

// R2's delete takes at most 1000 keys; list pages are at most 1000 too.
const DELETE_BATCH = 1000;

/**
 * Deletes every object of an item: its original and renditions, and a video's whole HLS
 * tree (`hls/<videoId>/`). Deleting a key that is already gone succeeds, so a delete that
 * failed half-way is finished by running it again.
 */
export async function deleteItemObjects(bucket: R2Bucket, row: ObjectColumns): Promise<void> {
  const keys = [
    row.original_key,
    row.thumbnail_key,
    row.thumbnail_hd_key,
    row.preview_key,
    row.motion_key,
  ].filter((key): key is string => typeof key === 'string' && key !== '');
  await bucket.delete([...new Set(keys)]);
  if (row.video_id) await deletePrefix(bucket, `hls/${row.video_id}/`);
}

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, limit: DELETE_BATCH, ...(cursor ? { cursor } : {}) });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor !== undefined);
}
