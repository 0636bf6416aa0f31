#!/usr/bin/env node
// `pnpm bench` (turbo) → here: a load check of the running stack with autocannon. Not a
// test: it prints what it measured, writes .reports/bench.json, and fails only when a
// request failed or the video worker's memory grew while streaming 1 GiB.
//
//   master / variant playlist, cache hit   one URL for a fixed duration (isolate memo)
//   master / variant playlist, cache miss  N bench videos, each URL once, under a freshly
//                                          published config version (nothing cached)
//   segment, token strategy                a worker-served media segment (Cache API hit)
//   1 GiB through the video worker         workerd RSS before / peak / after
//   photo delivery cost model              cost-model.ts: a guest scrolling N = 2,000 photos,
//                                          today's worker-served design beside presigned URLs
//
// Reuses a running stack, else starts one. The miss videos (hls/bench-NNNN/) and the
// 1 GiB object (hls/bench-big/) are put into the local state only while no worker runs,
// i.e. when this starts the stack; they stay in .state (`pnpm stack:reset` removes them).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlaybackKeys, playbackScope, signPlaybackToken } from '@edge-gallery/r2-signer';
import {
  openLocalState,
  readDevVars,
  repoRoot,
  services,
  stateDir,
  urls,
} from '@edge-gallery/stack';
import type { VersionId } from '@edge-gallery/video-streaming/config/versions';
import autocannon, { type Result } from 'autocannon';
import { type CostRow, putCostModelRows, removeCostModelRows, runCostModel } from './cost-model.ts';
import { ensureStack } from './stack-process.ts';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MISS_VIDEOS = 1000;
const BIG_KEY = 'hls/bench-big/1g.bin';
const BIG_BYTES = 1024 ** 3;
const PART_BYTES = 64 * 1024 ** 2;
/** More growth than this while streaming 1 GiB means the body was buffered somewhere. */
const MEMORY_GROWTH_LIMIT = 128 * 1024 ** 2;

const reports = join(import.meta.dirname, '..', '.reports');
mkdirSync(reports, { recursive: true });
const missId = (i: number) => `bench-${String(i).padStart(4, '0')}`;

const video = readDevVars(join(repoRoot, services.video.dir));
const [playbackKey] = parsePlaybackKeys(video.get('PLAYBACK_TOKEN_SECRET') ?? '');
const adminToken = video.get('ADMIN_TOKEN') ?? '';
const token = (videoId: string) =>
  signPlaybackToken(
    { scope: playbackScope(videoId), expiresAt: Math.floor(Date.now() / 1000) + 3600, bucket: 0 },
    playbackKey!,
  );

async function putBenchObjects(): Promise<void> {
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
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
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

/** RSS of the video worker's workerd processes (those below `wrangler dev --port 8788`). */
function videoWorkerdRss(): number {
  const parentOf = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {}
  }
  const underVideo = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) {
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`--port\0${services.video.port}`))
          return true;
      } catch {}
    }
    return false;
  };
  let total = 0;
  for (const [pid, name] of names) {
    if (name !== 'workerd' || !underVideo(pid)) continue;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  }
  return total;
}

type Streamed = {
  how: string;
  /** The worker's own account of where the bytes came from (Server-Timing `cache`). */
  tier: string;
  bytes: number;
  seconds: number;
  before: number;
  peak: number;
  after: number;
};

/**
 * Streams the 1 GiB object through the video worker, sampling its workerd RSS. `range`
 * asks `bytes=0-` (a 206, which the worker streams without writing it to its cache).
 */
async function streamBig(range: boolean): Promise<Streamed> {
  const url = `${urls.video}/api/hls/bench-big/1g.bin?${token('bench-big')}`;
  const small = await fetch(url, { headers: { Range: 'bytes=0-0' } });
  await small.arrayBuffer();
  const before = videoWorkerdRss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, videoWorkerdRss());
  }, 100);
  const started = performance.now();
  const response = await fetch(url, range ? { headers: { Range: 'bytes=0-' } } : {});
  if (response.status !== (range ? 206 : 200) || response.body === null)
    throw new Error(`1 GiB: ${response.status}`);
  let bytes = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, videoWorkerdRss());
  const how = range ? 'Range bytes=0- (206)' : 'plain GET (200)';
  const tier = /cache;desc=([\w-]+)/.exec(response.headers.get('Server-Timing') ?? '')?.[1] ?? '?';
  return { how, tier, bytes, seconds, before, peak, after: videoWorkerdRss() };
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

async function main(): Promise<number> {
  const stack = await ensureStack({
    logFile: join(reports, 'bench-stack.log'),
    beforeStart: putBenchObjects,
  });
  const rows: Row[] = [];
  const notes: string[] = [];
  const memory: Streamed[] = [];
  let costModel: CostRow[] = [];
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
    // Range, then the plain GET again (now from the cache).
    if (big.status === 200) {
      for (const range of [false, true, false]) memory.push(await streamBig(range));
    } else
      notes.push(
        '1 GiB memory check skipped: the object is put only when the bench starts the stack',
      );

    const password = readDevVars(join(repoRoot, services.viewer.dir)).get('GALLERY_PASSWORD');
    const cost = await runCostModel(password ?? '');
    costModel = cost.rows;
    notes.push(...cost.notes);
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
  let failed = rows.some((r) => r.errors > 0);
  for (const run of memory) {
    const flat =
      run.peak - run.before <= MEMORY_GROWTH_LIMIT && run.after - run.before <= MEMORY_GROWTH_LIMIT;
    failed ||= !flat || run.bytes !== BIG_BYTES;
    console.log(
      `1 GiB through the video worker, ${run.how}, cache ${run.tier}: ${run.bytes} bytes in ${run.seconds.toFixed(1)} s ` +
        `(${mib(run.bytes / run.seconds)}/s); workerd RSS ${mib(run.before)} before, ` +
        `${mib(run.peak)} peak, ${mib(run.after)} after: ${flat ? 'flat' : 'GREW'}`,
    );
  }
  for (const note of notes) console.log(`note: ${note}`);
  writeFileSync(
    join(reports, 'bench.json'),
    `${JSON.stringify({ rows, memory, costModel, notes }, null, 2)}\n`,
  );
  return failed ? 1 : 0;
}

process.exitCode = await main();
