import { mkdtemp, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ImportError, type ImportErrorReason } from './import-error.ts';
import { eachLimited } from './importer.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import { flushRows, type Target } from './target.ts';

// Rows that lack something an import makes today get it from their stored original,
// without importing anything again: `gallery renditions` (a photo's preview and HD
// thumbnail, a video's seek previews) and `gallery process` (a guest video's HLS ladder).
// One runner for each such backfill; the step says which rows, what it reads and what it
// adds. Objects are stored before a row names them (as in an import), so an interrupted run
// leaves rows as they were and the next run picks the same ones up.

export type BackfillRow = { id: string; original_key: string };

export type BackfillOutcome<Row extends BackfillRow, Added = unknown> =
  | { status: 'added'; row: Row; added: Added; seconds: number }
  | { status: 'would-add'; row: Row }
  | { status: 'failed'; row: Row; reason: ImportErrorReason; detail: string };

export type BackfillStep<Row extends BackfillRow, Read, Added = void> = {
  /**
   * The originals the rows hold: a photo or a video as an import takes them (scan.ts), or
   * whatever a guest uploaded as a video (MP4, MOV, M4V, 3GP, WebM: ffmpeg reads them all by
   * their content).
   */
  original: 'image' | 'video' | 'guest-video';
  /** The rows that lack what the step adds. */
  missing(target: Target): Promise<Row[]>;
  /** Reads the original, downloaded into `dir` (removed afterwards): all a dry run does. */
  read(row: Row, original: SourceFile, dir: string): Promise<Read>;
  /** Makes what the row lacks and stores it, the row naming it last (not on a dry run). */
  add(target: Target, row: Row, read: Read, original: SourceFile, dir: string): Promise<Added>;
};

export type BackfillOptions = {
  /** Rows worked on at once (ffmpeg steps want 1: it already uses every core). */
  concurrency: number;
  workDir: string;
  dryRun: boolean;
  /** Why no row can be done here (a missing tool): each fails with it. */
  blocker?: { reason: ImportErrorReason; detail: string } | undefined;
};

export async function backfill<Row extends BackfillRow, Read, Added>(
  target: Target,
  step: BackfillStep<Row, Read, Added>,
  options: BackfillOptions,
  done: (outcome: BackfillOutcome<Row, Added>) => void,
): Promise<BackfillOutcome<Row, Added>[]> {
  const outcomes: BackfillOutcome<Row, Added>[] = [];
  await eachLimited(await step.missing(target), options.concurrency, async (row) => {
    const outcome: BackfillOutcome<Row, Added> = options.blocker
      ? { status: 'failed', row, ...options.blocker }
      : await backfillOne(target, step, row, options);
    outcomes.push(outcome);
    done(outcome);
  });
  // Reported as added when the row was queued; a row that never reached D1 names nothing.
  const unwritten = await flushRows<BackfillOutcome<Row, Added>>(
    target,
    outcomes,
    (outcome) => (outcome.status === 'added' ? outcome.row.id : undefined),
    (outcome, detail) => ({
      status: 'failed',
      row: outcome.row,
      reason: 'row-not-written',
      detail,
    }),
  );
  for (const outcome of unwritten) done(outcome);
  return outcomes;
}

async function backfillOne<Row extends BackfillRow, Read, Added>(
  target: Target,
  step: BackfillStep<Row, Read, Added>,
  row: Row,
  options: BackfillOptions,
): Promise<BackfillOutcome<Row, Added>> {
  const started = Date.now();
  const format = formatOf(step.original, extname(row.original_key));
  if (!format) {
    const detail = step.original === 'image' ? 'not a photo original' : 'not a video original';
    return { status: 'failed', row, reason: 'corrupt', detail };
  }
  const dir = await mkdtemp(join(options.workDir, `${row.id}-`));
  const path = join(dir, `original.${format.ext}`);
  try {
    try {
      await target.downloadObject(row.original_key, path);
    } catch (error) {
      throw new ImportError('unreadable', describe(error));
    }
    const { size, mtimeMs } = await stat(path);
    const original: SourceFile = { path, name: row.original_key, size, mtimeMs, ...format };
    const read = await step.read(row, original, dir);
    if (options.dryRun) return { status: 'would-add', row };
    const added = await step.add(target, row, read, original, dir);
    return { status: 'added', row, added, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const reason = error instanceof ImportError ? error.reason : 'upload-failed';
    return { status: 'failed', row, reason, detail: describe(error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function formatOf(original: BackfillStep<BackfillRow, unknown>['original'], extension: string) {
  if (original === 'guest-video') {
    const ext = extension.slice(1).toLowerCase() || 'mp4';
    return { kind: 'video' as const, ext, contentType: 'application/octet-stream' };
  }
  const format = FORMATS[extension.toLowerCase()];
  return format?.kind === original ? format : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
