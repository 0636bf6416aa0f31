import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackfillStep } from './backfill.ts';
import {
  hlsContentType,
  STORYBOARD_IMAGE,
  STORYBOARD_INDEX,
  writeStoryboard,
} from './storyboard.ts';
import { VIDEOS_WITH_HLS, type VideoWithHls } from './target.ts';
import { probeVideo } from './video.ts';

// Videos imported before seek previews existed: a storyboard from the stored original,
// beside the HLS ladder. No column records it: the index (storyboard.vtt) is stored after
// the sprite, so its presence means both are there, and it is what the page reads first.
// An interrupted run leaves no index, and the next run makes that video's storyboard again.

export const storyboardKey = (videoId: string, name: string) => `hls/${videoId}/${name}`;

export const videoStoryboards: BackfillStep<VideoWithHls, string> = {
  original: 'video',
  async missing(target) {
    const rows: VideoWithHls[] = [];
    for (const row of await target.rows(VIDEOS_WITH_HLS)) {
      if (!(await target.hasObject(storyboardKey(row.video_id!, STORYBOARD_INDEX)))) rows.push(row);
    }
    return rows;
  },
  async read(row, original, dir) {
    // The row's numbers are the import's probe of the same picture (as displayed); the
    // duration may be missing in hand-written rows, so then the original is asked.
    const video =
      row.duration_sec && row.width && row.height
        ? { durationSec: row.duration_sec, width: row.width, height: row.height }
        : await probeVideo(original);
    await writeStoryboard(original.path, video, dir);
    return dir;
  },
  async add(target, row, dir) {
    for (const name of [STORYBOARD_IMAGE, STORYBOARD_INDEX]) {
      const local = join(dir, name);
      await target.putObject({
        key: storyboardKey(row.video_id!, name),
        body: { path: local, size: (await stat(local)).size },
        contentType: hlsContentType(name),
      });
    }
  },
};
