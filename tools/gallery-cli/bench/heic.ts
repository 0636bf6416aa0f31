// `pnpm --filter @edge-gallery/cli bench:heic`: the import's per-photo work (hash, EXIF,
// decode, preview + two thumbnails) for an iPhone-size HEVC HEIC against a JPEG of the same
// picture and size (4032×3024), measured in the same run, alternating. The target (issue
// 17): a HEIC no slower than 2× the JPEG. Prints, never fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaIdOf } from '../src/media-id.ts';
import { readPhoto } from '../src/photo.ts';
import { FORMATS, type SourceFile } from '../src/scan.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'gallery-heic-bench-'));
const source = (path: string, ext: '.jpg' | '.heic'): SourceFile => {
  const { size, mtimeMs } = statSync(path);
  return { path, name: path, size, mtimeMs, ...FORMATS[ext]! };
};
try {
  const jpeg = join(dir, 'IMG_0001.jpg');
  const heic = join(dir, 'IMG_0001.heic');
  const graph =
    'mandelbrot=s=4032x3024:start_x=-0.743643887037151:start_y=0.131825904205330:start_scale=0.002:inner=period,noise=alls=6:allf=t';
  const ffmpeg = spawnSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    graph,
    '-frames:v',
    '1',
    '-q:v',
    '3',
    jpeg,
  ]);
  if (ffmpeg.status !== 0) throw new Error(String(ffmpeg.stderr));
  // iPhone-like quality; heif-enc takes ~15 s for 12 MP on two busy cores.
  const enc = spawnSync('heif-enc', ['-q', '60', jpeg, '-o', heic]);
  if (enc.status !== 0) throw new Error(String(enc.stderr));
  const files = { jpeg: source(jpeg, '.jpg'), heic: source(heic, '.heic') };
  const times: Record<keyof typeof files, number[]> = { jpeg: [], heic: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const kind of ['jpeg', 'heic'] as const) {
      const started = performance.now();
      await mediaIdOf(files[kind].path);
      await readPhoto(files[kind], { workDir: dir });
      times[kind].push(performance.now() - started);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  for (const kind of ['jpeg', 'heic'] as const) {
    console.log(
      `${kind.padEnd(5)} ${(files[kind].size / 1024 / 1024).toFixed(1)} MB  median ${median(times[kind]).toFixed(0)} ms  (${times[kind].map((t) => t.toFixed(0)).join(', ')})`,
    );
  }
  console.log(
    `HEIC / JPEG: ${(median(times.heic) / median(times.jpeg)).toFixed(2)}× (target ≤ 2×)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
