// `gallery process` as the owner runs it: approved guest videos, stored as the viewer's
// upload route leaves them (original under uploads/<id>/, row with no video id), are given
// the import's HLS ladder in a temporary local state (Miniflare, the workers' bindings),
// then played by ffmpeg from the stored objects.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, mediaRow, openLocalState } from '@edge-gallery/stack';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingFfmpeg } from './ffmpeg.ts';
import { insertStatement } from './target.ts';
import { probeFrames, type Run, serveBucket, snapshot, startCli } from './test-cli.ts';

const ffmpegMissing = missingFfmpeg();
let root: string;
const state = () => join(root, 'state');
const runCli = (args: string[]) => startCli(root, args).result;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// Upload ids as the viewer makes them (base64url), in the order the CLI takes them.
const PHONE = 'A1phoneMp4_guestUpload'; // listed, with the poster the browser made
const MOV = 'B2quicktimeMov-hidden_'; // approved, then hidden by the owner; no poster
const PENDING = 'C3stillWaitingForOwner'; // not approved: left alone
const BROKEN = 'D4textNamedMp4________'; // listed, but its bytes are no video

/**
 * A phone's clip: H.264 High stored sideways with a 90° rotation in its track header (a
 * portrait video as displayed), AAC 44.1 kHz, Apple's creation date and location tags, and
 * `moov` at the end as phones write it. Small, so the ladder is made in seconds.
 */
async function phoneVideo(
  path: string,
  format: 'mp4' | 'mov',
  size: string,
  seconds: number,
  sideways: boolean,
): Promise<void> {
  const result = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30:duration=${seconds}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-ac', '2'],
      ...['-movflags', 'use_metadata_tags'],
      ...['-metadata', 'com.apple.quicktime.creationdate=2024-06-01T21:14:03+0200'],
      ...['-metadata', 'com.apple.quicktime.location.ISO6709=+48.8584+002.2945+035.000/'],
      ...['-f', format, path],
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${path}: ${result.stderr}`);
  if (sideways) await rotateVideoTrack(path);
}

/**
 * Writes a 90° display matrix into the first track header (the video's), as a phone held
 * upright does. Debian's ffmpeg 5.1 writes none (`rotate` metadata is ignored before 6.0's
 * `-display_rotation`). tkhd version 0: the matrix starts 48 bytes into the box.
 */
async function rotateVideoTrack(path: string): Promise<void> {
  const bytes = await readFile(path);
  const box = bytes.indexOf('tkhd') - 4;
  if (box < 0 || bytes[box + 8] !== 0) throw new Error(`no version 0 tkhd in ${path}`);
  const matrix = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000];
  matrix.forEach((value, i) => {
    bytes.writeInt32BE(value, box + 48 + 4 * i);
  });
  await writeFile(path, bytes);
}

const files = () => ({
  phone: join(root, 'IMG_0412.MP4'),
  mov: join(root, 'IMG_0413.MOV'),
});

/** Rows and objects as POST /api/uploads/<id>/complete and the owner's approve leave them. */
async function seedGuestUploads(): Promise<void> {
  await applyMigrations(state());
  const { db, media, dispose } = await openLocalState(state());
  try {
    const upload = async (
      id: string,
      spec: {
        bytes: Uint8Array;
        ext: string;
        type: string;
        state: 'listed' | 'hidden' | 'pending';
      },
    ) => {
      const original = `uploads/${id}/original.${spec.ext}`;
      await media.put(original, spec.bytes, { httpMetadata: { contentType: spec.type } });
      const { sql, params } = insertStatement(
        mediaRow({
          id,
          kind: 'video',
          title: id,
          taken_at: '2024-06-01T19:14:03.000Z',
          // What the guest's browser measured (<video>.videoWidth/Height, duration).
          width: 540,
          height: 960,
          bytes: spec.bytes.byteLength,
          original_key: original,
          thumbnail_key: `uploads/${id}/thumbnail.jpg`,
          video_id: null,
          duration_sec: 2,
          state: spec.state,
          uploaded_by: 'device-of-a-guest',
        }),
      );
      await db
        .prepare(sql)
        .bind(...params)
        .run();
    };
    const phone = await readFile(files().phone);
    await upload(PHONE, { bytes: phone, ext: 'mp4', type: 'video/mp4', state: 'listed' });
    // The poster the browser drew from the video and PUT beside the original.
    const poster = await sharp({
      create: { width: 270, height: 480, channels: 3, background: '#c33' },
    })
      .jpeg()
      .toBuffer();
    await media.put(`uploads/${PHONE}/thumbnail.jpg`, poster);
    await upload(MOV, {
      bytes: await readFile(files().mov),
      ext: 'mov',
      type: 'video/quicktime',
      state: 'hidden',
    });
    await upload(PENDING, { bytes: phone, ext: 'mp4', type: 'video/mp4', state: 'pending' });
    await upload(BROKEN, {
      bytes: new TextEncoder().encode('\0\0\0\x18ftypmp42 but then just text'),
      ext: 'mp4',
      type: 'video/mp4',
      state: 'listed',
    });
  } finally {
    await dispose();
  }
}

beforeAll(async () => {
  if (ffmpegMissing) return;
  root = await mkdtemp(join(tmpdir(), 'gallery-process-'));
  await mkdir(join(root, 'tmp'));
  await phoneVideo(files().phone, 'mp4', '960x540', 2, true);
  await phoneVideo(files().mov, 'mov', '640x480', 2, false);
  await seedGuestUploads();
});

afterAll(() => root && rm(root, { recursive: true, force: true }));

describe.skipIf(ffmpegMissing)('gallery process: approved guest videos get the HLS ladder', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  let processed: Awaited<ReturnType<typeof snapshot>>;
  let resumed: Run;

  beforeAll(async () => {
    before = await snapshot(state());
  });

  it('--dry-run reads every approved video and stores nothing', async () => {
    const run = await runCli(['process', '--state', 'state', '--dry-run']);
    expect(run.stdout).toContain(`would process ${PHONE} [uploads/${PHONE}/original.mp4]`);
    expect(run.stdout).toContain(`would process ${MOV} [uploads/${MOV}/original.mov]`);
    expect(run.stdout).toMatch(new RegExp(`^failed +${BROKEN} \\(corrupt: `, 'm'));
    expect(run.stdout).not.toContain(PENDING);
    expect(run.code).toBe(1);
    expect(await snapshot(state())).toEqual(before);
  });

  it('killed half-way, leaves every row playing something; run again, finishes only what is left', async () => {
    const { child, result } = startCli(root, ['process', '--state', 'state']);
    // The whole process group (CLI, workerd, ffmpeg), without warning, once the first video
    // is done and the second is under way.
    child.on('stdout', (out: string) => {
      if (/^processed /m.test(out) && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    });
    const killed = await result;
    expect(killed.stdout).toMatch(new RegExp(`^processed ${PHONE}: 3 renditions in `, 'm'));
    expect(killed.stdout).not.toContain(`processed ${MOV}`);
    const partial = await snapshot(state());
    expect(partial.rows.find((row) => row.id === PHONE)).toMatchObject({ video_id: PHONE });
    // Not yet processed: still played from its original, as before.
    expect(partial.rows.find((row) => row.id === MOV)).toEqual(
      before.rows.find((row) => row.id === MOV),
    );

    resumed = await runCli(['process', '--state', 'state']);
    processed = await snapshot(state());
    expect(resumed.stdout).not.toContain(PHONE);
    expect(resumed.stdout).toMatch(new RegExp(`^processed ${MOV}: 3 renditions in `, 'm'));
    expect(resumed.stdout).toMatch(
      new RegExp(`^failed +${BROKEN} \\(corrupt: .*\\) \\[uploads/${BROKEN}/original.mp4\\]$`, 'm'),
    );
    expect(resumed.stdout).toMatch(
      /^1 video now play through HLS, 1 failed \(still playing from their originals\)/m,
    );
    expect(resumed.code).toBe(1);
  });

  it.each([
    // ffprobe's reading of the stored bytes, rotation applied: a portrait video; the
    // browser's poster is kept.
    [PHONE, { width: 540, height: 960, thumbnail_key: `uploads/${PHONE}/thumbnail.jpg` }],
    // None was sent: the import's poster frame. Hidden after approval, and still hidden.
    [MOV, { width: 640, height: 480, thumbnail_key: `thumbnails/${MOV}.webp`, state: 'hidden' }],
  ])(
    'keeps %s’s id, title, date, state and original; sets its video id, picture and poster',
    (id, set) => {
      const row = processed.rows.find((r) => r.id === id);
      const was = before.rows.find((r) => r.id === id)!;
      expect(row).toEqual({ ...was, video_id: id, duration_sec: 2, ...set });
    },
  );

  it('stores each ladder beside its untouched original; leaves a pending item and one it could not read as they were', () => {
    const row = (id: string) => processed.rows.find((r) => r.id === id)!;
    const was = (id: string) => before.rows.find((r) => r.id === id)!;
    expect(row(PENDING)).toEqual(was(PENDING));
    expect(row(BROKEN)).toEqual(was(BROKEN));

    const keys = processed.objects.map((line) => line.split(' ')[0]!);
    expect(keys).toContain(`thumbnails/${MOV}.webp`);
    for (const id of [PHONE, MOV]) {
      // The original is the download still, byte for byte.
      const original = (line: string) => line.startsWith(`uploads/${id}/original.`);
      expect(processed.objects.filter(original)).toEqual(before.objects.filter(original));
      for (const name of ['master.m3u8', 'storyboard.jpg', 'storyboard.vtt']) {
        expect(keys).toContain(`hls/${id}/${name}`);
      }
    }
    expect(keys.filter((key) => key.startsWith(`hls/${PENDING}/`))).toEqual([]);
    expect(keys.filter((key) => key.startsWith(`hls/${BROKEN}/`))).toEqual([]);
  });

  it('plays: ffmpeg reads every rendition over HTTP, portrait stays portrait, no GPS in the stream', async () => {
    const server = await serveBucket(state());
    try {
      const base = `${server.url}/hls/${PHONE}`;
      const master = await (await fetch(`${base}/master.m3u8`)).text();
      expect(master.match(/RESOLUTION=\d+x\d+/g)).toEqual([
        'RESOLUTION=480x854',
        'RESOLUTION=360x640',
        'RESOLUTION=240x426',
      ]);
      const streams = await probeFrames(`${base}/master.m3u8`);
      expect(
        streams.filter((s) => s.codec_type === 'video').map((s) => [s.width, s.height]),
      ).toEqual([
        [480, 854],
        [360, 640],
        [240, 426],
      ]);
      for (const s of streams.filter((s) => s.codec_type === 'video')) {
        expect(s.nb_read_frames).toBe('60');
      }
      expect(streams.some((s) => s.codec_type === 'audio')).toBe(true);
      // The phone's location tag is in the original only.
      const ladder = processed.objects
        .map((line) => line.split(' ')[0]!)
        .filter((key) => key.startsWith(`hls/${PHONE}/`));
      expect(ladder.length).toBeGreaterThan(6);
      for (const key of ladder) {
        const bytes = Buffer.from(await (await fetch(`${server.url}/${key}`)).arrayBuffer());
        expect(bytes.includes('+48.8584'), key).toBe(false);
      }
      expect(
        Buffer.from(
          await (await fetch(`${server.url}/uploads/${PHONE}/original.mp4`)).arrayBuffer(),
        ).includes('+48.8584'),
      ).toBe(true);

      const mov = await probeFrames(`${server.url}/hls/${MOV}/master.m3u8`);
      expect(mov.filter((s) => s.codec_type === 'video').map((s) => s.nb_read_frames)).toEqual([
        '60',
        '60',
        '60',
      ]);
      // The stored original still downloads, byte for byte the guest's file.
      const original = await fetch(`${server.url}/uploads/${PHONE}/original.mp4`);
      expect(sha256(new Uint8Array(await original.arrayBuffer()))).toBe(
        sha256(await readFile(files().phone)),
      );
    } finally {
      await server.close();
    }
  });

  it('a second run processes nothing and changes nothing', async () => {
    const again = await runCli(['process', '--state', 'state']);
    expect(again.stdout).not.toMatch(/^processed /m);
    expect(again.stdout).toMatch(/^0 videos now play through HLS, 1 failed/m);
    expect(await snapshot(state())).toEqual(processed);
  });
});
