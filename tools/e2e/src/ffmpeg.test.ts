import { describe, expect, it } from 'vitest';
import { readFfmpegLog } from './ffmpeg.ts';

describe('reading an ffmpeg log', () => {
  it('takes the last frame count of the progress lines', () => {
    const log =
      'frame=   46 fps=0.0 q=-0.0 size=N/A time=00:00:01.88\rframe=  150 fps=0.0 q=-0.0 Lsize=N/A time=00:00:06.04\n';
    expect(readFfmpegLog(log, 0)).toMatchObject({ frames: 150, errors: [] });
  });

  it('reports a segment that failed to load, though ffmpeg exits 0', () => {
    const log = [
      '[http @ 0x1] HTTP error 403 Forbidden',
      '[hls @ 0x2] Failed to open segment 1 of playlist 0',
      'frame=  100 fps=0.0 q=-0.0 Lsize=N/A time=00:00:04.00',
    ].join('\n');
    const playback = readFfmpegLog(log, 0);
    expect(playback.frames).toBe(100);
    expect(playback.errors).toEqual([
      '[http @ 0x1] HTTP error 403 Forbidden',
      '[hls @ 0x2] Failed to open segment 1 of playlist 0',
    ]);
  });

  it('has no frame count when nothing was decoded', () => {
    expect(readFfmpegLog('http://x: Connection refused\n', 1)).toMatchObject({
      frames: undefined,
      errors: ['http://x: Connection refused'],
    });
  });
});
