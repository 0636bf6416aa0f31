import { mkdir, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { type MediaRow, mediaRow } from '@edge-gallery/stack';
import { ImportError, type ImportErrorReason } from './import-error.ts';
import { makeMotionClip } from './live-photo.ts';
import { withoutLocation } from './location.ts';
import { mediaIdOf } from './media-id.ts';
import { readPhoto } from './photo.ts';
import { renditionKeys } from './renditions.ts';
import type { SourceFile } from './scan.ts';
import { hlsContentType } from './storyboard.ts';
import { flushRows, type StoredObject, type Target } from './target.ts';
import { faststartOriginal, posterOf, probeVideo, transcodeHls } from './video.ts';

export type Outcome =
  | { status: 'imported'; file: SourceFile; id: string; storedBytes: number }
  | { status: 'would-import'; file: SourceFile; id: string }
  | { status: 'exists'; file: SourceFile; id: string }
  | { status: 'duplicate'; file: SourceFile; id: string; of: string }
  | { status: 'failed'; file: SourceFile; reason: ImportErrorReason; detail: string };

export type ImportEvents = {
  hashed(file: SourceFile): void;
  /** Hashing done: what will be imported (files and bytes) is known. */
  planned(plan: { toImport: number; bytes: number }): void;
  done(outcome: Outcome): void;
};

export type ImportOptions = {
  dryRun: boolean;
  /** Files processed at once; videos additionally one at a time (ffmpeg uses every core). */
  concurrency: number;
  /** Scratch space for transcodes; emptied per file. */
  workDir: string;
  /** Why videos cannot be imported (ffmpeg missing), if they cannot. */
  videoBlocker?: string | undefined;
  /** Store photo originals without their GPS tags (location-privacy.ts). */
  stripLocation?: boolean;
};

/**
 * Imports files into a target. Two passes: every file is hashed first (its hash is its
 * id), so duplicates resolve to the first in scan order, rows already present are found
 * in one query per 90 ids, and the ETA counts only work still to do. Then each new file
 * is processed and stored, its D1 row written last in one statement: a row only ever
 * names objects that exist, so an interrupted import lists nothing half-done, and the next
 * run redoes exactly the files that have no row.
 */
export async function importFiles(
  files: readonly SourceFile[],
  target: Target,
  options: ImportOptions,
  events: ImportEvents,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const report = (outcome: Outcome) => {
    outcomes.push(outcome);
    events.done(outcome);
  };

  const ids = new Map<SourceFile, string>();
  await eachLimited(files, options.concurrency, async (file) => {
    try {
      ids.set(file, await mediaIdOf(file.path));
    } catch (error) {
      report({ status: 'failed', file, reason: 'unreadable', detail: describe(error) });
    }
    events.hashed(file);
  });

  const firstById = new Map<string, SourceFile>();
  const pending: { file: SourceFile; id: string }[] = [];
  for (const file of files) {
    const id = ids.get(file);
    if (id === undefined) continue;
    const first = firstById.get(id);
    if (first) {
      report({ status: 'duplicate', file, id, of: first.name });
      continue;
    }
    firstById.set(id, file);
    pending.push({ file, id });
  }
  const existing = await target.existingIds(pending.map((p) => p.id));
  const todo = pending.filter(({ file, id }) => {
    if (!existing.has(id)) return true;
    report({ status: 'exists', file, id });
    return false;
  });
  events.planned({
    toImport: todo.length,
    bytes: todo.reduce((sum, { file }) => sum + file.size, 0),
  });

  const videoLock = createLock();
  await eachLimited(todo, options.concurrency, async ({ file, id }) => {
    try {
      const stored =
        file.kind === 'image'
          ? await importPhoto(file, id, target, { ...options, videoLock })
          : await videoLock(() => importVideo(file, id, target, options));
      report(
        options.dryRun
          ? { status: 'would-import', file, id }
          : { status: 'imported', file, id, storedBytes: stored },
      );
    } catch (error) {
      const reason = error instanceof ImportError ? error.reason : 'upload-failed';
      report({ status: 'failed', file, reason, detail: describe(error) });
    }
  });
  // Reported as imported when the row was queued; a row that never reached D1 lists
  // nothing, so the file is not imported (the next run redoes it). The summary lists it
  // (the progress line said imported: nothing is counted twice).
  await flushRows<Outcome>(
    target,
    outcomes,
    (outcome) => (outcome.status === 'imported' ? outcome.id : undefined),
    (outcome, detail) => ({
      status: 'failed',
      file: outcome.file,
      reason: 'row-not-written',
      detail,
    }),
  );
  return outcomes;
}

async function importPhoto(
  file: SourceFile,
  id: string,
  target: Target,
  options: ImportOptions & { videoLock: ReturnType<typeof createLock> },
) {
  const photo = await readPhoto(file, { workDir: options.workDir });
  const original = `originals/${id}.${file.ext}`;
  const keys = renditionKeys(id);
  if (options.dryRun) return 0;
  const { thumbnail, thumbnailHd, preview } = photo.renditions;
  const objects: StoredObject[] = [
    { key: keys.thumbnail, body: { bytes: thumbnail }, contentType: 'image/webp' },
    { key: keys.thumbnailHd, body: { bytes: thumbnailHd }, contentType: 'image/webp' },
    { key: keys.preview, body: { bytes: preview }, contentType: 'image/webp' },
  ];
  const workDir = join(options.workDir, id);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  let stored: number;
  let motionKey: string | null = null;
  let originalBytes = file.size;
  try {
    if (file.motion) {
      // A Live Photo: its MOV becomes the motion clip (ffmpeg, one at a time like videos).
      if (options.videoBlocker) throw new ImportError('ffmpeg-missing', options.videoBlocker);
      const motion = file.motion;
      const clip = await options.videoLock(async () =>
        makeMotionClip(motion, await probeVideo(motion), join(workDir, 'motion.mp4')),
      );
      motionKey = `motion/${id}.mp4`;
      objects.push({ key: motionKey, body: clip, contentType: 'video/mp4' });
    }
    const originalBody =
      options.stripLocation && photo.hasLocation
        ? await withoutLocation(file, join(workDir, `original.${file.ext}`))
        : { path: file.path, size: file.size };
    originalBytes = originalBody.size;
    objects.push({ key: original, body: originalBody, contentType: file.contentType });
    stored = await store(target, objects);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  await target.insertRow(
    mediaRow({
      ...rowBase(file, id),
      kind: 'image',
      taken_at: photo.takenAt,
      width: photo.width,
      height: photo.height,
      bytes: originalBytes,
      original_key: original,
      thumbnail_key: keys.thumbnail,
      thumbnail_hd_key: keys.thumbnailHd,
      preview_key: keys.preview,
      motion_key: motionKey,
      video_id: null,
      duration_sec: null,
    }),
  );
  return stored;
}

async function importVideo(file: SourceFile, id: string, target: Target, options: ImportOptions) {
  if (options.videoBlocker) throw new ImportError('ffmpeg-missing', options.videoBlocker);
  const probe = await probeVideo(file);
  if (options.dryRun) return 0;
  const workDir = join(options.workDir, id);
  await rm(workDir, { recursive: true, force: true });
  const hlsDir = join(workDir, 'hls');
  await mkdir(hlsDir, { recursive: true });
  try {
    const hlsFiles = await transcodeHls(file, probe, hlsDir);
    const poster = await posterOf(file, probe);
    const original = await faststartOriginal(file, workDir);
    const originalKey = `originals/${id}.${file.ext}`;
    const thumbnailKey = `thumbnails/${id}.webp`;
    const objects: StoredObject[] = [
      ...ladderObjects(id, hlsDir, hlsFiles),
      { key: thumbnailKey, body: { bytes: poster }, contentType: 'image/webp' },
      { key: originalKey, body: original, contentType: file.contentType },
    ];
    const stored = await store(target, objects);
    await target.insertRow(
      mediaRow({
        ...rowBase(file, id),
        kind: 'video',
        taken_at: probe.createdAt ?? new Date(file.mtimeMs).toISOString(),
        width: probe.width,
        height: probe.height,
        bytes: original.size,
        original_key: originalKey,
        thumbnail_key: thumbnailKey,
        video_id: id,
        duration_sec: probe.durationSec,
      }),
    );
    return stored;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The files transcodeHls wrote, as `hls/<videoId>/…` objects, in its order (master last). */
export function ladderObjects(
  videoId: string,
  hlsDir: string,
  files: readonly { name: string; size: number }[],
): StoredObject[] {
  return files.map(({ name, size }) => ({
    key: `hls/${videoId}/${name}`,
    body: { path: join(hlsDir, name), size },
    contentType: hlsContentType(name),
  }));
}

/** Stores objects in order (the last is what makes the set complete); returns bytes stored. */
export async function store(target: Target, objects: readonly StoredObject[]): Promise<number> {
  let bytes = 0;
  for (const object of objects) {
    await target.putObject(object);
    bytes += 'path' in object.body ? object.body.size : object.body.bytes.byteLength;
  }
  return bytes;
}

function rowBase(file: SourceFile, id: string): Pick<MediaRow, 'id' | 'title'> {
  return { id, title: basename(file.name, extname(file.name)) };
}

/** Runs `task` over `items` with at most `limit` in flight, in order of start. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** A one-at-a-time lock. */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    tail = result.catch(() => {});
    return result;
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
