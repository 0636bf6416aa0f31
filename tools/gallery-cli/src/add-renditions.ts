import { rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ImportError, type ImportErrorReason } from './import-error.ts';
import { eachLimited } from './importer.ts';
import { readPhoto } from './photo.ts';
import { renditionKeys } from './renditions.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import { type PhotoWithoutRenditions, RowsNotWritten, type Target } from './target.ts';

// `gallery renditions`: photos imported before previews and HD thumbnails existed get them
// from their stored originals, without importing anything again. The objects are stored
// first and the row names them last (as in an import), so an interrupted run leaves rows
// as they were and the next run picks up the same photos. Rows that have both keep them.

export type RenditionOutcome =
  | { status: 'added'; row: PhotoWithoutRenditions }
  | { status: 'would-add'; row: PhotoWithoutRenditions }
  | { status: 'failed'; row: PhotoWithoutRenditions; reason: ImportErrorReason; detail: string };

export async function addRenditions(
  target: Target,
  options: { concurrency: number; workDir: string; dryRun: boolean },
  done: (outcome: RenditionOutcome) => void,
): Promise<RenditionOutcome[]> {
  const rows = await target.photosWithoutRenditions();
  const outcomes: RenditionOutcome[] = [];
  await eachLimited(rows, options.concurrency, async (row) => {
    const outcome = await addOne(target, row, options);
    outcomes.push(outcome);
    done(outcome);
  });
  try {
    await target.flush();
  } catch (error) {
    if (!(error instanceof RowsNotWritten)) throw error;
    const unwritten = new Set(error.ids);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'added' || !unwritten.has(outcome.row.id)) continue;
      const failed: RenditionOutcome = {
        status: 'failed',
        row: outcome.row,
        reason: 'row-not-written',
        detail: error.message,
      };
      outcomes[i] = failed;
      done(failed);
    }
  }
  return outcomes;
}

async function addOne(
  target: Target,
  row: PhotoWithoutRenditions,
  options: { workDir: string; dryRun: boolean },
): Promise<RenditionOutcome> {
  const format = FORMATS[extname(row.original_key).toLowerCase()];
  if (format?.kind !== 'image') {
    return { status: 'failed', row, reason: 'corrupt', detail: 'not a photo original' };
  }
  const path = join(options.workDir, `${row.id}${extname(row.original_key)}`);
  try {
    try {
      await target.downloadObject(row.original_key, path);
    } catch (error) {
      throw new ImportError('unreadable', describe(error));
    }
    const { size, mtimeMs } = await stat(path);
    const file: SourceFile = { path, name: row.original_key, size, mtimeMs, ...format };
    const { renditions } = await readPhoto(file, { workDir: options.workDir });
    if (options.dryRun) return { status: 'would-add', row };
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
    return { status: 'added', row };
  } catch (error) {
    const reason = error instanceof ImportError ? error.reason : 'upload-failed';
    return { status: 'failed', row, reason, detail: describe(error) };
  } finally {
    await rm(path, { force: true });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
