import sharp, { type Sharp } from 'sharp';

// What the gallery shows instead of a photo's original: the grid's thumbnails at 1× and
// high-DPR sizes and the lightbox's display preview. All WebP, upright, sRGB, no metadata
// (so no GPS either), never enlarged past the original.

/** The grid's thumbnail fits this square (like the demo media's, demo/generate.mjs). */
export const THUMBNAIL_SIDE = 480;
/** The same for 2× and 3× screens (a 160 px tile at 3× is 480, a 320 px tile at 3× is 960). */
export const THUMBNAIL_HD_SIDE = 960;
/** The lightbox's preview: a 390 pt phone at 3× is 1170 px wide, a laptop 1440-1920. */
export const PREVIEW_SIDE = 2048;
const THUMBNAIL_QUALITY = 72;
/**
 * Chosen by `pnpm --filter @edge-gallery/cli bench:preview` (README): 75 → 80 is the largest
 * SSIM gain of the series for ~15 % more bytes; 80 → 85 costs as many bytes again for a third
 * of that gain. At 80 a preview is 1/14–1/21 of a 12 MP JPEG's bytes.
 */
export const PREVIEW_QUALITY = 80;

export const renditionKeys = (id: string) => ({
  thumbnail: `thumbnails/${id}.webp`,
  thumbnailHd: `thumbnails/${id}-hd.webp`,
  preview: `previews/${id}.webp`,
});

export type Renditions = { thumbnail: Buffer; thumbnailHd: Buffer; preview: Buffer };

/**
 * Decodes `image` (already told how to orient itself) once, down to the preview's size in
 * sRGB, and makes the three renditions from those pixels. Decoding is the expensive part
 * of a 12 MP photo; each smaller rendition then costs a resize and an encode.
 */
export async function renditionsOf(image: Sharp): Promise<Renditions> {
  const { data, info } = await image
    .resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const from = () => sharp(data, { raw });
  const fit = (side: number) =>
    from().resize(side, side, { fit: 'inside', withoutEnlargement: true });
  const [thumbnail, thumbnailHd, preview] = await Promise.all([
    fit(THUMBNAIL_SIDE).webp({ quality: THUMBNAIL_QUALITY }).toBuffer(),
    fit(THUMBNAIL_HD_SIDE).webp({ quality: THUMBNAIL_QUALITY }).toBuffer(),
    from().webp({ quality: PREVIEW_QUALITY }).toBuffer(),
  ]);
  return { thumbnail, thumbnailHd, preview };
}
