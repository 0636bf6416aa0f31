import { mkdtemp, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ImportError, type ImportErrorReason } from './import-error.ts';
import { eachLimited } from './importer.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import { RowsNotWritten, type Target } from './target.ts';

// `gallery renditions`: rows imported before something existed (a photo's preview and HD
// thumbnail, a video's seek previews) get it from their stored original, without importing
// anything again. One runner for each such backfill; the step says what is missing and
// how to make and store it. Objects are stored before a row names them (as in an import),
// so an interrupted run leaves rows as they were and the next run picks the same ones up.

export type BackfillRow = { id: string; original_key: string };

export type BackfillOutcome<Row extends BackfillRow> =
  | { status: 'added' | 'would-add'; row: Row }
  | { status: 'failed'; row: Row; reason: ImportErrorReason; detail: string };

export type BackfillStep<Row extends BackfillRow, Made> = {
  /** The kind of original the rows hold. */
  kind: 'image' | 'video';
  /** The rows that lack what the step makes. */
  missing(target: Target): Promise<Row[]>;
  /** Makes it from the original, downloaded into `dir` (removed afterwards). */
  make(row: Row, original: SourceFile, dir: string): Promise<Made>;
  /** Stores what `make` made (not on a dry run). */
  store(target: Target, row: Row, made: Made): Promise<void>;
};

export type BackfillOptions = {
  /** Rows worked on at once (ffmpeg steps want 1: it already uses every core). */
  concurrency: number;
  workDir: string;
  dryRun: boolean;
  /** Why no row can be done here (a missing tool): each fails with it. */
  blocker?: { reason: ImportErrorReason; detail: string } | undefined;
};

export async function backfill<Row extends BackfillRow, Made>(
  target: Target,
  step: BackfillStep<Row, Made>,
  options: BackfillOptions,
  done: (outcome: BackfillOutcome<Row>) => void,
): Promise<BackfillOutcome<Row>[]> {
  const outcomes: BackfillOutcome<Row>[] = [];
  await eachLimited(await step.missing(target), options.concurrency, async (row) => {
    const outcome: BackfillOutcome<Row> = options.blocker
      ? { status: 'failed', row, ...options.blocker }
      : await backfillOne(target, step, row, options);
    outcomes.push(outcome);
    done(outcome);
  });
  try {
    await target.flush();
  } catch (error) {
    if (!(error instanceof RowsNotWritten)) throw error;
    // Reported as added when the row was queued; a row that never reached D1 names nothing.
    const unwritten = new Set(error.ids);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'added' || !unwritten.has(outcome.row.id)) continue;
      const failed: BackfillOutcome<Row> = {
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

async function backfillOne<Row extends BackfillRow, Made>(
  target: Target,
  step: BackfillStep<Row, Made>,
  row: Row,
  options: BackfillOptions,
): Promise<BackfillOutcome<Row>> {
  const extension = extname(row.original_key);
  const format = FORMATS[extension.toLowerCase()];
  if (format?.kind !== step.kind) {
    const detail = step.kind === 'image' ? 'not a photo original' : 'not a video original';
    return { status: 'failed', row, reason: 'corrupt', detail };
  }
  const dir = await mkdtemp(join(options.workDir, `${row.id}-`));
  const path = join(dir, `original${extension}`);
  try {
    try {
      await target.downloadObject(row.original_key, path);
    } catch (error) {
      throw new ImportError('unreadable', describe(error));
    }
    const { size, mtimeMs } = await stat(path);
    const made = await step.make(
      row,
      { path, name: row.original_key, size, mtimeMs, ...format },
      dir,
    );
    if (options.dryRun) return { status: 'would-add', row };
    await step.store(target, row, made);
    return { status: 'added', row };
  } catch (error) {
    const reason = error instanceof ImportError ? error.reason : 'upload-failed';
    return { status: 'failed', row, reason, detail: describe(error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
