import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { readExif } from './exif.ts';
import { exifTakenAt } from './exif-date.ts';
import { decodeHeic } from './heic.ts';
import { ImportError } from './import-error.ts';
import { type Renditions, renditionsOf } from './renditions.ts';
import type { SourceFile } from './scan.ts';

// The grid's size, which video posters share (video.ts).
export { THUMBNAIL_SIDE } from './renditions.ts';

// Two files in flight on two cores: one libvips thread each instead of two each.
sharp.concurrency(1);

export type Photo = {
  /** As displayed, i.e. after the EXIF orientation (HEIF: its transforms) is applied. */
  width: number;
  height: number;
  takenAt: string;
  /** Whether the original carries GPS tags (what --strip-location removes). */
  hasLocation: boolean;
  /** Apple's Live Photo id, when the maker note has one. */
  contentIdentifier: string | undefined;
  renditions: Renditions;
};

/** The cheap facts (no pixels decoded): what Live Photo pairing compares. */
export async function readPhotoFacts(
  file: SourceFile,
): Promise<{ takenAt: string | undefined; contentIdentifier: string | undefined }> {
  const exif = readExif((await sharp(file.path).metadata()).exif);
  return { takenAt: exifTakenAt(exif.dateTags), contentIdentifier: exif.contentIdentifier };
}

/**
 * Reads a photo: dimensions as shown, the date it was taken (EXIF, else the file's
 * modification time) and its renditions (renditions.ts). The pixels are fully decoded, so a
 * truncated or corrupt file fails here, before anything is stored.
 */
export async function readPhoto(
  file: SourceFile,
  options: { workDir?: string } = {},
): Promise<Photo> {
  let metadata: Metadata;
  try {
    metadata = await sharp(file.path).metadata();
  } catch (error) {
    throw decodeError(error);
  }
  const exif = readExif(metadata.exif);
  const facts = {
    takenAt: exifTakenAt(exif.dateTags) ?? new Date(file.mtimeMs).toISOString(),
    hasLocation: exif.hasLocation,
    contentIdentifier: exif.contentIdentifier,
  };
  if (metadata.format === 'heif' && metadata.compression === 'hevc') {
    return { ...facts, ...(await readHevc(file, options.workDir)) };
  }
  try {
    const renditions = await renditionsOf(sharp(file.path, { failOn: 'error' }).rotate());
    const { width, height } = metadata.autoOrient;
    return { ...facts, width, height, renditions };
  } catch (error) {
    throw decodeError(error);
  }
}

/** HEVC HEIC through heif-convert: its JPEG is already upright (see heic.ts). */
async function readHevc(file: SourceFile, workDir: string | undefined) {
  const dir = await mkdtemp(join(workDir ?? tmpdir(), 'heic-'));
  try {
    const decoded = join(dir, 'decoded.jpg');
    await decodeHeic(file.path, decoded);
    try {
      const { width, height } = await sharp(decoded).metadata();
      // No .rotate(): the EXIF Orientation heif-convert copies over is already applied.
      const renditions = await renditionsOf(sharp(decoded, { failOn: 'error' }));
      return { width, height, renditions };
    } catch (error) {
      throw decodeError(error);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function decodeError(error: unknown): ImportError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/EACCES|EPERM|EISDIR|ENOENT/.test(detail)) return new ImportError('unreadable', detail);
  return new ImportError('corrupt', detail);
}
