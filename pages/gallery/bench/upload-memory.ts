// Memory while a guest uploads a 200 MiB video from the page (#19: the bytes never pass
// through the viewer). Samples the resident memory of the viewer's workerd (below `wrangler
// dev --port 8787`), of the dev S3 endpoint's (8789: the stand-in for R2, which does receive
// every byte — the reference), and of the whole browser, before, during and after the upload,
// in the same run. Flat for the viewer means the design holds. Prints, never fails on a target.
//
//   flock /tmp/edge-stack.lock node bench/upload-memory.ts   (part of `bench`)
// Reuses a running stack, else starts one serving the built page (STACK_SPA=preview) and
// stops it after. UPLOAD_BENCH_MIB=200 by default. The owner rejects the upload at the end.
import { execFileSync, execSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureStack, services, stackVars, urls } from '@edge-gallery/stack';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import { build } from 'vite';
import { launchBrowser } from '../e2e/browser.ts';

const GALLERY_URL = urls.spa;
const TARGET_BYTES = Number(process.env.UPLOAD_BENCH_MIB ?? 200) * 2 ** 20;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

type Proc = { ppid: number; name: string };

function processes(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      all.set(Number(entry), {
        ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]),
        name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      });
    } catch {}
  }
  return all;
}

function rss(pid: number): number {
  try {
    return (
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
    );
  } catch {
    return 0;
  }
}

/** RSS of the workerd processes below the `wrangler dev` serving this port. */
function workerdRss(port: number): number {
  const all = processes();
  const below = (pid: number) => {
    for (let p = all.get(pid)?.ppid; p !== undefined && p > 1; p = all.get(p)?.ppid) {
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`--port\0${port}`)) return true;
      } catch {}
    }
    return false;
  };
  let total = 0;
  for (const [pid, proc] of all) if (proc.name === 'workerd' && below(pid)) total += rss(pid);
  return total;
}

/** RSS of a process and all its descendants. */
function treeRss(root: number): number {
  const all = processes();
  let total = 0;
  for (const queue = [root]; queue.length > 0; ) {
    const pid = queue.pop()!;
    total += rss(pid);
    for (const [child, proc] of all) if (proc.ppid === pid) queue.push(child);
  }
  return total;
}

async function main(): Promise<void> {
  const here = join(import.meta.dirname, '..');
  const reports = join(here, '.reports');
  mkdirSync(reports, { recursive: true });
  await build({ root: here, logLevel: 'warn', build: { outDir: join(here, 'dist') } });

  // A real MP4's first bytes (the viewer checks them), then noise up to the target size.
  const dir = mkdtempSync(join(tmpdir(), 'edge-gallery-upload-bench-'));
  const file = join(dir, 'long-speech.mp4');
  execFileSync(process.env.FFMPEG_PATH ?? 'ffmpeg', [
    ...['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
    ...['-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-movflags', '+faststart', file],
  ]);
  const head = readFileSync(file);
  const bytes = Buffer.alloc(TARGET_BYTES);
  head.copy(bytes);
  randomFillSync(bytes, head.byteLength);
  writeFileSync(file, bytes);

  const stack = await ensureStack({
    logFile: join(reports, 'upload-bench-stack.log'),
    env: { STACK_SPA: 'preview' },
  });
  const vars = stackVars('viewer');
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    browser.context.setDefaultTimeout(60_000);
    await page.goto(`${GALLERY_URL}/#/join/${encodeURIComponent(vars.get('GALLERY_PASSWORD')!)}`);
    await page.locator('.grid .tile').first().waitFor();
    const browserPid = Number(
      execSync(`pgrep -o -f -- '--user-data-dir=${browser.userDataDir}'`).toString().trim(),
    );

    const samples: { viewer: number; store: number; browser: number }[] = [];
    const sample = () =>
      samples.push({
        viewer: workerdRss(services.viewer.port),
        store: workerdRss(services.devS3.port),
        browser: treeRss(browserPid),
      });
    sample();
    const started = Date.now();
    const timer = setInterval(sample, 250);
    await page.getByTestId('upload-input').setInputFiles(file);
    const row = page.getByTestId('upload-item');
    await row.and(page.locator('[data-state="done"], [data-state="refused"]')).waitFor({
      timeout: 600_000,
    });
    clearInterval(timer);
    const seconds = (Date.now() - started) / 1000;
    sample();
    const state = await row.getAttribute('data-state');

    const first = samples[0]!;
    const last = samples.at(-1)!;
    const line = (name: string, key: 'viewer' | 'store' | 'browser') => {
      const peak = Math.max(...samples.map((s) => s[key]));
      const growth = peak - first[key];
      console.log(
        `  ${name.padEnd(28)} ${mib(first[key]).padStart(8)} before, peak ${mib(peak).padStart(8)} (+${mib(growth)} = ${(growth / TARGET_BYTES).toFixed(3)} × the file), ${mib(last[key])} after`,
      );
    };
    console.log(
      `\nupload bench: ${mib(TARGET_BYTES)} through the page (${state}) in ${seconds.toFixed(1)} s (${(TARGET_BYTES / 2 ** 20 / seconds).toFixed(0)} MiB/s), ${samples.length} samples`,
    );
    line('viewer workerd (:8787)', 'viewer');
    line('dev S3 workerd (:8789, = R2)', 'store');
    line('browser (all processes)', 'browser');

    // Leave the gallery as it was: the owner rejects what the bench uploaded.
    const mine = (await (await page.request.get(`${GALLERY_URL}/api/uploads`)).json()) as MediaPage;
    const login = await fetch(`${urls.viewer}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: vars.get('OWNER_PASSWORD') }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    for (const item of mine.items) {
      await fetch(`${urls.viewer}/api/media/${item.id}/reject`, {
        method: 'POST',
        headers: { cookie },
      });
    }
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
