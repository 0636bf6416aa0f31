#!/usr/bin/env node
// `pnpm bench` → here: how fast a guest's tap on a video shows a moving picture, in
// Debian's Chromium at phone size on emulated networks, against the local stack serving
// the SPA's production build. Not a test: it prints a table (targets reported, never
// asserted) and .reports/bench-video.json, and exits non-zero only when it cannot measure.
//
//   designs   hls       this gallery: presigned segment URLs in the playlists (presign)
//             hls-before  the same, with the SPA of BENCH_BEFORE_DIST (another commit's build)
//             redirect  every segment URI on the video worker, answered 302 to a presigned
//                       URL (the design this one replaces; the worker's `redirect` rollout)
//             mp4       the original MP4 in a plain <video>, downloaded progressively
//   scenarios cold      a fresh browser (nothing cached), the page opened, the tap COLD_TAP_MS
//                       after the video's tile showed
//             warm      the tap WARM_MS after the tile showed (the gallery open a while)
//   long      a 20-minute 1080p ladder of 2-s segments (600 per rendition): first frame,
//             and a seek to the middle
//
// Needs the stack's ports free: it starts the stack itself (STACK_SPA=preview, i.e.
// `vite preview` of the build made here) and puts the long video into the local state
// while no worker runs; its D1 row is removed again at the end. Run it under the lock:
//   flock /tmp/edge-stack.lock npx pnpm@10.34.9 --filter @edge-gallery/gallery bench
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import {
  ensureStack,
  mediaInsert,
  mediaRow,
  openLocalState,
  prepareLocalState,
  repoRoot,
  type Stack,
  stackVars,
  urls,
} from '@edge-gallery/stack';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/browser.ts';
import { ensureLongVideo, LONG_VIDEO_SECONDS, type LongVideo } from './long-video.ts';
import { formatReport, type Row } from './report.ts';
import { COLD_TAP_MS, PHONE, PROFILES, runTrial, type Trial, type TrialResult } from './trial.ts';

const here = join(import.meta.dirname, '..');
const reports = join(here, '.reports');
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'video-bench');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
/** BENCH_LONG=skip leaves the 20-minute video out (a quick run while changing the SPA). */
const LONG = process.env.BENCH_LONG !== 'skip';
const WARM_MS = 5000;
/** BENCH_WATERFALL=1 prints each trial's requests after the tap (what to speed up next). */
const WATERFALL = process.env.BENCH_WATERFALL === '1';
/** BENCH_ONLY=hls measures one design (a quick run while trying a lever). */
const ONLY = process.env.BENCH_ONLY;
const LONG_ID = 'bench-long';
/**
 * BENCH_BEFORE_DIST=<dir>: a `vite build` of another commit (e.g. main's), measured as the
 * `hls-before` design in the same run, through the same stack (the preview server reads
 * dist/ per request; the bench swaps it in and back). Before/after in one run, on one
 * machine state.
 */
const BEFORE_DIST = process.env.BENCH_BEFORE_DIST;
const DIST = join(here, 'dist');
const DIST_AFTER = join(here, 'dist.bench-after');

function swapDist(before: string): void {
  if (!existsSync(DIST_AFTER)) renameSync(DIST, DIST_AFTER);
  rmSync(DIST, { recursive: true, force: true });
  cpSync(before, DIST, { recursive: true });
}

function restoreDist(): void {
  if (!existsSync(DIST_AFTER)) return;
  rmSync(DIST, { recursive: true, force: true });
  renameSync(DIST_AFTER, DIST);
}
const DEMO_TILE = 'demo-13';
const LONG_TILE = LONG_ID;

class CannotMeasure extends Error {}

function cannotMeasure(why: string): never {
  throw new CannotMeasure(why);
}

async function putLongVideo(video: LongVideo): Promise<void> {
  const state = await openLocalState();
  try {
    if ((await state.media.head(`hls/${LONG_ID}/master.m3u8`)) === null) {
      console.log('bench: putting the long video into the local bucket');
      for (const file of video.files) {
        await state.putObject(
          `hls/${LONG_ID}/${file.name}`,
          { path: join(video.dir, file.name), size: file.size },
          {
            contentType: file.name.endsWith('.m3u8')
              ? 'application/vnd.apple.mpegurl'
              : 'video/mp4',
          },
        );
      }
    }
    const row = mediaRow({
      id: LONG_ID,
      kind: 'video',
      title: 'Bench: 20 minutes',
      // Right after the demo video, so both tiles are found the same way.
      taken_at: '2026-06-13T18:30:00.000Z',
      width: 1920,
      height: 1080,
      bytes: 0,
      original_key: 'originals/demo-13.mp4',
      thumbnail_key: 'thumbnails/demo-13.webp',
      video_id: LONG_ID,
      duration_sec: LONG_VIDEO_SECONDS,
    });
    const { sql, params } = mediaInsert(row, 'replace');
    await state.db
      .prepare(sql)
      .bind(...params)
      .run();
  } finally {
    await state.dispose();
  }
}

/** The long video's row must not outlive the bench: the e2e tests list exactly the demo. */
async function removeLongVideoRow(): Promise<void> {
  const state = await openLocalState();
  try {
    await state.db.prepare('DELETE FROM media WHERE id = ?').bind(LONG_ID).run();
  } finally {
    await state.dispose();
  }
}

// Read when needed: the first start of the stack writes the .dev.vars files.
const adminToken = () => stackVars('video').get('ADMIN_TOKEN') ?? '';

async function publishRollout(rollout: Record<string, number>): Promise<void> {
  const headers = {
    Authorization: `Bearer ${adminToken()}`,
    'Content-Type': 'application/json',
  };
  const current = (await (await fetch(`${urls.video}/admin/config`, { headers })).json()) as {
    config: Record<string, unknown>;
  };
  const response = await fetch(`${urls.video}/admin/config`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({
      ...current.config,
      rollout: { presign: 0, token: 0, public: 0, redirect: 0, ...rollout },
    }),
  });
  if (response.status !== 201) {
    cannotMeasure(`publishing rollout ${JSON.stringify(rollout)}: ${await response.text()}`);
  }
}

async function adminVersion(): Promise<string | number | null> {
  const response = await fetch(`${urls.video}/admin/config`, {
    headers: { Authorization: `Bearer ${adminToken()}` },
  });
  return ((await response.json()) as { version: string | number | null }).version;
}

async function rollback(version: string | number | null): Promise<void> {
  if (version === null) return;
  await fetch(`${urls.video}/admin/config/rollback`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${adminToken()}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ version }),
  });
}

/** Logs in once (logins are rate-limited); every trial starts from this cookie jar. */
async function login(browser: Browser) {
  const password = stackVars('viewer').get('GALLERY_PASSWORD');
  if (!password) cannotMeasure('no GALLERY_PASSWORD in workers/viewer/.dev.vars');
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await page.goto(urls.spa);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Open the gallery' }).click();
    await page
      .locator(`.grid .tile a[data-id="${DEMO_TILE}"]`)
      .waitFor({ state: 'attached', timeout: 60_000 });
    // The original's URL as the listing hands it out (the page already holds it on tap).
    const mp4Url = await page.evaluate(async () => {
      for (const base of [location.origin, 'http://localhost:8787']) {
        const response = await fetch(`${base}/api/media?kind=video&limit=50`, {
          credentials: 'include',
        }).catch(() => undefined);
        if (!response?.ok || !/json/.test(response.headers.get('content-type') ?? '')) continue;
        const page = (await response.json()) as { items: { id: string; fileUrl: string }[] };
        const item = page.items.find((i) => i.id === 'demo-13');
        if (item) return new URL(item.fileUrl, response.url).href;
      }
      return undefined;
    });
    if (mp4Url === undefined) cannotMeasure('the listing has no demo video (demo-13)');
    return { storageState: await context.storageState(), mp4Url };
  } finally {
    await context.close();
  }
}

/**
 * The page's scripts and styles as the preview server sends them to Chromium. Cloudflare
 * Pages answers a browser with brotli (gzip without it); `vite preview` (Vite 8) gzips text
 * assets of 1 KiB and more. An uncompressed script would time a download no guest has.
 */
async function servedAssets(): Promise<string[]> {
  const dir = join(here, 'dist', 'assets');
  const lines: string[] = [];
  for (const name of readdirSync(dir).filter((n) => /\.(js|css)$/.test(n))) {
    const { encoding, bytes } = await new Promise<{ encoding: string; bytes: number }>(
      (resolve, reject) => {
        get(
          `${urls.spa}/assets/${name}`,
          { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } },
          (response) => {
            let bytes = 0;
            response.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
            });
            response.on('end', () =>
              resolve({ encoding: response.headers['content-encoding'] ?? 'identity', bytes }),
            );
            response.on('error', reject);
          },
        ).on('error', reject);
      },
    );
    const size = statSync(join(dir, name)).size;
    if (encoding === 'identity' && size > 1024) {
      cannotMeasure(`the preview server sends ${name} uncompressed (a guest gets it compressed)`);
    }
    lines.push(
      `${name} ${Math.round(size / 1024)} KiB → ${Math.round(bytes / 1024)} KiB ${encoding}`,
    );
  }
  return lines;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(results: TrialResult[]) {
  const frames = results.map((r) => r.firstFrameMs).filter((v) => v !== undefined);
  return {
    firstFrameMs: median(frames),
    missed: results.length - frames.length,
    shownToTapMs: median(results.map((r) => r.shownToTapMs).filter((v) => v !== undefined)),
    stalls: Math.max(...results.map((r) => r.stalls)),
    stalledMs: median(results.map((r) => r.stalledMs)) ?? 0,
    bytes: median(results.map((r) => r.bytes)) ?? 0,
    seekMs: median(results.map((r) => r.seekMs).filter((v) => v !== undefined)),
    media: {
      storage: median(results.map((r) => r.media.storage)) ?? 0,
      worker: median(results.map((r) => r.media.worker)) ?? 0,
      redirected: median(results.map((r) => r.media.redirected)) ?? 0,
    },
  };
}

/**
 * A row measures its design only if the media came the way the design says: the redirect
 * baseline's segments from storage through the worker's 302 (a rollout that did not take
 * would time this gallery twice), the others straight from storage with no redirect.
 */
function checkPath(design: Row['design'], results: TrialResult[]): void {
  for (const { media, firstFrameMs } of results) {
    if (firstFrameMs === undefined) continue;
    const ok =
      design === 'redirect'
        ? media.redirected > 0 && media.redirected === media.storage && media.worker === 0
        : media.redirected === 0 && media.storage > 0 && media.worker === 0;
    if (!ok) {
      cannotMeasure(
        `the ${design} design's media did not come the way it says: ${JSON.stringify(media)}`,
      );
    }
  }
}

async function main(): Promise<void> {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    cannotMeasure(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  }
  mkdirSync(reports, { recursive: true });
  const longVideo = LONG
    ? await ensureLongVideo(cacheDir).catch((error: Error) =>
        cannotMeasure(`making the long video with ffmpeg: ${error.message}`),
      )
    : undefined;

  // BENCH_BUILD=skip measures the dist/ already there (e.g. built from an older commit).
  if (process.env.BENCH_BUILD !== 'skip') {
    console.log('bench: vite build');
    const build = spawnSync('vite', ['build'], {
      cwd: here,
      stdio: 'inherit',
      env: {
        ...process.env,
        PATH: `${join(here, 'node_modules/.bin')}:${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}`,
      },
    });
    if (build.status !== 0) cannotMeasure('vite build failed');
  }

  let stack: Stack | undefined;
  let initialVersion: string | number | null = null;
  const rows: Row[] = [];
  try {
    stack = await ensureStack({
      logFile: join(reports, 'bench-stack.log'),
      reuse: false,
      env: { STACK_SPA: 'preview' },
      beforeStart: async () => {
        // A clean clone's state has no tables yet: the stack's own first-start preparation
        // (migrations, demo), which start.ts then finds done.
        await prepareLocalState();
        if (longVideo) await putLongVideo(longVideo);
      },
    }).catch((error: Error) => cannotMeasure(error.message));
    initialVersion = await adminVersion();
    console.log(`bench: page assets as served: ${(await servedAssets()).join(', ')}`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const { storageState, mp4Url } = await login(browser);
      const options = {
        galleryUrl: urls.spa,
        storageState,
        storageOrigin: new URL(urls.devS3).origin,
        videoOrigin: new URL(urls.video).origin,
      };
      const run = async (label: Omit<Row, 'result'>, trial: Trial, runner = browser) => {
        const results: TrialResult[] = [];
        for (let i = 0; i < REPEATS; i++) results.push(await runTrial(runner, options, trial));
        checkPath(label.design, results);
        const row = { ...label, result: summarise(results) };
        rows.push(row);
        console.log(
          `bench: ${label.profile} ${label.design} ${label.scenario}: ${results.map((r) => r.firstFrameMs?.toFixed(0) ?? '—').join(', ')} ms`,
        );
      };
      // The redirect baseline plays only with CORS checks off: after the worker's
      // cross-origin 302 the browser sends `Origin: null` to storage (Fetch's tainted
      // origin), which a bucket with an origin list refuses (R2 would need AllowedOrigins
      // "*", and the dev S3 endpoint, like the gallery's CORS everywhere, never allows
      // null). With the checks off the requests are the same ones (a GET with Origin: null
      // after the 302, no preflight: hls.js sends no custom header), and checkPath makes
      // sure each measured segment did cross the 302.
      const relaxed = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [...CHROMIUM_ARGS, '--disable-web-security'],
      });
      // Closed however the run ends: an open browser would keep the bench from exiting.
      try {
        const designs = [
          ...(BEFORE_DIST === undefined ? [] : (['hls-before'] as const)),
          ...(['hls', 'redirect', 'mp4'] as const),
        ];
        for (const design of designs) {
          if (ONLY !== undefined && !ONLY.split(',').includes(design)) continue;
          await publishRollout(design === 'redirect' ? { redirect: 100 } : { presign: 100 });
          const runner = design === 'redirect' ? relaxed : browser;
          if (design === 'hls-before') swapDist(BEFORE_DIST!);
          else restoreDist();
          // One trial not counted: the local stack's first requests on a path (workerd
          // compiling, the video worker reading its config from KV, storage's first open)
          // cost hundreds of ms that a deployed worker does not, and fell on whichever row
          // came first.
          const first = await runTrial(runner, options, {
            profile: PROFILES[0]!,
            tapAfterMs: COLD_TAP_MS,
            tile: DEMO_TILE,
            mp4Url: design === 'mp4' ? mp4Url : undefined,
          });
          console.log(
            `bench: ${design} warm-up trial (not counted): ${first.firstFrameMs?.toFixed(0) ?? '—'} ms`,
          );
          for (const profile of PROFILES) {
            for (const scenario of ['cold', 'warm'] as const) {
              await run(
                { profile: profile.name, design, scenario, video: 'demo (6 s)' },
                {
                  profile,
                  tapAfterMs: scenario === 'warm' ? WARM_MS : COLD_TAP_MS,
                  tile: DEMO_TILE,
                  mp4Url: design === 'mp4' ? mp4Url : undefined,
                  waterfall: WATERFALL,
                },
                runner,
              );
            }
          }
        }
      } finally {
        await relaxed.close();
      }
      restoreDist();
      await publishRollout({ presign: 100 });
      for (const profile of LONG ? PROFILES : []) {
        await run(
          { profile: profile.name, design: 'hls', scenario: 'warm', video: 'long (20 min)' },
          {
            profile,
            tapAfterMs: WARM_MS,
            tile: LONG_TILE,
            seekTo: LONG_VIDEO_SECONDS / 2,
            waterfall: WATERFALL,
          },
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    restoreDist();
    await rollback(initialVersion).catch(() => {});
    await stack?.stop();
    if (stack?.started) await removeLongVideoRow();
  }

  const report = formatReport(rows, REPEATS);
  console.log(`\n${report}`);
  writeFileSync(
    join(reports, 'bench-video.json'),
    `${JSON.stringify({ repeats: REPEATS, rows }, null, 2)}\n`,
  );
}

try {
  await main();
} catch (error) {
  console.error(
    error instanceof CannotMeasure
      ? `bench: cannot measure: ${error.message}`
      : `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exitCode = 1;
}
