#!/usr/bin/env node
// `pnpm bench` (turbo) → here: a load check of the running stack with autocannon. Not a
// test: it prints what it measured (failed requests and memory growth included) and writes
// .reports/bench.json; it exits 1 only when it could not measure (no stack, a run that
// could not start, a 1 GiB stream cut short), never on a figure.
//
//   master / variant playlist, cache hit   one URL for a fixed duration (isolate memo)
//   master / variant playlist, cache miss  N bench videos, each URL once, under a freshly
//                                          published config version (nothing cached)
//   segment, token strategy                a worker-served media segment (Cache API hit)
//   1 GiB through the video worker         workerd memory before / peak / after, beside
//                                          the same object through a bare worker's R2
//                                          read (bare-worker/: the simulator's own share)
//   mixed load, then the same with faults  load-bench.ts: listings, thumbnails from storage,
//                                          playlists, segments and logins at once for
//                                          BENCH_LOAD_SECONDS (300; 0 skips), then again with
//                                          R2 and KV failing for BENCH_FAULT_SECONDS (60) in
//                                          the middle; the memory of each workerd over time,
//                                          each beside a bare worker making the same binding
//                                          calls under the same streams
//                                          (BENCH_LOAD_ONLY=1: these two runs only)
//   photo delivery cost model              cost-model.ts: a guest scrolling N = 2,000 photos,
//                                          today's worker-served design beside presigned URLs
//
// Reuses a running stack, else starts one. The miss videos (hls/bench-NNNN/) and the
// 1 GiB object (hls/bench-big/) are put into the local state only while no worker runs,
// i.e. when this starts the stack; they stay in .state (`pnpm stack:reset` removes them).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlaybackKeys, playbackScope, signPlaybackToken } from '@edge-gallery/r2-signer';
import {
  openLocalState,
  prepareLocalState,
  repoRoot,
  services,
  stackVars,
  stateDir,
  urls,
} from '@edge-gallery/stack';
import type { VersionId } from '@edge-gallery/video-streaming/config/versions';
import autocannon, { type Result } from 'autocannon';
import { BARE_PORT, type BareWorker, bareObjectPath, startBareWorker } from './bare-worker.ts';
import { type CostRow, putCostModelRows, removeCostModelRows, runCostModel } from './cost-model.ts';
import {
  type BareWorkers,
  checkBare,
  faultSwitchArmed,
  guestTraffic,
  type LoadReport,
  printAcrossRuns,
  printLoadReport,
  runLoad,
  setFaults,
} from './load-bench.ts';
import { ensureStack } from './stack-process.ts';
import { sampleWorkerdMemory } from './workerd-memory.ts';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 300);
const FAULT_SECONDS = Number(process.env.BENCH_FAULT_SECONDS ?? 60);
/** `BENCH_LOAD_ONLY=1`: the mixed load and the fault run, nothing after them. */
const LOAD_ONLY = process.env.BENCH_LOAD_ONLY === '1';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MISS_VIDEOS = 1000;
const BIG_KEY = 'hls/bench-big/1g.bin';
const BIG_BYTES = 1024 ** 3;
const PART_BYTES = 64 * 1024 ** 2;

const reports = join(import.meta.dirname, '..', '.reports');
mkdirSync(reports, { recursive: true });
const missId = (i: number) => `bench-${String(i).padStart(4, '0')}`;

// Read once the stack is up: its first start is what writes .dev.vars.
const localSecret = (service: 'viewer' | 'video', name: string) =>
  stackVars(service).get(name) ?? '';
const adminToken = () => localSecret('video', 'ADMIN_TOKEN');
let playbackKey: ReturnType<typeof parsePlaybackKeys>[number] | undefined;
function token(videoId: string): string {
  playbackKey ??= parsePlaybackKeys(localSecret('video', 'PLAYBACK_TOKEN_SECRET'))[0]!;
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  return signPlaybackToken({ scope: playbackScope(videoId), expiresAt, bucket: 0 }, playbackKey);
}

async function putBenchObjects(): Promise<void> {
  // A fresh checkout has no local state yet: migrated and seeded as the stack's start would.
  await prepareLocalState();
  // The workers' Cache API contents are disposable: emptied, the first 1 GiB GET is a miss.
  rmSync(join(stateDir, 'v3', 'cache'), { recursive: true, force: true });
  const state = await openLocalState();
  try {
    const master = readFileSync(join(repoRoot, 'demo/hls/demo-clip/master.m3u8'));
    const variant = readFileSync(join(repoRoot, 'demo/hls/demo-clip/540p/index.m3u8'));
    if ((await state.media.head(`hls/${missId(MISS_VIDEOS - 1)}/540p/index.m3u8`)) === null) {
      console.log(`bench: putting ${MISS_VIDEOS} bench videos' playlists`);
      for (let i = 0; i < MISS_VIDEOS; i++) {
        await state.media.put(`hls/${missId(i)}/master.m3u8`, master);
        await state.media.put(`hls/${missId(i)}/540p/index.m3u8`, variant);
      }
    }
    await putCostModelRows(state);
    if ((await state.media.head(BIG_KEY))?.size !== BIG_BYTES) {
      console.log('bench: putting a 1 GiB object');
      // In parts: the proxy base64-encodes a body into one string, which caps a put near 384 MiB.
      const upload = await state.media.createMultipartUpload(BIG_KEY);
      const parts = [];
      for (let offset = 0; offset < BIG_BYTES; offset += PART_BYTES) {
        const part = Buffer.alloc(PART_BYTES);
        for (let at = 0; at < PART_BYTES; at += 4096) part.writeUInt32BE((offset + at) >>> 12, at);
        parts.push(await upload.uploadPart(parts.length + 1, part));
      }
      await upload.complete(parts);
    }
  } finally {
    await state.dispose();
  }
}

async function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${urls.video}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${adminToken()}`, 'Content-Type': 'application/json' },
  });
}

type Row = {
  scenario: string;
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
};

function row(scenario: string, result: Result): Row {
  return {
    scenario,
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / Math.max(result.duration, 0.001)),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function steady(scenario: string, url: string): Promise<Row> {
  const warm = await fetch(url);
  if (warm.status !== 200) throw new Error(`${scenario}: ${url} answered ${warm.status}`);
  await warm.arrayBuffer();
  return row(
    scenario,
    await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS }),
  );
}

/** Each of `paths` requested once (the first request of a URL in a config version is a miss). */
async function once(scenario: string, paths: string[]): Promise<Row> {
  let next = 0;
  const result = await autocannon({
    url: urls.video,
    connections: CONNECTIONS,
    amount: paths.length,
    requests: [
      { setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) },
    ],
  });
  return row(scenario, result);
}

type Streamed = {
  /** Which worker streamed it: the video worker, or the bare R2 baseline (bare-worker/, its /r2/ route). */
  through: 'video worker' | 'bare R2 worker';
  how: string;
  /** The worker's own account of where the bytes came from (Server-Timing `cache`). */
  tier: string;
  bytes: number;
  seconds: number;
  /** workerd anonymous memory (RssAnon, all processes of that `wrangler dev`). */
  before: number;
  peak: number;
  after: number;
  /** The same as RSS, for comparison with earlier runs. */
  rssBefore: number;
  rssPeak: number;
};

/**
 * Streams the 1 GiB object through a worker, sampling its workerd memory. `range` asks
 * `bytes=0-` (a 206, which the video worker streams without writing it to its cache).
 */
async function streamBig(
  through: Streamed['through'],
  url: string,
  port: number,
  range: boolean,
): Promise<Streamed> {
  const small = await fetch(url, { headers: { Range: 'bytes=0-0' } });
  await small.arrayBuffer();
  const sampler = sampleWorkerdMemory(port, 100);
  const started = performance.now();
  const response = await fetch(url, range ? { headers: { Range: 'bytes=0-' } } : {});
  if (response.status !== (range ? 206 : 200) || response.body === null)
    throw new Error(`1 GiB through the ${through}: ${response.status}`);
  let bytes = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
  }
  const seconds = (performance.now() - started) / 1000;
  const samples = sampler.stop();
  const first = samples[0]!.memory;
  const how = range ? 'Range bytes=0- (206)' : 'plain GET (200)';
  const tier = /cache;desc=([\w-]+)/.exec(response.headers.get('Server-Timing') ?? '')?.[1] ?? '-';
  return {
    through,
    how,
    tier,
    bytes,
    seconds,
    before: first.anon,
    peak: Math.max(...samples.map((s) => s.memory.anon)),
    after: samples.at(-1)!.memory.anon,
    rssBefore: first.rss,
    rssPeak: Math.max(...samples.map((s) => s.memory.rss)),
  };
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

async function main(): Promise<number> {
  const stack = await ensureStack({
    logFile: join(reports, 'bench-stack.log'),
    beforeStart: putBenchObjects,
    // Arms the workers' local fault switch (off until the fault run turns it on).
    env: { STACK_FAULT_SWITCH: 'on' },
  });
  const rows: Row[] = [];
  const notes: string[] = [];
  const memory: Streamed[] = [];
  let costModel: CostRow[] = [];
  const loads: LoadReport[] = [];
  const password = localSecret('viewer', 'GALLERY_PASSWORD');
  // Everything after the mixed load: playlists and segments, the 1 GiB streams, the cost model.
  async function afterLoad(): Promise<void> {
    const missReady =
      (await fetch(`${urls.video}/api/hls/playlist?key=${missId(0)}&${token(missId(0))}`))
        .status === 200;
    if (missReady) {
      const ids = Array.from({ length: MISS_VIDEOS - 1 }, (_, i) => missId(i + 1));
      rows.push(
        await once(
          'master playlist, cache miss',
          ids.map((id) => `/api/hls/playlist?key=${id}&${token(id)}`),
        ),
      );
      rows.push(
        await once(
          'variant playlist, cache miss',
          ids.map((id) => `/api/hls/${id}/540p/index.m3u8?${token(id)}`),
        ),
      );
    } else {
      notes.push(
        'cache-miss runs skipped: the bench videos are put only when the bench starts the stack (stop it and rerun)',
      );
    }
    const demo = token('demo-clip');
    rows.push(
      await steady(
        'master playlist, cache hit',
        `${urls.video}/api/hls/playlist?key=demo-clip&${demo}`,
      ),
    );
    rows.push(
      await steady(
        'variant playlist, cache hit',
        `${urls.video}/api/hls/demo-clip/540p/index.m3u8?${demo}`,
      ),
    );
    rows.push(
      await steady(
        'segment (167 KB), token strategy',
        `${urls.video}/api/hls/demo-clip/540p/seg1.m4s?${demo}`,
      ),
    );

    const big = await fetch(`${urls.video}/api/hls/bench-big/1g.bin?${token('bench-big')}`, {
      method: 'HEAD',
    });
    // First a plain GET while the worker's cache is empty (see putBenchObjects), then by
    // Range, then the plain GET again (now from the cache); each beside the same request to
    // the bare R2 worker, whose workerd runs the same local R2 simulator and nothing else.
    if (big.status === 200) {
      const bigUrl = `${urls.video}/api/hls/bench-big/1g.bin?${token('bench-big')}`;
      const bare = await startBareWorker('r2', BARE_PORT, join(reports, 'bench-bare-r2.log'));
      try {
        for (const range of [false, true, false]) {
          for (const [through, url, port] of [
            ['bare R2 worker', `${bare.url}${bareObjectPath(BIG_KEY)}`, BARE_PORT],
            ['video worker', bigUrl, services.video.port],
          ] as const) {
            try {
              memory.push(await streamBig(through, url, port, range));
            } catch (error) {
              // Kept as a stream of 0 bytes: the bench then exits 1 (it could not measure).
              notes.push(`1 GiB through the ${through}: ${(error as Error).message}`);
              const how = range ? 'Range bytes=0- (206)' : 'plain GET (200)';
              memory.push({
                through,
                how,
                tier: '-',
                bytes: 0,
                seconds: 0,
                before: 0,
                peak: 0,
                after: 0,
                rssBefore: 0,
                rssPeak: 0,
              });
            }
          }
        }
      } finally {
        await bare.stop();
      }
    } else
      notes.push(
        '1 GiB memory check skipped: the object is put only when the bench starts the stack',
      );

    const cost = await runCostModel(password);
    costModel = cost.rows;
    notes.push(...cost.notes);
  }
  const initial = (await (await admin('/admin/config')).json()) as {
    version: VersionId | null;
    config: object;
  };
  try {
    // A new config version: no playlist of it is cached anywhere yet.
    const rollout = { presign: 0, token: 100, public: 0 };
    const published = await admin('/admin/config', {
      method: 'PUT',
      body: JSON.stringify({ ...initial.config, rollout }),
    });
    if (published.status !== 201)
      throw new Error(`publishing the bench config: ${published.status}`);

    if (LOAD_SECONDS > 0) {
      // Both runs while the stack is fresh: the memory series start from a just-started workerd.
      const traffic = await guestTraffic(password);
      // A bare worker beside each worker of the stack, under that worker's streams at the
      // same time, through both runs: the memory baseline (the fault switch does not reach
      // them: their R2 never fails). Started one after another (SQLITE_BUSY otherwise).
      const started: BareWorker[] = [];
      try {
        const beside = async (name: string) => {
          const port = BARE_PORT + started.length;
          started.push(await startBareWorker(name, port, join(reports, `bench-bare-${name}.log`)));
          return started.at(-1)!;
        };
        const bare: BareWorkers = {
          viewer: await beside(services.viewer.name),
          video: await beside(services.video.name),
          storage: await beside(services.devS3.name),
        };
        await checkBare(traffic, bare);
        loads.push(await runLoad('mixed load', traffic, LOAD_SECONDS, { bare }));
        printLoadReport(loads.at(-1)!);
        if (await faultSwitchArmed()) {
          const from = Math.round((LOAD_SECONDS - FAULT_SECONDS) / 2);
          try {
            loads.push(
              await runLoad('mixed load, R2 and KV failing', traffic, LOAD_SECONDS, {
                fault: { from, to: from + FAULT_SECONDS },
                bare,
              }),
            );
          } finally {
            await setFaults('off');
          }
          printLoadReport(loads.at(-1)!);
          printAcrossRuns(loads);
        } else {
          notes.push(
            'fault run skipped: the running stack has no armed fault switch (the bench arms it when it starts the stack)',
          );
        }
      } finally {
        for (const worker of started) await worker.stop();
      }
    }

    if (LOAD_ONLY)
      notes.push('BENCH_LOAD_ONLY=1: the playlist, segment, 1 GiB and cost-model runs skipped');
    else await afterLoad();
  } finally {
    if (initial.version !== null) {
      await admin('/admin/config/rollback', {
        method: 'POST',
        body: JSON.stringify({ version: initial.version }),
      });
    }
    await stack.stop();
    if (stack.started) {
      // The cost model's rows leave the local gallery as they came: while no worker runs.
      const state = await openLocalState();
      await removeCostModelRows(state).finally(() => state.dispose());
    }
  }

  console.log(`\nbench: ${CONNECTIONS} connections, ${DURATION_SECONDS} s per steady run`);
  console.table(
    rows.map((r) => ({
      scenario: r.scenario,
      requests: r.requests,
      'req/s': r.perSecond,
      'p50 ms': r.p50,
      'p90 ms': r.p90,
      'p99 ms': r.p99,
      'max ms': r.max,
      errors: r.errors,
    })),
  );
  // Incomplete: a stream cut short measured nothing. Request errors and growth are figures.
  const unmeasured = memory.filter((run) => run.bytes !== BIG_BYTES);
  for (const run of memory) {
    console.log(
      `1 GiB through the ${run.through}, ${run.how}, cache ${run.tier}: ${run.bytes} bytes in ${run.seconds.toFixed(1)} s ` +
        `(${mib(run.bytes / run.seconds)}/s); workerd anon ${mib(run.before)} before, ` +
        `${mib(run.peak)} peak (+${mib(run.peak - run.before)}), ${mib(run.after)} after; ` +
        `RSS ${mib(run.rssBefore)} → ${mib(run.rssPeak)} peak`,
    );
  }
  for (let i = 0; i + 1 < memory.length; i += 2) {
    const [bare, ours] = [memory[i]!, memory[i + 1]!];
    const growth = (run: Streamed) => Math.max(run.peak - run.before, 0);
    console.log(
      `memory, ${ours.how}: the video worker grew ${mib(growth(ours))}, the bare R2 worker ${mib(growth(bare))} ` +
        `(ours − baseline: ${mib(growth(ours) - growth(bare))})`,
    );
  }
  const failedRequests = rows.filter((r) => r.errors > 0).map((r) => r.scenario);
  if (failedRequests.length > 0)
    console.log(`note: failed requests in: ${failedRequests.join(', ')}`);
  for (const run of unmeasured) {
    console.log(`bench: could not measure 1 GiB through the ${run.through}: ${run.bytes} bytes`);
  }
  for (const note of notes) console.log(`note: ${note}`);
  writeFileSync(
    join(reports, 'bench.json'),
    `${JSON.stringify({ rows, memory, loads, costModel, notes }, null, 2)}\n`,
  );
  return unmeasured.length > 0 ? 1 : 0;
}

process.exitCode = await main();
