import { bench, describe } from 'vitest';
import { run } from './suite.ts';

// Node has no KV binding, so the reference-design baseline runs in workerd only.
describe('signing 600 URLs in Node', () => {
  bench(
    'contenders, interleaved, table below',
    async () => console.log(await run(`Node ${process.version}`, undefined)),
    {
      iterations: 1,
      warmupIterations: 0,
      time: 0,
      warmupTime: 0,
    },
  );
});
