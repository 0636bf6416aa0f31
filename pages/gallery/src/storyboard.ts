// Seek previews: the WebVTT index `gallery import` writes beside a video's HLS ladder
// (hls/<videoId>/storyboard.vtt), each cue naming a tile of one sprite image by a media
// fragment (`storyboard.jpg#xywh=x,y,w,h`). Both are fetched from the video worker with
// the playback token, like the playlists: the worker verifies it, then redirects to a
// presigned URL, streams, or redirects to the public base, as for segments. Relative
// image URIs are resolved against the index's worker URL (not the storage URL a redirect
// led to) and carry the same token.

export type StoryboardCue = {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  width: number;
  height: number;
};

export function storyboardUrl(videoApiBase: string, videoId: string, query: string): string {
  const base = videoApiBase.replace(/\/+$/, '');
  return `${base}/api/hls/${encodeURIComponent(videoId)}/storyboard.vtt?${query.replace(/^\?/, '')}`;
}

/** The cues of a storyboard index, in time order; cues that name no tile are skipped. */
export function parseStoryboard(text: string, indexUrl: string): StoryboardCue[] {
  const index = new URL(indexUrl);
  const cues: StoryboardCue[] = [];
  for (const block of text.replace(/^\uFEFF/, '').split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((line) => line.trim() !== '');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0) continue;
    const [from, to] = lines[timing]!.split('-->').map((part) =>
      seconds(part.trim().split(/\s/)[0]!),
    );
    const payload = lines[timing + 1]?.trim();
    const match = payload && /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(payload);
    if (!match || from === undefined || to === undefined) continue;
    const url = new URL(match[1]!, index);
    // A relative URI is another object under the same token scope: same query.
    if (url.origin === index.origin && url.search === '') url.search = index.search;
    cues.push({
      start: from,
      end: to,
      url: url.href,
      x: Number(match[2]),
      y: Number(match[3]),
      width: Number(match[4]),
      height: Number(match[5]),
    });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** `hh:mm:ss.ttt` or `mm:ss.ttt` → seconds. */
function seconds(stamp: string): number | undefined {
  const match = /^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$/.exec(stamp);
  if (!match) return undefined;
  const [, h, m, s, ms] = match;
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/** The cue showing `time` (the last one starting at or before it). */
export function cueAt(cues: readonly StoryboardCue[], time: number): StoryboardCue | undefined {
  let low = 0;
  let high = cues.length - 1;
  let found: StoryboardCue | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (cues[mid]!.start <= time) {
      found = cues[mid];
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found ?? cues[0];
}
