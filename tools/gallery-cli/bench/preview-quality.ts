// `pnpm --filter @edge-gallery/cli bench:preview`: how the preview's WebP quality was chosen.
// Camera-size photos (4032×3024 JPEG, drawn by ffmpeg's lavfi sources with grain, like the
// demo's) are resized to the preview's 2048 px once, losslessly (the reference), then
// encoded at each quality; printed: bytes, bytes per original byte, and SSIM against the
// reference (ffmpeg's ssim filter, 1 = identical). Not a test: numbers only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PREVIEW_SIDE } from '../src/renditions.ts';

const QUALITIES = [60, 70, 75, 80, 85, 90];
const SIZE = '4032x3024';
const SCENES = {
  // Fine detail everywhere (foliage, fabric): the hard case for a lossy encoder.
  detail: `mandelbrot=s=${SIZE}:start_x=-0.743643887037151:start_y=0.131825904205330:start_scale=0.0005:inner=period,noise=alls=8:allf=t`,
  // Smooth skies and skin with sensor grain: where banding and blocking would show.
  smooth: `gradients=s=${SIZE}:c0=0x2b1055:c1=0xd53a9d:c2=0xf9a03f:c3=0x8fd3ff:x0=0:y0=0:x1=4032:y1=3024:nb_colors=4:seed=7,format=rgb24,noise=alls=6:allf=t`,
  // Edges and flat areas (architecture, text on signs).
  edges: `color=c=black:s=${SIZE},geq=r='110+90*(mod(floor(X/97)+floor(Y/97),2))+20*sin(X/9)':g='80+60*(mod(floor(X/211)+floor(Y/131),2))':b='60+40*cos(Y/31)',noise=alls=5:allf=t`,
} as const;

const dir = mkdtempSync(join(tmpdir(), 'gallery-preview-bench-'));
const ffmpeg = (args: string[]) => {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'info', '-y', ...args], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stderr;
};

try {
  console.log(
    `quality  ${Object.keys(SCENES)
      .map((s) => `${s.padEnd(28)}`)
      .join('')}`,
  );
  const rows: Record<number, string[]> = Object.fromEntries(QUALITIES.map((q) => [q, []]));
  for (const [name, graph] of Object.entries(SCENES)) {
    const original = join(dir, `${name}.jpg`);
    ffmpeg(['-f', 'lavfi', '-i', graph, '-frames:v', '1', '-q:v', '2', original]);
    const originalBytes = statSync(original).size;
    const reference = join(dir, `${name}-ref.png`);
    const resized = sharp(original).resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside' });
    await resized.clone().png({ compressionLevel: 1 }).toFile(reference);
    for (const quality of QUALITIES) {
      const webp = await resized.clone().webp({ quality }).toBuffer();
      const candidate = join(dir, `${name}-${quality}.webp`);
      writeFileSync(candidate, webp);
      const log = ffmpeg(['-i', reference, '-i', candidate, '-lavfi', 'ssim', '-f', 'null', '-']);
      const ssim = /All:([\d.]+)/.exec(log)?.[1] ?? '?';
      rows[quality]!.push(
        `${(webp.length / 1024).toFixed(0).padStart(5)} KiB 1/${(originalBytes / webp.length).toFixed(1).padEnd(5)} SSIM ${Number(ssim).toFixed(4)}  `,
      );
    }
    console.log(`original ${name}: ${(originalBytes / 1024 / 1024).toFixed(1)} MB JPEG`);
  }
  for (const quality of QUALITIES)
    console.log(`q ${String(quality).padEnd(5)}  ${rows[quality]!.join('')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
