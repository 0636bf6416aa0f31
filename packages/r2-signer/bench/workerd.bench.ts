import { env } from 'cloudflare:workers';
import { bench, describe } from 'vitest';
import { run } from './suite.ts';

// Inside workerd, as in production; the baseline reads a real local KV namespace.
describe('signing 600 URLs in workerd', () => {
  bench(
    'contenders, interleaved, table below',
    async () => console.log(await run('workerd', env.SIGNED_URLS)),
    {
      iterations: 1,
      warmupIterations: 0,
      time: 0,
      warmupTime: 0,
    },
  );
});
