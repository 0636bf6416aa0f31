import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { run } from './ffmpeg.ts';
import { ImportError } from './import-error.ts';
import { readPhotoFacts } from './photo.ts';
import type { SourceFile } from './scan.ts';
import { probeVideo, type VideoProbe } from './video.ts';

// A Live Photo is a still (HEIC or JPEG) and a short MOV an iPhone writes side by side
// (IMG_1234.HEIC + IMG_1234.MOV). They become one item: the photo, with a short motion clip
// the lightbox plays on press and hold; the MOV is never listed as a video of its own.
// Two files are a pair when they share folder and base name AND Apple's content identifier
// (maker note tag 0x11 in the still, com.apple.quicktime.content.identifier in the MOV) —
// or, when either lacks one (exports, other apps), when they were taken in the same second.

const STILLS = new Set(['.heic', '.heif', '.jpg', '.jpeg']);

/** What pairing needs to know of each half. */
export type PairFacts = { contentIdentifier: string | undefined; takenAt: string | undefined };

export type Candidate = { photo: SourceFile; motion: SourceFile };

/** Same folder, same base name (any case), a still and a `.mov`: a possible Live Photo. */
export function livePhotoCandidates(files: readonly SourceFile[]): Candidate[] {
  const byBase = new Map<string, SourceFile[]>();
  for (const file of files) {
    const base = file.path.slice(0, file.path.length - extname(file.path).length).toLowerCase();
    byBase.set(base, [...(byBase.get(base) ?? []), file]);
  }
  const candidates: Candidate[] = [];
  for (const group of byBase.values()) {
    const stills = group.filter((f) => STILLS.has(extname(f.path).toLowerCase()));
    const movies = group.filter((f) => extname(f.path).toLowerCase() === '.mov');
    if (stills.length === 1 && movies.length === 1) {
      candidates.push({ photo: stills[0]!, motion: movies[0]! });
    }
  }
  return candidates;
}

/** Whether the two halves belong together (see above). */
export function isLivePhotoPair(photo: PairFacts, motion: PairFacts): boolean {
  if (photo.contentIdentifier && motion.contentIdentifier) {
    return photo.contentIdentifier === motion.contentIdentifier;
  }
  if (!photo.takenAt || !motion.takenAt) return false;
  const second = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  return second(photo.takenAt) === second(motion.takenAt);
}

/**
 * The files to import, with each confirmed Live Photo's MOV attached to its still as
 * `motion` and taken out of the list. Facts are read cheaply (EXIF, ffprobe); a half that
 * cannot be read is left unpaired, to be imported (or reported) on its own.
 */
export async function pairLivePhotos(
  files: readonly SourceFile[],
  facts: {
    photo(file: SourceFile): Promise<PairFacts>;
    motion(file: SourceFile): Promise<PairFacts>;
  },
): Promise<{ files: SourceFile[]; pairs: number }> {
  const attached = new Map<SourceFile, SourceFile>();
  for (const { photo, motion } of livePhotoCandidates(files)) {
    try {
      if (isLivePhotoPair(await facts.photo(photo), await facts.motion(motion))) {
        attached.set(photo, motion);
      }
    } catch {
      // Unreadable half: no pair; the import reports it with its reason.
    }
  }
  const motions = new Set(attached.values());
  return {
    files: files
      .filter((file) => !motions.has(file))
      .map((file) => (attached.has(file) ? { ...file, motion: attached.get(file)! } : file)),
    pairs: attached.size,
  };
}

/** The pairing facts of the real files: EXIF of the still, ffprobe of the MOV. */
export const livePhotoFacts = {
  photo: readPhotoFacts,
  async motion(file: SourceFile): Promise<PairFacts> {
    const probe = await probeVideo(file);
    return { contentIdentifier: probe.contentIdentifier, takenAt: probe.createdAt };
  },
};

/** Long side of the motion clip: sharp on a phone, a fraction of the MOV's bytes. */
export const MOTION_SIDE = 1080;
/** Live Photos are ~3 s; anything longer is cut here. */
const MOTION_MAX_SECONDS = 4;

/**
 * The motion clip every browser plays: H.264 (High, yuv420p) + AAC in MP4 with `moov` first
 * (faststart: playback starts before the download ends), upright (ffmpeg applies the
 * rotation tag), at most 1080 px long side, no metadata (no GPS). Deterministic bytes
 * (sliced threads, bit-exact), so a resumed import stores the same clip.
 */
export function motionClipArgs(source: string, probe: VideoProbe, out: string): string[] {
  const portrait = probe.height > probe.width;
  const scale = portrait
    ? `scale=-2:'min(${MOTION_SIDE},ih)'`
    : `scale='min(${MOTION_SIDE},iw)':-2`;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', source],
    ...[
      '-t',
      String(MOTION_MAX_SECONDS),
      '-map',
      '0:v:0',
      ...(probe.hasAudio ? ['-map', '0:a:0'] : []),
    ],
    ...['-vf', `${scale},setsar=1,format=yuv420p`],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-crf', '24'],
    ...['-x264-params', 'sliced-threads=1'],
    ...(probe.hasAudio ? ['-c:a', 'aac', '-b:a', '96k', '-ac', '2'] : []),
    ...['-map_metadata', '-1', '-movflags', '+faststart'],
    ...['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'],
    out,
  ];
}

export async function makeMotionClip(
  motion: SourceFile,
  probe: VideoProbe,
  out: string,
): Promise<{ path: string; size: number }> {
  const result = await run('ffmpeg', motionClipArgs(motion.path, probe, out));
  if (result.code !== 0) {
    const reason = result.stderr.trim().split('\n').at(-1) ?? 'failed';
    throw new ImportError('transcode-failed', `motion clip of ${motion.name}: ${reason}`);
  }
  return { path: out, size: (await stat(out)).size };
}
