// The import as an owner runs it: the CLI as a separate process, over a folder of generated
// photos and a video, into a temporary local state (never the developer's .state), read
// back the way the viewer reads it.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, openLocalState } from '@edge-gallery/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFfmpeg } from './ffmpeg.ts';
import { heifConvertMissing } from './heic.ts';
import {
  probeFrames,
  type Run,
  serveBucket,
  snapshot,
  startCli as startCliIn,
} from './test-cli.ts';
import { writeAt, writeHeic, writePhoto, writeVideo } from './test-media.ts';
import { isFaststart } from './video.ts';

let root: string;

const startCli = (args: string[], env?: NodeJS.ProcessEnv) => startCliIn(root, args, env);
const runCli = (args: string[], env?: NodeJS.ProcessEnv) => startCli(args, env).result;

const library = () => join(root, 'library');

// Without ffmpeg there is no video to import: these tests are skipped (vitest counts them)
// and the CI script installs Debian's ffmpeg first.
const ffmpegMissing = missingFfmpeg();
// Likewise libheif-examples (heif-enc makes the HEIC, heif-convert reads it).
const heifMissing = heifConvertMissing() !== undefined || !findExecutable('heif-enc');

beforeAll(async () => {
  if (ffmpegMissing) return;
  root = await mkdtemp(join(tmpdir(), 'gallery-cli-'));
  await mkdir(join(root, 'tmp'));
  const dir = library();
  // Orientations 1, 6, 3, 8; dates with and without an offset or sub-seconds; none (the
  // file's time) for a scan and a screenshot; one photo in a subfolder.
  const LANDSCAPE = { width: 1600, height: 1000 };
  const at = (date: string, offset?: string) => (offset ? { date, offset } : { date });
  const photos: [string, Omit<Parameters<typeof writePhoto>[0], 'path'>][] = [
    ['beach.jpg', { ...LANDSCAPE, orientation: 1, taken: at('2024:06:01 10:00:00', '+02:00') }],
    ['cliff.jpg', { ...LANDSCAPE, orientation: 6, taken: at('2024:06:01 06:30:00') }],
    [
      'dinner.jpg',
      { ...LANDSCAPE, orientation: 3, taken: { ...at('2024:06:02 19:15:00'), subSec: '5' } },
    ],
    ['dog.jpg', { width: 1000, height: 1600, orientation: 8, taken: at('2024:05:30 12:00:00') }],
    ['scan.jpg', { width: 1200, height: 900, mtime: '2001-09-09T01:46:40.000Z' }],
    [
      'screenshot.png',
      { width: 800, height: 600, format: 'png', mtime: '2024-06-03T00:00:00.000Z' },
    ],
    [
      'trip/tent.jpg',
      { width: 1600, height: 1200, orientation: 1, taken: at('2024:05:31 21:00:00', '-04:00') },
    ],
  ];
  for (const [name, spec] of photos) {
    await writePhoto({ path: join(dir, name), noise: true, ...spec });
  }
  await copyFile(join(dir, 'beach.jpg'), join(dir, 'trip', 'beach-copy.jpg'));
  await writeAt(
    join(dir, 'broken.jpg'),
    Buffer.from('\xff\xd8\xff\xe0 not really a jpeg', 'latin1'),
  );
  await writeAt(join(dir, 'notes.txt'), 'packing list');
  await writeAt(join(dir, '.DS_Store'), 'finder');
  writeVideo(join(dir, 'sunset.mp4'), {
    seconds: 5,
    size: '854x480',
    createdAt: '2024-06-01T18:45:00Z',
  });
});

afterAll(() => root && rm(root, { recursive: true, force: true }));

// In the order the gallery lists them (taken_at, then id).
const expectedTitles = ['scan', 'dog', 'tent', 'cliff', 'beach', 'sunset', 'dinner', 'screenshot'];

describe.skipIf(ffmpegMissing)('gallery import into the local state (needs ffmpeg)', () => {
  // The import every test below looks at, run once: relative paths resolve against
  // INIT_CWD, where the owner typed the command.
  let firstRun: Run;
  let first: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    firstRun = await runCli(['import', 'library', '--state', 'state-a']);
    first = await snapshot(join(root, 'state-a'));
  });

  it('imports every photo and video, skipping and listing what it cannot import', () => {
    const run = firstRun;
    expect(run.stdout).toContain(`into local state ${join(root, 'state-a')}`);
    expect(run.stdout).toMatch(/^Imported 8 files \(.+\) in .+: [\d.]+ files\/s, [\d.]+ MB\/s$/m);
    expect(run.stdout).toContain('Already imported 0 · duplicates 1 · failed 1 · not media 1');
    expect(run.stdout).toMatch(/^ {2}broken\.jpg: corrupt: /m);
    expect(run.stdout).toContain('  notes.txt: unsupported file type');
    expect(run.stdout).toContain('duplicate  trip/beach-copy.jpg (same content as beach.jpg)');
    expect(run.stdout).not.toContain('.DS_Store');
    expect(run.code).toBe(1); // a file was not imported

    expect(first.rows).toHaveLength(8);
    const video = first.rows.find((row) => row.kind === 'video')!;
    expect(video).toMatchObject({
      title: 'sunset',
      width: 854,
      height: 480,
      duration_sec: 5,
      taken_at: '2024-06-01T18:45:00.000Z',
    });
    expect(video.video_id).toBe(video.id);
    expect(first.rows.find((row) => row.title === 'cliff')).toMatchObject({
      width: 1000,
      height: 1600,
    });
    const keys = first.objects.map((line) => line.split(' ')[0]);
    for (const row of first.rows) {
      expect(keys).toContain(row.original_key);
      expect(keys).toContain(row.thumbnail_key);
    }
    expect(keys).toContain(`hls/${video.video_id}/master.m3u8`);
    // Every photo has its display preview and high-DPR thumbnail; videos have neither.
    for (const row of first.rows.filter((r) => r.kind === 'image')) {
      expect(row).toMatchObject({
        preview_key: `previews/${row.id}.webp`,
        thumbnail_hd_key: `thumbnails/${row.id}-hd.webp`,
        motion_key: null,
      });
      expect(keys).toContain(row.preview_key);
      expect(keys).toContain(row.thumbnail_hd_key);
    }
    expect(video).toMatchObject({ preview_key: null, thumbnail_hd_key: null });
    expect(first.objects).toContainEqual(
      expect.stringMatching(/^originals\/\w+\.jpg \d+ \w+ image\/jpeg$/),
    );
    expect(first.objects).toContainEqual(
      expect.stringMatching(/^thumbnails\/\w+\.webp \d+ \w+ image\/webp$/),
    );
  });

  it('imports nothing the second time, and changes nothing', async () => {
    const run = await runCli(['import', join(root, 'library'), '--state', join(root, 'state-a')]);
    expect(run.stdout).toMatch(/^Imported 0 files /m);
    expect(run.stdout).toContain('Already imported 8 · duplicates 1 · failed 1 · not media 1');
    expect(await snapshot(join(root, 'state-a'))).toEqual(first);
  });

  it('`gallery renditions` gives older photos and videos what an import gives them now, and only once', async () => {
    const state = join(root, 'state-a');
    // Rows as an import before previews existed left them: no preview, no HD thumbnail;
    // objects as it left them: no storyboard beside the video's ladder.
    const { db, media, dispose } = await openLocalState(state);
    try {
      const photos = first.rows.filter((row) => row.kind === 'image');
      await db
        .prepare(
          "UPDATE media SET preview_key = NULL, thumbnail_hd_key = NULL WHERE kind = 'image'",
        )
        .bind()
        .run();
      await media.delete(
        photos.flatMap((row) => [row.preview_key as string, row.thumbnail_hd_key as string]),
      );
      const storyboard = first.objects
        .map((line) => line.split(' ')[0]!)
        .filter((key) => /^hls\/[^/]+\/storyboard\.(jpg|vtt)$/.test(key));
      expect(storyboard).toHaveLength(2);
      await media.delete(storyboard);
    } finally {
      await dispose();
    }
    const run = await runCli(['renditions', '--state', 'state-a']);
    expect(run.stdout).toMatch(/^7 photos given a preview and an HD thumbnail, 0 failed/m);
    expect(run.stdout).toMatch(/^added +originals\/[0-9a-f]{32}\.mp4 \(seek previews\)$/m);
    expect(run.stdout).toMatch(/^1 video given seek previews, 0 failed/m);
    expect(run.code).toBe(0);
    // The same objects, byte for byte (the storyboard made from the stored original is
    // the one the import made from the camera file), and the same rows as the import wrote.
    expect(await snapshot(state)).toEqual(first);

    const again = await runCli(['renditions', '--state', 'state-a']);
    expect(again.stdout).toContain('(every photo has them)');
    expect(again.stdout).toContain('(every video has them)');
  });

  it('is listed in date order, the way the viewer queries D1', async () => {
    const { db, dispose } = await openLocalState(join(root, 'state-a'));
    try {
      // workers/viewer/src/listing-query.ts, first page.
      const { results } = await db
        .prepare(
          'SELECT id, kind, title, taken_at, width, height, original_key, thumbnail_key, video_id, duration_sec FROM media ORDER BY taken_at, id LIMIT ?',
        )
        .bind(61)
        .all<{ title: string; taken_at: string }>();
      expect(results.map((row) => row.title)).toEqual(expectedTitles);
      expect(results.map((row) => row.taken_at)).toEqual([
        '2001-09-09T01:46:40.000Z',
        '2024-05-30T12:00:00.000Z',
        '2024-06-01T01:00:00.000Z',
        '2024-06-01T06:30:00.000Z',
        '2024-06-01T08:00:00.000Z',
        '2024-06-01T18:45:00.000Z',
        '2024-06-02T19:15:00.500Z',
        '2024-06-03T00:00:00.000Z',
      ]);
    } finally {
      await dispose();
    }
  });

  it('plays the video: ffmpeg reads every rendition over HTTP from the imported objects', async () => {
    const server = await serveBucket(join(root, 'state-a'));
    try {
      const video = first.rows.find((row) => row.kind === 'video')!;
      const base = `${server.url}/hls/${video.video_id}`;
      const master = await (await fetch(`${base}/master.m3u8`)).text();
      expect(master.match(/RESOLUTION=\d+x\d+/g)).toEqual([
        'RESOLUTION=854x480',
        'RESOLUTION=640x360',
        'RESOLUTION=428x240',
      ]);
      // Keyframes aligned: every rendition is cut into segments of the same durations.
      const durations = await Promise.all(
        ['480p', '360p', '240p'].map(async (name) => {
          const playlist = await (await fetch(`${base}/${name}/index.m3u8`)).text();
          expect(playlist).toContain('#EXT-X-MAP:URI=');
          return playlist.match(/#EXTINF:[\d.]+/g);
        }),
      );
      expect(durations[0]).toEqual(['#EXTINF:4.000000', '#EXTINF:1.000000']);
      expect(durations[1]).toEqual(durations[0]);
      expect(durations[2]).toEqual(durations[0]);

      const streams = await probeFrames(`${base}/master.m3u8`);
      const videoStreams = streams.filter((s) => s.codec_type === 'video');
      expect(videoStreams.map((s) => [s.width, s.height, s.nb_read_frames])).toEqual([
        [854, 480, '125'],
        [640, 360, '125'],
        [428, 240, '125'],
      ]);
      expect(streams.some((s) => s.codec_type === 'audio')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('ends, when killed half-way and run again, with exactly the state of an uninterrupted import', async () => {
    const state = join(root, 'state-b');
    const { child, result } = startCli(['import', 'library', '--state', 'state-b']);
    // Kill the whole process group (CLI and its workerd) without warning after 3 files.
    child.on('stdout', (out: string) => {
      if ((out.match(/^imported /gm) ?? []).length >= 3 && child.exitCode === null)
        process.kill(-child.pid!, 'SIGKILL');
    });
    const killed = await result;
    expect(killed.stdout).not.toContain('Imported ');
    const partial = await snapshot(state);
    expect(partial.rows.length).toBeGreaterThanOrEqual(3);
    expect(partial.rows.length).toBeLessThan(8);
    // Nothing half-imported is listed: every row's objects are there.
    const keys = new Set(partial.objects.map((line) => line.split(' ')[0]));
    for (const row of partial.rows) {
      expect(keys.has(row.original_key as string) && keys.has(row.thumbnail_key as string)).toBe(
        true,
      );
    }

    const resumed = await runCli(['import', 'library', '--state', 'state-b']);
    expect(resumed.stdout).toContain(`Already imported ${partial.rows.length} ·`);
    expect(await snapshot(state)).toEqual(first);
  });

  it('--dry-run checks everything and stores nothing', async () => {
    await writePhoto({ path: join(root, 'more', 'new.jpg'), width: 300, height: 200 });
    await copyFile(join(library(), 'beach.jpg'), join(root, 'more', 'beach.jpg'));
    const run = await runCli(['import', 'more', '--state', 'state-a', '--dry-run']);
    expect(run.stdout).toContain('Dry run: checking 2 files');
    expect(run.stdout).toContain('would import new.jpg');
    expect(run.stdout).toContain('exists     beach.jpg');
    expect(run.stdout).toMatch(/^Would import 1 files /m);
    expect(run.code).toBe(0);
    expect(await snapshot(join(root, 'state-a'))).toEqual(first);
  });

  it('says how to install ffmpeg when it is missing, and still imports the photos', async () => {
    writeVideo(join(root, 'phone', 'clip.mov'), {
      seconds: 1,
      size: '320x240',
      createdAt: '2024-07-01T00:00:00Z',
    });
    await writePhoto({ path: join(root, 'phone', 'photo.jpg'), width: 300, height: 200 });
    const run = await runCli(['import', 'phone', '--state', 'state-a', '--dry-run'], {
      PATH: '/nonexistent',
    });
    expect(run.stderr).toContain(
      '1 videos will not be imported: ffmpeg and ffprobe not found on PATH',
    );
    expect(run.stderr).toContain('sudo apt-get install ffmpeg');
    expect(run.stderr).toContain('brew install ffmpeg');
    expect(run.stdout).toContain('would import photo.jpg');
    expect(run.stdout).toMatch(/^ {2}clip\.mov: ffmpeg-missing: /m);
    expect(run.code).toBe(1);
  });
});

// An iPhone's camera roll: a HEVC HEIC, a Live Photo pair, and what a copy cut short leaves.
describe.skipIf(ffmpegMissing || heifMissing)(
  'iPhone media: HEIC, Live Photos, corrupt files (needs ffmpeg and libheif-examples)',
  () => {
    const phone = () => join(root, 'iphone');
    const LIVE_ID = 'A1B2C3D4-0000-4000-8000-000000000017';
    let run: Run;
    let state: Awaited<ReturnType<typeof snapshot>>;
    beforeAll(async () => {
      const dir = phone();
      await writeHeic({
        path: join(dir, 'IMG_0100.HEIC'),
        width: 600,
        height: 800,
        taken: { date: '2024:06:01 14:00:00', offset: '+02:00' },
      });
      // The Live Photo: a still and a MOV of the same second (the still has no maker
      // note here, so the capture second pairs them; the MOV carries Apple's identifier).
      await writePhoto({
        path: join(dir, 'IMG_0101.JPG'),
        width: 1200,
        height: 900,
        noise: true,
        taken: { date: '2024:06:01 14:05:07', offset: '+02:00', subSec: '25' },
      });
      writeVideo(join(dir, 'IMG_0101.MOV'), {
        seconds: 3,
        size: '640x480',
        createdAt: '2024-06-01T12:05:07.600Z',
        contentIdentifier: LIVE_ID,
      });
      // Cut short: half a HEIC, half a JPEG, half a MOV.
      const heic = await readFile(join(dir, 'IMG_0100.HEIC'));
      await writeAt(join(dir, 'cut/IMG_0200.HEIC'), heic.subarray(0, heic.length >> 1));
      const jpeg = await readFile(join(dir, 'IMG_0101.JPG'));
      await writeAt(join(dir, 'cut/IMG_0201.JPG'), jpeg.subarray(0, jpeg.length >> 1));
      const mov = await readFile(join(dir, 'IMG_0101.MOV'));
      await writeAt(join(dir, 'cut/IMG_0202.MOV'), mov.subarray(0, mov.length >> 1));
      run = await runCli(['import', 'iphone', '--state', 'state-phone']);
      state = await snapshot(join(root, 'state-phone'));
    });

    it('imports the HEIC upright with its date, a preview and thumbnails, the original byte for byte', async () => {
      const row = state.rows.find((r) => r.title === 'IMG_0100')!;
      expect(row).toMatchObject({
        kind: 'image',
        width: 600,
        height: 800,
        taken_at: '2024-06-01T12:00:00.000Z',
        original_key: `originals/${row.id}.heic`,
        preview_key: `previews/${row.id}.webp`,
        thumbnail_hd_key: `thumbnails/${row.id}-hd.webp`,
      });
      const { media: bucket, dispose } = await openLocalState(join(root, 'state-phone'));
      try {
        const original = await bucket.get(row.original_key as string);
        const source = await readFile(join(phone(), 'IMG_0100.HEIC'));
        expect(Buffer.from(await original!.arrayBuffer()).equals(source)).toBe(true);
        expect(original!.httpMetadata?.contentType).toBe('image/heic');
      } finally {
        await dispose();
      }
    });

    it('makes the Live Photo one item with a faststart H.264 motion clip, and no video', async () => {
      expect(run.stdout).toContain('1 Live Photos: each photo and its MOV become one item');
      expect(state.rows.filter((r) => r.kind === 'video')).toEqual([]);
      const row = state.rows.find((r) => r.title === 'IMG_0101')!;
      expect(row).toMatchObject({
        kind: 'image',
        taken_at: '2024-06-01T12:05:07.250Z',
        motion_key: `motion/${row.id}.mp4`,
      });
      expect(state.objects).toContainEqual(
        expect.stringMatching(new RegExp(`^motion/${row.id}\\.mp4 \\d+ \\w+ video/mp4$`)),
      );
      const clip = join(root, 'clip.mp4');
      const { media: bucket, dispose } = await openLocalState(join(root, 'state-phone'));
      try {
        const object = await bucket.get(row.motion_key as string);
        await writeAt(clip, Buffer.from(await object!.arrayBuffer()));
      } finally {
        await dispose();
      }
      expect(await isFaststart(clip)).toBe(true);
      const probe = spawnSync('ffprobe', [
        ...['-v', 'error', '-of', 'json', '-show_format'],
        ...['-show_entries', 'stream=codec_name,profile,pix_fmt,width,height'],
        clip,
      ]);
      const { streams, format } = JSON.parse(probe.stdout.toString()) as {
        streams: Record<string, unknown>[];
        format: { tags?: Record<string, string> };
      };
      expect(streams[0]).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 640 });
      // No source metadata (the identifier, GPS) is carried into the clip.
      expect(JSON.stringify(format.tags ?? {})).not.toContain(LIVE_ID);
    });

    it('reports every cut-short file with its reason, and lists nothing of them', () => {
      expect(run.stdout).toMatch(/^ {2}cut\/IMG_0200\.HEIC: corrupt: /m);
      expect(run.stdout).toMatch(/^ {2}cut\/IMG_0201\.JPG: corrupt: /m);
      expect(run.stdout).toMatch(/^ {2}cut\/IMG_0202\.MOV: corrupt: /m);
      expect(run.code).toBe(1);
      expect(state.rows.map((r) => r.title).sort()).toEqual(['IMG_0100', 'IMG_0101']);
      // Objects: two photos' renditions and originals and one motion clip, nothing else.
      expect(state.objects).toHaveLength(2 * 4 + 1);
    });

    it('without its MOV the same photo imports as a plain photo', async () => {
      await mkdir(join(root, 'still'), { recursive: true });
      await copyFile(join(phone(), 'IMG_0101.JPG'), join(root, 'still', 'IMG_0101.JPG'));
      const plain = await runCli(['import', 'still', '--state', 'state-still']);
      expect(plain.code).toBe(0);
      const { rows } = await snapshot(join(root, 'state-still'));
      const live = state.rows.find((r) => r.title === 'IMG_0101')!;
      expect(rows).toEqual([{ ...live, motion_key: null }]);
    });
  },
);
