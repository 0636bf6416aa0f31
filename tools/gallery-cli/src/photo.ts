import exifr from 'exifr';
import sharp from 'sharp';
import { DATE_TAGS, exifTakenAt } from './exif-date.ts';
import { ImportError } from './import-error.ts';
import type { SourceFile } from './scan.ts';

/** Thumbnails fit in this square, like the demo media's (demo/generate.mjs). */
export const THUMBNAIL_SIDE = 480;
const THUMBNAIL_QUALITY = 72;

// Two files in flight on two cores: one libvips thread each instead of two each.
sharp.concurrency(1);

export type Photo = {
  /** As displayed, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
  takenAt: string;
  thumbnail: Uint8Array;
};

/**
 * Reads a photo: dimensions as shown (EXIF orientation applied), the date it was taken
 * (EXIF, else the file's modification time) and an upright WebP thumbnail. The pixels are
 * fully decoded for the thumbnail, so a truncated or corrupt file fails here, before
 * anything is stored.
 */
export async function readPhoto(file: SourceFile): Promise<Photo> {
  const image = sharp(file.path, { failOn: 'error' });
  let width: number;
  let height: number;
  let thumbnail: Buffer;
  try {
    const metadata = await image.metadata();
    ({ width, height } = metadata.autoOrient);
    thumbnail = await image
      .rotate()
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: THUMBNAIL_QUALITY })
      .toBuffer();
  } catch (error) {
    throw decodeError(file, error);
  }
  return { width, height, takenAt: await takenAt(file), thumbnail };
}

async function takenAt(file: SourceFile): Promise<string> {
  try {
    const tags = await exifr.parse(file.path, { pick: DATE_TAGS.flat(), reviveValues: false });
    const date = tags ? exifTakenAt(tags) : undefined;
    if (date) return date;
  } catch {
    // No or unreadable EXIF: the pixels decoded, so the photo is still worth importing.
  }
  return new Date(file.mtimeMs).toISOString();
}

function decodeError(file: SourceFile, error: unknown): ImportError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/EACCES|EPERM|EISDIR|ENOENT/.test(detail)) return new ImportError('unreadable', detail);
  if (file.ext === 'heic' || file.ext === 'heif') {
    // sharp's prebuilt libvips reads AV1-coded HEIF only; phones write HEVC, whose
    // decoder is patent-encumbered and left out of the binary.
    return new ImportError(
      'heic-unsupported',
      `cannot decode this HEIC (${detail}); sharp's prebuilt binary reads AV1 HEIF only. ` +
        'Convert HEVC photos to JPEG first (e.g. `heif-convert` from libheif-examples), ' +
        'or install sharp against a system libvips built with libde265',
    );
  }
  return new ImportError('corrupt', detail);
}
