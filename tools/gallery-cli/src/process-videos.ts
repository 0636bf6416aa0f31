import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ImportError, type ImportErrorReason } from './import-error.ts';
import { ladderObjects, store } from './importer.ts';
import type { SourceFile } from './scan.ts';
import { RowsNotWritten, type Target, type VideoToProcess } from './target.ts';
import { posterOf, probeVideo, transcodeHls } from './video.ts';

// `gallery process`: an approved guest video plays from its original (Range) until this
// gives it the HLS ladder an import makes (video.ts: the same ladder, segments and seek
// previews). The item keeps its id — so its place and its `#/media/<id>` link in the
// gallery — and its original, which stays the download; only `video_id` (= the id), the
// picture's numbers and, when the guest's browser sent none, the poster are set. The
// ladder is stored first and the row names it last: an interrupted run leaves the row
// without a ladder (still playing its original), and the next run makes it again, byte for
// byte (the ladder is deterministic). Rows that have a ladder are never looked at again.

export type ProcessOutcome =
  | { status: 'processed'; row: VideoToProcess; renditions: number; seconds: number }
  | { status: 'would-process'; row: VideoToProcess }
  | { status: 'failed'; row: VideoToProcess; reason: ImportErrorReason; detail: string };

export async function processVideos(
  target: Target,
  options: { workDir: string; dryRun: boolean; videoBlocker?: string | undefined },
  done: (outcome: ProcessOutcome) => void,
): Promise<ProcessOutcome[]> {
  const outcomes: ProcessOutcome[] = [];
  // One at a time: ffmpeg already uses every core.
  for (const row of await target.videosToProcess()) {
    const outcome: ProcessOutcome = options.videoBlocker
      ? { status: 'failed', row, reason: 'ffmpeg-missing', detail: options.videoBlocker }
      : await processOne(target, row, options);
    outcomes.push(outcome);
    done(outcome);
  }
  try {
    await target.flush();
  } catch (error) {
    if (!(error instanceof RowsNotWritten)) throw error;
    const unwritten = new Set(error.ids);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status !== 'processed' || !unwritten.has(outcome.row.id)) continue;
      const failed: ProcessOutcome = {
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

async function processOne(
  target: Target,
  row: VideoToProcess,
  options: { workDir: string; dryRun: boolean },
): Promise<ProcessOutcome> {
  const started = Date.now();
  const dir = await mkdtemp(join(options.workDir, `${row.id}-`));
  // Guests upload MP4, MOV, M4V, 3GP and WebM; ffmpeg reads them all by their content.
  const ext = extname(row.original_key).slice(1).toLowerCase() || 'mp4';
  const path = join(dir, `original.${ext}`);
  try {
    try {
      await target.downloadObject(row.original_key, path);
    } catch (error) {
      throw new ImportError('unreadable', describe(error));
    }
    const { size, mtimeMs } = await stat(path);
    const file: SourceFile = {
      path,
      name: row.original_key,
      size,
      mtimeMs,
      kind: 'video',
      ext,
      contentType: 'application/octet-stream',
    };
    const probe = await probeVideo(file);
    if (options.dryRun) return { status: 'would-process', row };
    const hlsDir = join(dir, 'hls');
    await mkdir(hlsDir);
    const files = await transcodeHls(file, probe, hlsDir);
    // The browser's poster when it sent one (the viewer kept it only if it was an image);
    // otherwise the import's poster frame.
    let thumbnailKey = row.thumbnail_key;
    if (!(await target.hasObject(thumbnailKey))) {
      thumbnailKey = `thumbnails/${row.id}.webp`;
      await target.putObject({
        key: thumbnailKey,
        body: { bytes: await posterOf(file, probe) },
        contentType: 'image/webp',
      });
    }
    await store(target, ladderObjects(row.id, hlsDir, files));
    await target.setVideoLadder(row.id, {
      video_id: row.id,
      width: probe.width,
      height: probe.height,
      duration_sec: probe.durationSec,
      thumbnail_key: thumbnailKey,
    });
    return {
      status: 'processed',
      row,
      renditions: files.filter((f) => f.name.endsWith('/index.m3u8')).length,
      seconds: (Date.now() - started) / 1000,
    };
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
