import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackfillStep } from './backfill.ts';
import { ladderObjects, store } from './importer.ts';
import { VIDEOS_TO_PROCESS, type VideoToProcess } from './target.ts';
import { posterOf, probeVideo, transcodeHls, type VideoProbe } from './video.ts';

// `gallery process`: an approved guest video plays from its original (Range) until this
// gives it the HLS ladder an import makes (video.ts: the same ladder, segments and seek
// previews). The item keeps its id — so its place and its `#/media/<id>` link in the
// gallery — and its original, which stays the download; only `video_id` (= the id), the
// picture's numbers and, when the guest's browser sent none, the poster are set. The
// ladder is stored first and the row names it last: an interrupted run leaves the row
// without a ladder (still playing its original), and the next run makes it again, byte for
// byte (the ladder is deterministic). Rows that have a ladder are never looked at again.

export const guestVideoLadders: BackfillStep<VideoToProcess, VideoProbe, { renditions: number }> = {
  original: 'guest-video',
  missing: (target) => target.rows(VIDEOS_TO_PROCESS),
  read: (_row, original) => probeVideo(original),
  async add(target, row, probe, original, dir) {
    const hlsDir = join(dir, 'hls');
    await mkdir(hlsDir);
    const files = await transcodeHls(original, probe, hlsDir);
    // The browser's poster when it sent one (the viewer kept it only if it was an image);
    // otherwise the import's poster frame.
    let thumbnailKey = row.thumbnail_key;
    if (!(await target.hasObject(thumbnailKey))) {
      thumbnailKey = `thumbnails/${row.id}.webp`;
      await target.putObject({
        key: thumbnailKey,
        body: { bytes: await posterOf(original, probe) },
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
    return { renditions: files.filter((f) => f.name.endsWith('/index.m3u8')).length };
  },
};
