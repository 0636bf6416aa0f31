import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFfmpeg } from './ffmpeg.ts';
import { FORMATS, type SourceFile } from './scan.ts';
import { writeVideo } from './test-media.ts';
import {
  faststartOriginal,
  hlsArgs,
  isFaststart,
  ladderFor,
  parseProbe,
  SEGMENT_SECONDS,
  type VideoProbe,
} from './video.ts';

describe('HLS ladder', () => {
  it.each([
    [3840, 2160, ['1080p', '720p', '480p']],
    [1920, 1080, ['1080p', '720p', '480p']],
    [1080, 1920, ['1080p', '720p', '480p']],
    [1280, 720, ['720p', '480p', '360p']],
    [960, 540, ['480p', '360p', '240p']],
    [640, 360, ['360p', '240p']],
    [320, 240, ['240p']],
    [176, 144, ['144p']],
  ])('%ix%i → %j (never upscaled)', (w, h, names) => {
    expect(ladderFor(w, h).map((r) => r.name)).toEqual(names);
  });

  const probe: VideoProbe = {
    width: 1080,
    height: 1920,
    durationSec: 10,
    fps: 29.97,
    hasAudio: true,
    createdAt: undefined,
  };

  it('encodes every rendition with keyframes on the same segment boundaries', () => {
    const args = hlsArgs('in.mov', probe, ladderFor(probe.width, probe.height)).join(' ');
    expect(args).toContain(`-force_key_frames expr:gte(t,n_forced*${SEGMENT_SECONDS})`);
    expect(args).toContain('-sc_threshold 0');
    expect(args).toContain('-x264-params sliced-threads=1');
    expect(args).toContain(`-g ${Math.round(29.97 * SEGMENT_SECONDS)}`);
    expect(args).toContain(
      `-hls_time ${SEGMENT_SECONDS} -hls_playlist_type vod -hls_segment_type fmp4`,
    );
    expect(args).toContain(
      '-var_stream_map v:0,a:0,name:1080p v:1,a:1,name:720p v:2,a:2,name:480p',
    );
  });

  it('scales portrait video by its width, landscape by its height', () => {
    expect(hlsArgs('in.mov', probe, ladderFor(1080, 1920)).join(' ')).toContain('[s1]scale=720:-2');
    const landscape = { ...probe, width: 1920, height: 1080 };
    expect(hlsArgs('in.mov', landscape, ladderFor(1920, 1080)).join(' ')).toContain(
      '[s1]scale=-2:720',
    );
  });

  it('leaves the source metadata (GPS) out and maps no audio when there is none', () => {
    const args = hlsArgs('in.mp4', { ...probe, hasAudio: false }, ladderFor(640, 360));
    expect(args.join(' ')).toContain('-map_metadata -1');
    expect(args).not.toContain('0:a:0');
    expect(args.join(' ')).toContain('-var_stream_map v:0,name:360p v:1,name:240p');
  });
});

describe('ffprobe output', () => {
  it('swaps width and height of video recorded sideways', () => {
    const probe = parseProbe({
      streams: [
        {
          codec_type: 'video',
          width: 1920,
          height: 1080,
          avg_frame_rate: '30000/1001',
          side_data_list: [{ rotation: -90 }],
        },
        { codec_type: 'audio' },
      ],
      format: {
        duration: '12.3456',
        tags: {
          'com.apple.quicktime.creationdate': '2024-06-01T14:03:07+0200',
          'com.apple.quicktime.content.identifier': 'A1B2C3D4-0000-4000-8000-000000000001',
        },
      },
    });
    expect(probe).toEqual({
      contentIdentifier: 'A1B2C3D4-0000-4000-8000-000000000001',
      width: 1080,
      height: 1920,
      durationSec: 12.346,
      fps: 30000 / 1001,
      hasAudio: true,
      createdAt: '2024-06-01T12:03:07.000Z',
    });
  });

  it('ignores zero creation dates and rejects files without a video stream', () => {
    const probe = parseProbe({
      streams: [
        {
          codec_type: 'video',
          width: 640,
          height: 480,
          avg_frame_rate: '0/0',
          r_frame_rate: '25/1',
        },
      ],
      format: { duration: '1', tags: { creation_time: '1970-01-01T00:00:00.000000Z' } },
    });
    expect(probe).toMatchObject({ createdAt: undefined, fps: 25, hasAudio: false });
    expect(() =>
      parseProbe({ streams: [{ codec_type: 'audio' }], format: { duration: '3' } }),
    ).toThrow(/no video stream/);
  });
});

describe.skipIf(missingFfmpeg())('downloadable original (needs ffmpeg)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gallery-video-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is remuxed so that moov comes first (faststart), without re-encoding', async () => {
    const path = join(dir, 'camera.mp4');
    writeVideo(path, { seconds: 1, size: '320x240', createdAt: '2024-06-01T08:30:00Z' });
    expect(await isFaststart(path)).toBe(false);
    const { size, mtimeMs } = await stat(path);
    const file: SourceFile = { path, name: 'camera.mp4', size, mtimeMs, ...FORMATS['.mp4']! };
    const original = await faststartOriginal(file, dir);
    expect(original.path).not.toBe(path);
    expect(await isFaststart(original.path)).toBe(true);
    expect(Math.abs(original.size - size)).toBeLessThan(size * 0.05);
    // Already faststart: kept byte for byte.
    const again = await faststartOriginal(
      { ...file, path: original.path, size: original.size },
      dir,
    );
    expect(again.path).toBe(original.path);
  });
});
