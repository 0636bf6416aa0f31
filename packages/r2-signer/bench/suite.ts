/**
 * The signing benchmark, shared by the workerd and the Node runs. Each contender signs
 * the same 600 HLS segment keys. Timing runs whole batches back to back for at least
 * WINDOW_MS per sample, because workerd's performance.now() advances in 1 ms steps.
 */
import { AwsClient } from 'aws4fetch';
import { createPresigner, type PresignerConfig } from '../src/index.ts';
import { blocksOf, compress, initialState } from '../src/sha256.ts';
import { createSha256x4 } from '../src/sha256x4.ts';

export const BATCH = 600;
const SIGNER = 'r2-signer presignBatch';
const WINDOW_MS = 50;
export const SAMPLES = 15;
export const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);

export const config: PresignerConfig = {
  accessKeyId: '0123456789abcdef0123456789abcdef',
  secretAccessKey: 'r2-secret-0123456789abcdef0123456789abcdef0123456789abcdef',
  endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
  bucket: 'edge-gallery-media',
  region: 'auto',
};

/** A 600-segment rendition: hls/<uuid>/1080p/seg_00042.m4s */
export const keys = Array.from(
  { length: BATCH },
  (_, i) => `hls/7f3c2a9e-5b1d-4e8a-9c2f-0a1b2c3d4e5f/1080p/seg_${String(i).padStart(5, '0')}.m4s`,
);

export type Contender = { name: string; batch: () => unknown };

/** The KV namespace surface the reference-design baseline uses. */
export type UrlCache = {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
};

export function contenders(cache: UrlCache | undefined): {
  list: Contender[];
  prepare(): Promise<void>;
} {
  const presigner = createPresigner(config);
  const client = new AwsClient({ ...config, service: 's3', region: 'auto' });
  const unsigned = keys.map(
    (key) => `${config.endpoint}/${config.bucket}/${key}?X-Amz-Expires=3600`,
  );
  // Exactly the call most Workers projects make: aws4fetch dates each signature itself.
  const playlistWindow = '20261121T100000Z';
  const aws4fetch = () =>
    Promise.all(unsigned.map((url) => client.sign(url, { aws: { signQuery: true } })));

  // The compute floor: as many SHA-256 blocks as the signer compresses for the batch.
  const blocks = blocksPerBatch(presigner.presignBatch(keys, { now: NOW }));
  const bulk = blocksOf(blocks * 64);
  bulk.bytes.forEach((_, i) => {
    bulk.bytes[i] = i;
  });
  const state = initialState();
  // The same blocks as four lanes of a quarter each, for the SIMD kernel.
  const kernel = createSha256x4();
  const laneBlocks = Math.ceil(blocks / 4);
  const state4 = kernel.heapBase;
  const lanes = state4 + 128;
  kernel.reserve(lanes + 4 * laneBlocks * 64);
  let batches = 0;

  const list: Contender[] = [
    {
      name: SIGNER,
      // A new second per batch, as in production: per-batch setup is part of the cost.
      batch: () => presigner.presignBatch(keys, { now: NOW + 1000 * (batches++ % 3600) }),
    },
    { name: 'aws4fetch, warm shared client', batch: aws4fetch },
  ];
  if (cache !== undefined) {
    list.push({
      name: 'reference design: KV per URL, aws4fetch on miss',
      batch: () =>
        Promise.all(
          unsigned.map(async (url, i) => {
            const cacheKey = `signed:${keys[i]}:${playlistWindow}`;
            const cached = await cache.get(cacheKey);
            if (cached !== null) return cached;
            const signed = (await client.sign(url, { aws: { signQuery: true } })).url;
            await cache.put(cacheKey, signed);
            return signed;
          }),
        ),
    });
  }
  list.push(
    {
      name: `floor: ${blocks} blocks, crypto.subtle.digest in bulk`,
      batch: () => crypto.subtle.digest('SHA-256', bulk.bytes),
    },
    {
      name: `floor: ${blocks} blocks, this package's JavaScript compress in bulk`,
      batch: () => compress(state, bulk.words, 0, bulk.bytes.length),
    },
    {
      name: `floor: ${blocks} blocks, this package's sha256x4 (4 lanes) in bulk`,
      batch: () => kernel.blocks4(state4, lanes, laneBlocks * 64, laneBlocks),
    },
  );
  return {
    list,
    async prepare() {
      // Warm aws4fetch's derived-key cache (and fill the KV cache: the baseline's best case).
      await aws4fetch();
      for (const contender of list) await contender.batch();
    },
  };
}

/**
 * Block compressions the presigner performs per batch: the canonical request's blocks
 * (less the leading blocks shared with the previous key, up to 2, which it reuses), the
 * string to sign after its constant first block (64 hex characters + padding = 2 blocks:
 * for R2 "AWS4-HMAC-SHA256\n<date>\n<date>/auto/s3/aws4_request\n" is exactly 64 bytes),
 * and the outer HMAC pass (1 block).
 */
function blocksPerBatch(urls: string[]): number {
  let total = 0;
  let previous = '';
  for (const url of urls) {
    const { host, pathname, search } = new URL(url);
    const query = search.slice(1, search.indexOf('&X-Amz-Signature='));
    const canonical = `GET\n${pathname}\n${query}\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`;
    let shared = 0;
    while (
      shared < 2 &&
      canonical.slice(0, (shared + 1) * 64) === previous.slice(0, (shared + 1) * 64) &&
      (shared + 1) * 64 <= canonical.length
    )
      shared++;
    previous = canonical;
    total += Math.ceil((canonical.length + 9) / 64) - shared + 2 + 1;
  }
  return total;
}

/** Milliseconds per batch: back-to-back batches for at least WINDOW_MS. */
export async function sample(contender: Contender): Promise<number> {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    const result = contender.batch();
    if (result instanceof Promise) await result;
    count++;
    elapsed = performance.now() - start;
  } while (elapsed < WINDOW_MS);
  return elapsed / count;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A markdown table: ms/batch, µs/URL, and ratios of medians. */
export function table(runtime: string, results: Map<string, number[]>): string {
  const medians = new Map([...results].map(([name, samples]) => [name, median(samples)]));
  const signer = medians.get(SIGNER)!;
  const rows = [...medians].map(([name, ms]) => {
    const ratio = name === SIGNER ? '1' : (ms / signer).toFixed(name.startsWith('floor') ? 2 : 1);
    return `| ${name} | ${ms.toFixed(3)} | ${((ms * 1000) / BATCH).toFixed(2)} | ${ratio}× |`;
  });
  const against = (part: string, words: (other: number) => string) => {
    const ms = [...medians].find(([name]) => name.includes(part))?.[1];
    return ms === undefined ? [] : [words(ms)];
  };
  return [
    '',
    `${runtime}: ${BATCH} URLs per batch, median of ${SAMPLES} samples of ≥ ${WINDOW_MS} ms each`,
    '',
    '| contender | ms / batch | µs / URL | time ÷ r2-signer time |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    ...against(
      'aws4fetch, warm',
      (ms) => `r2-signer: ${(ms / signer).toFixed(1)}× faster than warm aws4fetch`,
    ),
    ...against(
      'reference design',
      (ms) => `r2-signer: ${(ms / signer).toFixed(1)}× faster than the KV reference design`,
    ),
    ...against(
      'crypto.subtle',
      (ms) => `r2-signer: ${(signer / ms).toFixed(1)}× the native hashing floor`,
    ),
    ...against(
      "package's sha256x4",
      (ms) => `r2-signer: ${(signer / ms).toFixed(2)}× its own SIMD kernel's bulk floor`,
    ),
    '',
  ].join('\n');
}

/** Runs every contender SAMPLES times, interleaved so that drift hits all alike. */
export async function run(runtime: string, cache: UrlCache | undefined): Promise<string> {
  const { list, prepare } = contenders(cache);
  await prepare();
  const results = new Map<string, number[]>(list.map((c) => [c.name, []]));
  for (let i = 0; i < SAMPLES; i++) {
    // Every other round in reverse, so that no contender always runs after the same one.
    for (const contender of i % 2 === 0 ? list : [...list].reverse()) {
      results.get(contender.name)!.push(await sample(contender));
    }
  }
  return table(runtime, results);
}
