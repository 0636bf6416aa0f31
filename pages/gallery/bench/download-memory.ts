// Memory while "Download all" saves a ~1 GiB gallery: the page's JS heap and the whole
// browser's resident memory (every Chromium process), sampled while the service worker
// streams the ZIP to disk. Flat means streamed; a Blob of the archive would add ~1 GiB.
// The gallery is generated here: a listing of rows that all share the largest original
// (served by the running stack), answered to the page in place of /api/media.
//
//   flock /tmp/edge-stack.lock node bench/download-memory.ts   (part of `bench`)
// Reuses a running stack, else starts one serving the built page (STACK_SPA=preview) and
// stops it after. DOWNLOAD_BENCH_MIB=1024 by default.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStack, stackVars, urls } from '@edge-gallery/stack';
import type { MediaItem, MediaPage } from '@edge-gallery/viewer/media-item';
import { build } from 'vite';
import { launchBrowser } from '../e2e/browser.ts';
import { readEntry, readZip } from '../e2e/zip-reader.ts';

const GALLERY_URL = urls.spa;
const TARGET_BYTES = Number(process.env.DOWNLOAD_BENCH_MIB ?? 1024) * 2 ** 20;
const PAGE = 100;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Resident memory of a process and all its descendants (Linux /proc), in bytes. */
function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {}
  }
  let total = 0;
  for (const queue = [root]; queue.length; ) {
    const pid = queue.pop()!;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {}
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function main(): Promise<number> {
  const reports = join(import.meta.dirname, '..', '.reports');
  mkdirSync(reports, { recursive: true });
  // The page measured is the production build (`vite preview` serves it): built here, so the
  // bench runs on its own as well as after the others.
  const here = join(import.meta.dirname, '..');
  await build({ root: here, logLevel: 'warn', build: { outDir: join(here, 'dist') } });
  const stack = await ensureStack({
    logFile: join(reports, 'download-bench-stack.log'),
    env: { STACK_SPA: 'preview' },
  });
  const PASSWORD = stackVars('viewer').get('GALLERY_PASSWORD')!;
  const browser = await launchBrowser();
  try {
    const { context } = browser;
    context.setDefaultTimeout(60_000);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${GALLERY_URL}/#/join/${encodeURIComponent(PASSWORD)}`);
    await page.locator('.grid .tile').first().waitFor();

    // The largest original the stack serves, shared by every generated row.
    const { item, size } = await page.evaluate(async () => {
      const listing = (await (await fetch('/api/media?limit=100')).json()) as MediaPage;
      let best: { item: MediaItem; size: number } | undefined;
      for (const item of listing.items) {
        // GET, not HEAD: a presigned URL is signed for its method.
        const size = (await (await fetch(item.fileUrl)).arrayBuffer()).byteLength;
        if (!best || size > best.size) best = { item, size };
      }
      return best!;
    });
    const rows = Math.ceil(TARGET_BYTES / size);
    console.log(
      `download bench: ${rows} rows sharing ${item.fileUrl} (${mib(size)}) = ${mib(rows * size)}`,
    );
    await page.route('**/api/media?*', async (route) => {
      const url = new URL(route.request().url());
      const start = Number(url.searchParams.get('cursor') || 0);
      const items = Array.from({ length: Math.min(PAGE, rows - start) }, (_, i) => ({
        ...item,
        id: `bench-${start + i}`,
        title: `bench ${start + i}`,
      }));
      const body: MediaPage = {
        items,
        nextCursor: start + PAGE < rows ? String(start + PAGE) : null,
        expiresAt: item ? Math.floor(Date.now() / 1000) + 3600 : null,
      };
      await route.fulfill({ json: body });
    });

    const browserPid = Number(
      (await import('node:child_process'))
        .execSync(`pgrep -o -f -- '--user-data-dir=${browser.userDataDir}'`)
        .toString()
        .trim(),
    );
    const samples: { rss: number; heap: number; files: string }[] = [];
    const sample = async () => {
      const heap = await page.evaluate(
        () =>
          (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
      );
      const files = (await page.locator('.zip-progress .download-text').textContent()) ?? '';
      samples.push({ rss: treeRss(browserPid), heap, files });
    };
    await sample();
    const started = Date.now();
    const downloadEvent = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByRole('button', { name: 'Download all' }).click();
    const download = await downloadEvent;
    let finished = false;
    const saved = download.path().finally(() => {
      finished = true;
    });
    while (!finished) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const path = await saved;
    const seconds = (Date.now() - started) / 1000;
    await sample();

    const entries = await readZip(path);
    let bytes = 0;
    for (const entry of entries) await readEntry(path, entry, (chunk) => (bytes += chunk.length));
    const base = samples[0]!;
    const peakRss = Math.max(...samples.map((s) => s.rss));
    const peakHeap = Math.max(...samples.map((s) => s.heap));
    console.log('\n  t      browser RSS   page JS heap   progress');
    samples.forEach((s, i) => {
      if (i % Math.max(1, Math.floor(samples.length / 20)) === 0 || i === samples.length - 1)
        console.log(
          `  ${String(i).padStart(4)}   ${mib(s.rss).padStart(9)}   ${mib(s.heap).padStart(10)}     ${s.files}`,
        );
    });
    console.log(
      `\ndownload bench: ${entries.length} entries, ${mib(bytes)} (CRC-32 of every entry checked) in ${seconds.toFixed(1)} s (${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s)`,
    );
    console.log(
      `  browser RSS ${mib(base.rss)} before, peak ${mib(peakRss)} (+${mib(peakRss - base.rss)} = ${((peakRss - base.rss) / bytes).toFixed(3)} × the archive)`,
    );
    console.log(
      `  page JS heap ${mib(base.heap)} before, peak ${mib(peakHeap)} (+${mib(peakHeap - base.heap)})`,
    );
    // Flat means no growth with the bytes: from a quarter of the way in (the stream's buffers
    // are warm by then) to the end, against the bytes saved in that time.
    const quarter = samples[Math.floor(samples.length / 4)]!;
    const last = samples.at(-1)!;
    console.log(
      `  from a quarter in to the end: browser RSS ${last.rss >= quarter.rss ? '+' : '−'}${mib(Math.abs(last.rss - quarter.rss))} while about ${mib((bytes * 3) / 4)} streamed`,
    );
    return entries.length === rows ? 0 : 1;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

process.exitCode = await main();
