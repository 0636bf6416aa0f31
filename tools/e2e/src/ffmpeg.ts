import { spawn } from 'node:child_process';
import { findExecutable } from '@edge-gallery/stack';

// ffmpeg as a player: it fetches the master playlist, the chosen rendition's playlist,
// its init segment and every media segment, and decodes every frame. ffmpeg exits 0
// even when a segment fails to load (it skips it), so the verdict comes from its log:
// no error lines, and the decoded frame count.

/** `FFMPEG_PATH` names another binary (or, set to a missing one, simulates its absence). */
export const FFMPEG = process.env.FFMPEG_PATH ?? 'ffmpeg';

export function hasFfmpeg(): boolean {
  return findExecutable(FFMPEG) !== undefined;
}

export type Playback = {
  exitCode: number | null;
  frames: number | undefined;
  errors: string[];
  log: string;
};

/** Reads an ffmpeg `-loglevel warning -stats` log. */
export function readFfmpegLog(log: string, exitCode: number | null): Playback {
  const lines = log.split(/[\r\n]+/).filter((line) => line.trim() !== '');
  const frames = [...log.matchAll(/frame=\s*(\d+)/g)].map((match) => Number(match[1])).at(-1);
  const errors = lines.filter(
    (line) =>
      !line.startsWith('frame=') &&
      /error|failed|invalid|forbidden|denied|refused|unable/i.test(line),
  );
  return { exitCode, frames, errors, log };
}

/** Plays program `program` (a rendition) of the HLS stream at `url` to the null muxer. */
export function playHls(url: string, program: number): Promise<Playback> {
  const args = [
    ...['-nostdin', '-hide_banner', '-loglevel', 'warning', '-stats'],
    ...['-i', url],
    ...['-map', `0:p:${program}:v`, '-map', `0:p:${program}:a?`],
    ...['-f', 'null', '-'],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      log += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(readFfmpegLog(log, code)));
  });
}
