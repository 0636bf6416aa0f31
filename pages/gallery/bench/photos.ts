#!/usr/bin/env node
// `pnpm bench` → here: the photo side of the gallery in Chromium as guests use it, on a
// phone (390×844 at 3×) over an emulated phone network (CDP: 150 ms RTT, 9 Mbit/s down),
// with the production build of the SPA (`vite preview`), against the local stack. Not a test: it prints
// what it measured next to the issue's targets and never fails on one (it exits 1 only
// when something is wrong, e.g. an item missing from the scrolled grid).
//
//   tap → sharp photo   a camera-size photo (4032×3024) opened from the grid, until the
//                       photo is decoded and painted: today's design (the original, as
//                       the SPA shows items without a preview) and the preview, same run,
//                       browser cache cleared before each; ms and bytes
//   10,000 items        the grid scrolled to the end and swept top to bottom: DOM nodes,
//                       JS heap after GC, every item seen exactly once
//
// The bench's rows (one camera photo with its renditions, 10,000 rows sharing the demo's
// objects) go into the local state for the run and are deleted afterwards (and at the
// start, should a killed run have left them), while no worker runs: the bench starts the
// stack itself and refuses a running one. Run it under the stack lock:
//   flock /tmp/edge-stack.lock npx pnpm@10.34.9 --filter @edge-gallery/gallery bench
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureStack,
  MEDIA_COLUMNS,
  mediaInsert,
  mediaRow,
  openLocalState,
  prepareLocalState,
  stackVars,
  urls,
} from '@edge-gallery/stack';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { build } from 'vite';
import { launchBrowser } from '../e2e/browser.ts';

const here = join(import.meta.dirname, '..');
const reports = join(here, '.reports');
const screenshots = join(import.meta.dirname, 'screenshots');
const dist = join(here, 'dist');
const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
};
// Chromium's emulated network: latency is added to every request, as a round trip would.
const PHONE_NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: (9_000_000 / 8) | 0,
  uploadThroughput: (3_000_000 / 8) | 0,
};
const NO_THROTTLE = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
const TARGETS = { shownMs: 800, byteRatio: 4, domNodes: 2500 };
const CAMERA = 'bench-camera';
const PREFIX = 'bench-';

mkdirSync(reports, { recursive: true });
mkdirSync(screenshots, { recursive: true });
const log = (line: string) => console.log(`bench photos: ${line}`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** A camera-size JPEG (noisy enough to weigh what a phone's does) and its renditions. */
function makeCameraPhoto(dir: string) {
  const files = {
    original: join(dir, 'original.jpg'),
    preview: join(dir, 'preview.webp'),
    thumbnail: join(dir, 'thumbnail.webp'),
    thumbnailHd: join(dir, 'thumbnail-hd.webp'),
  };
  const ffmpeg = (...args: string[]) => {
    const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    if (run.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${run.stderr}`);
  };
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=4032x3024:rate=1,noise=alls=12:allf=t',
    '-frames:v',
    '1',
    '-q:v',
    '2',
    files.original,
  );
  // The import CLI's rendition sizes: a 2048 px preview, 480 and 960 px thumbnails.
  ffmpeg('-i', files.original, '-vf', 'scale=2048:-2', '-quality', '80', files.preview);
  ffmpeg('-i', files.original, '-vf', 'scale=480:-2', '-quality', '75', files.thumbnail);
  ffmpeg('-i', files.original, '-vf', 'scale=960:-2', '-quality', '75', files.thumbnailHd);
  return files;
}

/** The generated rows' own columns (SQL over n.i); the others are the shared photo's. */
const GENERATED: Partial<Record<(typeof MEDIA_COLUMNS)[number], string>> = {
  id: `printf('${PREFIX}%05d', n.i)`,
  title: `'Bench ' || n.i`,
  taken_at: `strftime('%Y-%m-%dT%H:%M:%S.000Z', '2024-01-01 00:00:00', '+' || (n.i * 2) || ' hours')`,
  video_id: 'NULL',
  duration_sec: 'NULL',
  uploaded_by: 'NULL',
};

/** The bench's rows: the camera photo first (oldest), then ROWS sharing the demo's photos. */
async function putBenchRows(): Promise<{ listed: number }> {
  // Migrations and the demo first, as the stack's start would (a fresh checkout).
  await prepareLocalState();
  // Made before the state is opened: ffmpeg blocks the event loop for seconds, and the
  // binding proxy's idle sockets are closed by workerd meanwhile ("other side closed").
  const dir = mkdtempSync(join(tmpdir(), 'edge-gallery-bench-'));
  const files = makeCameraPhoto(dir);
  const state = await openLocalState();
  try {
    await deleteBenchRows(state);
    try {
      const keys = {
        original: `originals/${CAMERA}.jpg`,
        preview: `previews/${CAMERA}.webp`,
        thumbnail: `thumbnails/${CAMERA}.webp`,
        thumbnailHd: `thumbnails/${CAMERA}-hd.webp`,
      };
      for (const name of ['original', 'preview', 'thumbnail', 'thumbnailHd'] as const) {
        const path = files[name];
        const key = keys[name];
        await state.putObject(key, { path, size: statSync(path).size });
      }
      const camera = mediaRow({
        id: CAMERA,
        kind: 'image',
        title: 'Camera photo (bench)',
        taken_at: '2023-12-31T12:00:00.000Z',
        width: 4032,
        height: 3024,
        bytes: statSync(files.original).size,
        original_key: keys.original,
        thumbnail_key: keys.thumbnail,
        thumbnail_hd_key: keys.thumbnailHd,
        preview_key: keys.preview,
        video_id: null,
        duration_sec: null,
      });
      const insert = mediaInsert(camera);
      await state.db
        .prepare(insert.sql)
        .bind(...insert.params)
        .run();
      // The 10,000 in one statement, generated by SQLite: a batch of that many statements
      // through the binding proxy is megabytes and workerd drops it. Each row shares the
      // objects of one of the listed photos; two hours apart, they span some 27 months.
      const generated = MEDIA_COLUMNS.map((column) => GENERATED[column] ?? `p.${column}`);
      await state.db
        .prepare(
          `INSERT INTO media (${MEDIA_COLUMNS.join(', ')})
           WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1),
             photos AS (
               SELECT *, row_number() OVER (ORDER BY id) - 1 AS k FROM media
               WHERE kind = 'image' AND state = 'listed' AND id NOT LIKE '${PREFIX}%'
             ),
             total AS (SELECT count(*) AS c FROM photos)
           SELECT ${generated.join(', ')}
           FROM n JOIN total JOIN photos p ON p.k = n.i % total.c`,
        )
        .bind(ROWS)
        .run();
      const count = await state.db
        .prepare("SELECT count(*) AS n FROM media WHERE state = 'listed'")
        .first<{ n: number }>();
      return { listed: count?.n ?? 0 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await state.dispose();
  }
}

async function deleteBenchRows(state?: Awaited<ReturnType<typeof openLocalState>>) {
  const own = state ?? (await openLocalState());
  try {
    await own.db.prepare('DELETE FROM media WHERE id LIKE ?').bind(`${PREFIX}%`).run();
    await own.media.delete([
      `originals/${CAMERA}.jpg`,
      `previews/${CAMERA}.webp`,
      `thumbnails/${CAMERA}.webp`,
      `thumbnails/${CAMERA}-hd.webp`,
    ]);
  } finally {
    if (!state) await own.dispose();
  }
}

async function logIn(page: Page, password: string) {
  await page.goto(urls.spa);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Open the gallery' }).click();
  await page.locator('.grid .tile').first().waitFor();
}

/** Bytes received per URL (encoded, i.e. what crossed the network), from the tap on. */
function countBytes(cdp: CDPSession) {
  const urlOf = new Map<string, string>();
  const received: { url: string; bytes: number }[] = [];
  cdp.on('Network.requestWillBeSent', (event) => urlOf.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) =>
    received.push({ url: urlOf.get(event.requestId) ?? '', bytes: event.encodedDataLength }),
  );
  return { mark: () => received.length, since: (mark: number) => received.slice(mark) };
}

type Shown = { ms: number; bytes: number; totalBytes: number; src: string };

/** Taps the camera photo's tile and waits until the lightbox's photo is decoded and painted. */
async function tapToSharp(page: Page, cdp: CDPSession, bytes: ReturnType<typeof countBytes>) {
  await cdp.send('Network.clearBrowserCache');
  await page.goto(`${urls.spa}/#/`);
  await page.reload();
  const tile = page.locator(`.grid a[data-id="${CAMERA}"]`);
  await page.locator(`.grid .tile.is-loaded a[data-id="${CAMERA}"]`).waitFor();
  await page.evaluate(() => {
    const state = window as unknown as { tapAt?: number; shown?: Promise<unknown> };
    document.addEventListener('pointerdown', () => (state.tapAt = performance.now()), {
      capture: true,
      once: true,
    });
    state.shown = new Promise((resolve, reject) => {
      const check = () => {
        // A photo that cannot be shown ends the measurement instead of hanging it.
        const failed = document.querySelector('.stage-frame[data-state="failed"] .stage-photo');
        if (failed) {
          observer.disconnect();
          reject(new Error(`the lightbox could not show ${(failed as HTMLImageElement).src}`));
          return;
        }
        const photo = document.querySelector<HTMLImageElement>(
          '.stage-frame[data-state="ready"] .stage-photo',
        );
        if (!photo) return;
        observer.disconnect();
        void photo
          .decode()
          .catch(() => {})
          .then(() =>
            requestAnimationFrame(() => resolve({ at: performance.now(), src: photo.currentSrc })),
          );
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  });
  await cdp.send('Network.emulateNetworkConditions', PHONE_NETWORK);
  const mark = bytes.mark();
  await tile.tap();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no photo shown within 120 s of the tap')), 120_000).unref(),
  );
  const shown = (await Promise.race([
    timeout,
    page.evaluate(async () => {
      const state = window as unknown as {
        tapAt: number;
        shown: Promise<{ at: number; src: string }>;
      };
      const { at, src } = await state.shown;
      return { ms: at - state.tapAt, src };
    }),
  ])) as { ms: number; src: string };
  const after = bytes.since(mark);
  await cdp.send('Network.emulateNetworkConditions', NO_THROTTLE);
  const result: Shown = {
    ms: Math.round(shown.ms),
    src: shown.src,
    bytes: after.filter((r) => r.url === shown.src).reduce((sum, r) => sum + r.bytes, 0),
    totalBytes: after.reduce((sum, r) => sum + r.bytes, 0),
  };
  for (const other of after.filter((r) => r.url !== shown.src && r.bytes > 1024))
    log(`    also: ${kib(other.bytes)} ${new URL(other.url).pathname}`);
  await page.keyboard.press('Escape');
  return result;
}

/** Today's design: no item has a preview, so the lightbox (and its prefetch) use originals. */
async function withoutPreviews(context: BrowserContext) {
  // The viewer's routes are on the page's origin (proxied); the viewer's own URL works too.
  const isListing = (url: URL) => url.pathname === '/api/media';
  await context.route(isListing, async (route) => {
    const response = await route.fetch();
    const listing = (await response.json()) as MediaPage;
    for (const item of listing.items) delete item.previewUrl;
    await route.fulfill({ response, json: listing });
  });
  return () => context.unroute(isListing);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Scrolls to the end (loading every page), then sweeps top to bottom collecting the tiles. */
async function scrollGallery(page: Page, cdp: CDPSession) {
  await page.goto(`${urls.spa}/#/`);
  await page.reload();
  await page.locator('.grid .tile').first().waitFor();
  const started = Date.now();
  const loaded = await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      window.scrollTo(0, document.documentElement.scrollHeight);
      await frame();
      most = Math.max(most, document.getElementsByTagName('*').length);
      if (document.querySelector('.feed-status')?.textContent?.startsWith('That’s everything'))
        break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { most, status: document.querySelector('.feed-status')?.textContent ?? '' };
  });
  const scrollMs = Date.now() - started;
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  const atEnd = {
    elements: await page.evaluate(() => document.getElementsByTagName('*').length),
    nodes: metric('Nodes'),
    heap: metric('JSHeapUsedSize'),
  };
  await page.screenshot({ path: join(screenshots, 'grid-phone-end.png') });

  const sweep = await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const seen = new Map<string, number>();
    let duplicatesInView = 0;
    let most = 0;
    const step = Math.floor(window.innerHeight * 0.9);
    for (let y = 0; ; y += step) {
      window.scrollTo(0, y);
      await frame();
      const ids = [...document.querySelectorAll('.grid .tile a')].map(
        (a) => a.getAttribute('data-id') ?? '',
      );
      if (new Set(ids).size !== ids.length) duplicatesInView++;
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
      most = Math.max(most, document.getElementsByTagName('*').length);
      if (window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1) break;
    }
    return { distinct: seen.size, duplicatesInView, most };
  });
  return { loaded, scrollMs, atEnd, sweep };
}

/**
 * Scroll position: opening and closing a photo deep in the gallery leaves the grid where
 * it was; a reload on a deep #/media/<id> link, closed, shows that item's tile, focused.
 */
async function keepsPlace(page: Page) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.6));
  await page.waitForTimeout(200);
  const inView = await page.evaluate(() => {
    const bar = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
    const visible = [...document.querySelectorAll('.grid .tile a')].filter((a) => {
      const box = a.getBoundingClientRect();
      return box.top > bar && box.bottom < window.innerHeight - 80;
    });
    return visible[2]?.getAttribute('data-id') ?? '';
  });
  const tile = page.locator(`.grid a[data-id="${inView}"]`);
  const before = await page.evaluate(() => window.scrollY);
  await tile.tap();
  await page.locator('.stage-frame[data-state="ready"]').waitFor();
  await page.keyboard.press('Escape');
  await page
    .getByRole('dialog')
    .waitFor({ state: 'detached' })
    .catch(() => {});
  await page.waitForTimeout(200);
  const after = await page.evaluate(() => window.scrollY);

  const id = `${PREFIX}07500`;
  await page.goto(`${urls.spa}/#/media/${id}`);
  await page.reload();
  await page.locator('.lightbox-title', { hasText: 'Bench 7500' }).waitFor();
  await page.keyboard.press('Escape');
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-id') === id, id);
  const linked = await page.evaluate(() => {
    const box = document.activeElement!.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  await page.screenshot({ path: join(screenshots, 'grid-phone-after-link.png') });
  return { closeKeepsScroll: before === after, before, after, reloadedLinkInView: linked };
}

async function jumpToMonth(page: Page) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const select = page.locator('.month-jump-select');
  await select.waitFor();
  const options = await select.locator('option').evaluateAll((o) =>
    o.map((option) => ({
      value: (option as HTMLOptionElement).value,
      label: option.textContent,
    })),
  );
  const target = options[Math.min(12, options.length - 2)]!;
  await select.selectOption(target.value);
  await page.waitForTimeout(100);
  const heading = await page.evaluate(() => {
    const bar = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
    const visible = [...document.querySelectorAll('.grid-day')].find((h) => {
      const box = h.getBoundingClientRect();
      return box.bottom > bar && box.top < window.innerHeight;
    });
    const label = visible?.querySelector('h2')?.textContent ?? '';
    return { day: visible?.getAttribute('data-day') ?? '', label };
  });
  await page.screenshot({ path: join(screenshots, 'grid-phone-month.png') });
  // Sections are days: the jump lands on the first day of the chosen month.
  return {
    months: options.length,
    chose: target.label,
    landedOn: heading.label,
    landedRight: heading.day.slice(0, 7) === target.value,
  };
}

async function main(): Promise<number> {
  // The rows and objects go in before the workers start: a second workerd writing the
  // state they hold open fails (R2 puts are refused mid-body).
  // The SPA is the production build: `vite preview` of what is built here (STACK_SPA).
  await build({ root: here, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
  let listed = 0;
  const stack = await ensureStack({
    logFile: join(reports, 'bench-stack.log'),
    env: { STACK_SPA: 'preview' },
    reuse: false,
    beforeStart: async () => {
      ({ listed } = await putBenchRows());
    },
  });
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    log(`${listed} listed rows (${ROWS} bench rows + a 4032×3024 camera photo + the demo)`);
    const password = stackVars('viewer').get('GALLERY_PASSWORD') ?? '';

    browser = await launchBrowser(PHONE);
    const { context } = browser;
    context.setDefaultTimeout(60_000);
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    const bytes = countBytes(cdp);
    await logIn(page, password);

    const runs: { original: Shown[]; preview: Shown[] } = { original: [], preview: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const restore = await withoutPreviews(context);
      runs.original.push(await tapToSharp(page, cdp, bytes));
      await restore();
      runs.preview.push(await tapToSharp(page, cdp, bytes));
    }
    for (const [design, list] of Object.entries(runs)) {
      for (const run of list)
        log(
          `  ${design.padEnd(8)} ${run.ms} ms, ${kib(run.bytes)} photo, ${kib(run.totalBytes)} in all`,
        );
    }
    const original = {
      ms: median(runs.original.map((r) => r.ms)),
      bytes: median(runs.original.map((r) => r.bytes)),
    };
    const preview = {
      ms: median(runs.preview.map((r) => r.ms)),
      bytes: median(runs.preview.map((r) => r.bytes)),
    };
    const ratio = original.bytes / Math.max(1, preview.bytes);

    // Screenshots of the lightbox on the phone: the preview, then zoomed into the original.
    await page.locator(`.grid a[data-id="${CAMERA}"]`).tap();
    await page.locator('.stage-frame[data-state="ready"]').waitFor();
    await page.screenshot({ path: join(screenshots, 'lightbox-phone-preview.png') });
    // One click zooms (a double tap on a phone; a mouse click here, which reads the same).
    await page.locator('.stage-frame').click();
    await page.locator('.stage-frame[data-original="ready"]').waitFor();
    await page.screenshot({ path: join(screenshots, 'lightbox-phone-zoomed.png') });
    await page.keyboard.press('Escape');

    const scroll = await scrollGallery(page, cdp);
    const month = await jumpToMonth(page);
    const place = await keepsPlace(page);

    const complete = scroll.sweep.distinct === listed && scroll.sweep.duplicatesInView === 0;
    const target = (ok: boolean) => (ok ? 'met' : 'NOT met');
    log('');
    log(`tap → sharp photo (390×844 @3×, 150 ms RTT, 9 Mbit/s), median of ${ROUNDS}:`);
    log(`  today (original)  ${original.ms} ms, ${kib(original.bytes)}`);
    log(`  preview           ${preview.ms} ms, ${kib(preview.bytes)}`);
    log(
      `  ${(original.ms / Math.max(1, preview.ms)).toFixed(1)}× faster, ${ratio.toFixed(1)}× fewer bytes`,
    );
    log(
      `  target: shown ≤ ${TARGETS.shownMs} ms: ${preview.ms} ms, ${target(preview.ms <= TARGETS.shownMs)}`,
    );
    log(
      `  target: ≥ ${TARGETS.byteRatio}× fewer bytes: ${ratio.toFixed(1)}×, ${target(ratio >= TARGETS.byteRatio)}`,
    );
    log(
      `${listed} items scrolled to the end in ${(scroll.scrollMs / 1000).toFixed(1)} s (${scroll.loaded.status})`,
    );
    log(
      `  DOM at the end: ${scroll.atEnd.elements} elements (${scroll.atEnd.nodes} nodes with text), most while loading ${scroll.loaded.most}, while sweeping ${scroll.sweep.most}`,
    );
    log(`  JS heap after GC: ${(scroll.atEnd.heap / 1024 ** 2).toFixed(1)} MiB`);
    log(
      `  target: DOM ≤ ${TARGETS.domNodes} nodes: ${scroll.atEnd.nodes}, ${target(scroll.atEnd.nodes <= TARGETS.domNodes)}`,
    );
    log(
      `  every item exactly once: ${scroll.sweep.distinct} of ${listed} seen, ${scroll.sweep.duplicatesInView} views with a duplicate: ${complete ? 'yes' : 'NO'}`,
    );
    log(`month index: ${month.months} entries; chose ${month.chose}, landed on ${month.landedOn}`);
    log(
      `scroll kept when the lightbox closes: ${place.closeKeepsScroll ? 'yes' : `NO (${place.before} → ${place.after})`}; reload on #/media/${PREFIX}07500, closed: its tile ${place.reloadedLinkInView ? 'in view and focused' : 'NOT in view'}`,
    );
    writeFileSync(
      join(reports, 'bench-photos.json'),
      `${JSON.stringify({ runs, original, preview, ratio, listed, scroll, month, place, targets: TARGETS }, null, 2)}\n`,
    );
    const placeKept = place.closeKeepsScroll && place.reloadedLinkInView;
    return complete && month.landedRight && placeKept ? 0 : 1;
  } finally {
    await browser?.close();
    await stack.stop();
    await deleteBenchRows().catch((error) => log(`could not delete the bench rows: ${error}`));
  }
}

process.exitCode = await main();
