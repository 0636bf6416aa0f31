import { mkdtemp, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ImportError, type ImportErrorReason } from './import-error.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import {
  hlsContentType,
  STORYBOARD_IMAGE,
  STORYBOARD_INDEX,
  writeStoryboard,
} from './storyboard.ts';
import type { Target, VideoWithHls } from './target.ts';
import { probeVideo } from './video.ts';

// `gallery renditions`, videos: those imported before seek previews existed get a
// storyboard from their stored original, beside their HLS ladder. No column records it:
// the index (storyboard.vtt) is stored after the sprite, so its presence means both are
// there, and it is what the page reads first. An interrupted run leaves no index, and the
// next run makes that video's storyboard again.

export type StoryboardOutcome =
  | { status: 'added' | 'would-add'; row: VideoWithHls }
  | { status: 'failed'; row: VideoWithHls; reason: ImportErrorReason; detail: string };

export const storyboardKey = (videoId: string, name: string) => `hls/${videoId}/${name}`;

export async function addStoryboards(
  target: Target,
  options: { workDir: string; dryRun: boolean; videoBlocker?: string | undefined },
  done: (outcome: StoryboardOutcome) => void,
): Promise<StoryboardOutcome[]> {
  const outcomes: StoryboardOutcome[] = [];
  // One at a time: ffmpeg already uses every core.
  for (const row of await target.videosWithHls()) {
    if (await target.hasObject(storyboardKey(row.video_id!, STORYBOARD_INDEX))) continue;
    const outcome: StoryboardOutcome = options.videoBlocker
      ? { status: 'failed', row, reason: 'ffmpeg-missing', detail: options.videoBlocker }
      : await addOne(target, row, options);
    outcomes.push(outcome);
    done(outcome);
  }
  return outcomes;
}

async function addOne(
  target: Target,
  row: VideoWithHls,
  options: { workDir: string; dryRun: boolean },
): Promise<StoryboardOutcome> {
  const format = FORMATS[extname(row.original_key).toLowerCase()];
  if (format?.kind !== 'video') {
    return { status: 'failed', row, reason: 'corrupt', detail: 'not a video original' };
  }
  const dir = await mkdtemp(join(options.workDir, `${row.id}-`));
  const path = join(dir, `original${extname(row.original_key)}`);
  try {
    try {
      await target.downloadObject(row.original_key, path);
    } catch (error) {
      throw new ImportError('unreadable', describe(error));
    }
    const { size, mtimeMs } = await stat(path);
    const file: SourceFile = { path, name: row.original_key, size, mtimeMs, ...format };
    // The row's numbers are the import's probe of the same picture (as displayed); the
    // duration may be missing in hand-written rows, so then the original is asked.
    const video =
      row.duration_sec && row.width && row.height
        ? { durationSec: row.duration_sec, width: row.width, height: row.height }
        : await probeVideo(file);
    await writeStoryboard(path, video, dir);
    if (options.dryRun) return { status: 'would-add', row };
    for (const name of [STORYBOARD_IMAGE, STORYBOARD_INDEX]) {
      const local = join(dir, name);
      await target.putObject({
        key: storyboardKey(row.video_id!, name),
        body: { path: local, size: (await stat(local)).size },
        contentType: hlsContentType(name),
      });
    }
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
