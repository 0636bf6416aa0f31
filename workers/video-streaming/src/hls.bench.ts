import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { ALL_STRATEGIES, BUCKET, publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { S3_CREDENTIALS, tokenFor } from '../test/tokens.ts';
import { variantPlaylist } from '../test/video.ts';
import { testWorker } from '../test/worker.ts';
import { settingsOf } from './env.ts';
import { buildTemplate, renderTemplate } from './template.ts';
import { createWorker } from './worker.ts';

// `pnpm bench`: a 600-segment variant playlist served by this worker (cache miss and
// cache hit, per strategy) against the reference design — a KV lookup per segment URL,
// aws4fetch signing on a miss — measured in the same run on the same local bindings.
// Targets (issue 4): presign miss < 5 ms of worker time, hit < 1 ms, each ≥ 20× better.

const SEGMENTS = 600;
const VIDEO = 'bench-video';
const KEY = `hls/${VIDEO}/720p/index.m3u8`;
const TEXT = variantPlaylist(SEGMENTS);
const T0 = Date.UTC(2030, 0, 1);
const ENDPOINT = 'http://localhost:8789';
const BUCKET_NAME = 'edge-gallery-media';

type Strategy = keyof typeof BUCKET;
const STRATEGIES = Object.keys(BUCKET) as Strategy[];

const clock = { now: T0 };
const worker = createWorker({ now: () => clock.now });
const results = new Map<string, number>();

const tokens = Object.fromEntries(
  STRATEGIES.map((s) => [s, tokenFor(VIDEO, { bucket: BUCKET[s], expiresAt: T0 / 1000 + 86_400 })]),
) as Record<Strategy, string>;

/** One request through the worker; returns the ms the worker took to answer it. */
async function serve(strategy: Strategy, origin: string): Promise<number> {
  const ctx = createExecutionContext();
  const request = new Request(`${origin}/api/${KEY}?${tokens[strategy]}`);
  const started = performance.now();
  const response = await worker.fetch(request, env, ctx);
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`${strategy}: ${response.status}`);
  // The client's side (reading the body) and the background cache writes are not timed.
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return elapsed;
}

// The reference design, as the issue describes it.
const aws = new AwsClient({ ...S3_CREDENTIALS, service: 's3', region: 'auto', retries: 0 });
async function reference(prefix: string): Promise<string> {
  const object = await env.MEDIA.get(KEY);
  const text = await object!.text();
  const dir = KEY.slice(0, KEY.lastIndexOf('/') + 1);
  const lines = await Promise.all(
    text.split('\n').map(async (line) => {
      if (line === '' || line.startsWith('#')) return line;
      const cached = await env.VIDEO_CACHE.get(`${prefix}${dir}${line}`);
      if (cached !== null) return cached;
      const url = `${ENDPOINT}/${BUCKET_NAME}/${dir}${line}?X-Amz-Expires=3900`;
      return (await aws.sign(url, { aws: { signQuery: true } })).url;
    }),
  );
  return lines.join('\n');
}

/**
 * Mean milliseconds per call over `rounds` calls: the durations `run` reports, else the
 * wall time of the calls. (The workerd clock ticks in whole ms; means over many calls
 * whose start falls anywhere within a tick are still unbiased.)
 */
async function measure(name: string, rounds: number, run: (i: number) => unknown) {
  await run(-1); // warm-up
  let reported = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const ms = await run(i);
    if (typeof ms === 'number') reported += ms;
  }
  const total = reported > 0 ? reported : performance.now() - started;
  results.set(name, total / rounds);
}

let round = 0;
beforeAll(async () => {
  await resetKv();
  await env.MEDIA.put(KEY, TEXT);
  const admin = testWorker({ start: T0 });
  await publishConfig(admin, ALL_STRATEGIES);
  // Reference hits: every segment URL already in KV.
  const dir = KEY.slice(0, KEY.lastIndexOf('/') + 1);
  const signed = (await reference('miss-')).split('\n').filter((l) => l.startsWith('http'));
  const names = TEXT.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  await Promise.all(names.map((name, i) => env.VIDEO_CACHE.put(`hit:${dir}${name}`, signed[i]!)));

  const settings = settingsOf(env);
  await measure('reference miss', 5, async (i) => {
    await reference(`miss-${round++}-${i}:`);
  });
  await measure('reference hit', 5, async () => {
    await reference('hit:');
  });
  await measure('presign build (worker time)', 200, () => {
    renderTemplate(
      buildTemplate(
        { text: TEXT, etag: '"x"' },
        {
          key: KEY,
          scope: `hls/${VIDEO}/`,
          strategy: 'presign',
          presigner: settings.presigner,
          windowStart: T0,
          urlLifetime: 3900,
          publicBase: null,
          tagBase: 'bench',
        },
      ),
      'q',
    );
  });
  for (const strategy of STRATEGIES) {
    await measure(`${strategy} miss`, 20, (i) => {
      worker.isolate.templates.clear();
      return serve(strategy, `https://miss-${strategy}-${round++}-${i}.test`);
    });
    await serve(strategy, 'https://hit.test');
    await measure(`${strategy} hit (isolate)`, 200, () => serve(strategy, 'https://hit.test'));
    await measure(`${strategy} hit (Cache API)`, 50, () => {
      worker.isolate.templates.clear();
      return serve(strategy, 'https://hit.test');
    });
  }
}, 300_000);

afterAll(() => {
  const refMiss = results.get('reference miss')!;
  const refHit = results.get('reference hit')!;
  const rows = [...results].map(([name, ms]) => {
    const reference = name.startsWith('reference')
      ? undefined
      : name.includes('hit')
        ? refHit
        : refMiss;
    const ratio =
      reference === undefined ? '' : `${(reference / ms).toFixed(0)}× faster than reference`;
    return `  ${name.padEnd(30)} ${ms.toFixed(3).padStart(9)} ms  ${ratio}`;
  });
  const missWorker = results.get('presign build (worker time)')!;
  const hit = results.get('presign hit (isolate)')!;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    [
      `\nvideo-streaming: ${SEGMENTS}-segment variant playlist, mean per request`,
      ...rows,
      'targets:',
      `  presign miss < 5 ms worker time: ${missWorker.toFixed(3)} ms — ${verdict(missWorker < 5)}`,
      `  presign hit < 1 ms: ${hit.toFixed(3)} ms — ${verdict(hit < 1)}`,
      `  miss ≥ 20× reference: ${(refMiss / results.get('presign miss')!).toFixed(0)}× — ${verdict(refMiss / results.get('presign miss')! >= 20)}`,
      `  hit ≥ 20× reference: ${(refHit / hit).toFixed(0)}× — ${verdict(refHit / hit >= 20)}`,
    ].join('\n'),
  );
});

// vitest's own table: the same paths under tinybench.
describe('600-segment variant playlist', () => {
  bench(
    'presign hit (isolate)',
    async () => {
      await serve('presign', 'https://hit.test');
    },
    { time: 500 },
  );
  bench(
    'reference hit (KV per URL)',
    async () => {
      await reference('hit:');
    },
    { time: 500 },
  );
});
