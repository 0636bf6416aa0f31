import { bench } from 'vitest';
import { compress, initialState } from '../src/sha256.ts';
import { compressW } from './w.ts';

bench(
  'kernels',
  () => {
    const bulk = new Uint8Array(5400 * 64).map((_, i) => i * 7);
    const words = new Int32Array(bulk.buffer);
    const a = initialState();
    const b = initialState();
    compress(a, bulk, 0, 640);
    compressW(b, words, 0, 160);
    if (a.join() !== b.join()) throw new Error('mismatch');
    const mins: Record<string, number> = {};
    for (let r = 0; r < 40; r++) {
      for (const n of ['bytes', 'words']) {
        const s = initialState();
        const t = performance.now();
        let c = 0;
        if (n === 'bytes')
          while (performance.now() - t < 30) {
            for (let p = 0; p < bulk.length; p += 64) compress(s, bulk, p, p + 64);
            c++;
          }
        else
          while (performance.now() - t < 30) {
            for (let p = 0; p < words.length; p += 16) compressW(s, words, p, p + 16);
            c++;
          }
        mins[n] = Math.min(mins[n] ?? 1e9, (performance.now() - t) / c);
      }
    }
    console.log(JSON.stringify(mins));
  },
  { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 },
);
