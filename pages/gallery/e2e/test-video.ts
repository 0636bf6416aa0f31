import { execFileSync } from 'node:child_process';

/**
 * Writes what a guest's phone sends after the first dance: 720p30 H.264, moov first, about
 * 13 MB a second (the noise over ffmpeg's test pattern keeps the encoder from making it
 * small, so the file spans several 8 MiB upload parts: 2 s → 4 parts, 3 s → 6).
 * `FFMPEG_PATH` names another binary.
 */
export function makeTestVideo(path: string, seconds: number): void {
  execFileSync(process.env.FFMPEG_PATH ?? 'ffmpeg', [
    ...['-y', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', 'testsrc2=size=1280x720:rate=30,noise=alls=30:allf=t', '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-pix_fmt', 'yuv420p'],
    ...['-movflags', '+faststart', path],
  ]);
}
