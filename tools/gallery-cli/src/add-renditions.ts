import type { BackfillStep } from './backfill.ts';
import { readPhoto } from './photo.ts';
import { renditionKeys } from './renditions.ts';
import { PHOTOS_WITHOUT_RENDITIONS, type PhotoWithoutRenditions } from './target.ts';

// Photos imported before previews and HD thumbnails existed: both made from the stored
// original, then the row names them. Rows that have both keep them.

type PhotoRenditions = Awaited<ReturnType<typeof readPhoto>>['renditions'];

export const photoRenditions: BackfillStep<PhotoWithoutRenditions, PhotoRenditions> = {
  original: 'image',
  missing: (target) => target.rows(PHOTOS_WITHOUT_RENDITIONS),
  read: async (_row, original, dir) => (await readPhoto(original, { workDir: dir })).renditions,
  async add(target, row, renditions) {
    const keys = renditionKeys(row.id);
    await target.putObject({
      key: keys.thumbnailHd,
      body: { bytes: renditions.thumbnailHd },
      contentType: 'image/webp',
    });
    await target.putObject({
      key: keys.preview,
      body: { bytes: renditions.preview },
      contentType: 'image/webp',
    });
    await target.setRenditions(row.id, {
      thumbnail_hd_key: keys.thumbnailHd,
      preview_key: keys.preview,
    });
  },
};
