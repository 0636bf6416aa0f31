// `pnpm --filter @edge-gallery/cli bench`: the CLI's throughput on a generated folder of
// 200 camera-sized photos (4032×3024 JPEG, 12 MP), imported into a fresh temporary local
// state, then imported again (everything already there). Numbers are the CLI's own
// summary lines. Not a test: it takes minutes on two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePhoto } from '../src/test-media.ts';

const COUNT = Number(process.env.BENCH_PHOTOS ?? 200);
const folder = join(tmpdir(), `gallery-bench-photos-${COUNT}`);

if (!existsSync(folder) || readdirSync(folder).length !== COUNT) {
  console.log(`Generating ${COUNT} photos in ${folder} (kept for the next run)…`);
  rmSync(folder, { recursive: true, force: true });
  for (let i = 0; i < COUNT; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    await writePhoto({
      path: join(folder, `IMG_${String(i).padStart(4, '0')}.jpg`),
      width: 4032,
      height: 3024,
      noise: true,
      seed: i,
      orientation: [1, 6, 3, 8][i % 4]!,
      taken: { date: `2024:06:${day} 12:${String(i % 60).padStart(2, '0')}:00`, offset: '+02:00' },
    });
  }
}

const state = mkdtempSync(join(tmpdir(), 'gallery-bench-state-'));
const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');
try {
  for (const label of ['first import', 'second import (nothing new)']) {
    const run = spawnSync(process.execPath, [cli, 'import', folder, '--state', state], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: process.cwd() },
    });
    const summary = run.stdout.split('\n').filter((line) => /^(Imported|Already)/.test(line));
    console.log(`${label} (${availableParallelism()} cores): ${summary.join(' | ')}`);
    if (run.status !== 0) console.log(run.stdout.slice(-2000), run.stderr.slice(-2000));
  }
} finally {
  rmSync(state, { recursive: true, force: true });
}
