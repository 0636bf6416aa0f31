import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

// One guest, one tap: a fresh browser context (empty cache, no open connections) on a
// phone with an emulated network, the gallery loaded, then a tap on a video tile. In the
// page, every <video> is watched with requestVideoFrameCallback: the first *moving* frame
// is the first one presented with a later media time than the first frame shown (a poster
// frame or a paused first frame does not count). Bytes are what Chromium's network stack
// received (CDP Network.dataReceived) in the 10 s after the tap; stalls are `waiting`
// events after the first moving frame in that window. Where the media came from is
// counted from the same CDP log (responses and the redirects that led to them), so a row
// says what it measured: the redirect design's segments really crossed a 302.

export type NetworkProfile = {
  name: string;
  /** Added by CDP to every request before its response headers (one round trip). */
  latencyMs: number;
  downMbps: number;
  upMbps: number;
};

export const PROFILES: readonly NetworkProfile[] = [
  { name: '150 ms · 9 Mbit/s', latencyMs: 150, downMbps: 9, upMbps: 3 },
  { name: '40 ms · 50 Mbit/s', latencyMs: 40, downMbps: 50, upMbps: 20 },
];

/** The phone of the issue: 390×844 CSS px at 3×. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: 'en-GB',
};

export const WINDOW_MS = 10_000;

/**
 * Cold: the tap comes this long after the video's tile showed on a page just opened. At
 * the fast end of a guest who sees the grid for the first time, finds the video and taps
 * it; and fixed, because it decides how much of the head start has arrived: the harness
 * tapping "as soon as it can" (Playwright's actionability checks on a loading page) came
 * anywhere from 320 to 1,270 ms after the tile showed.
 */
export const COLD_TAP_MS = 500;

export type TrialResult = {
  /** Tap → first moving frame, ms; undefined when no frame moved within the window. */
  firstFrameMs: number | undefined;
  stalls: number;
  stalledMs: number;
  bytes: number;
  /** Tile shown (half on screen) → tap, ms: how long a guest had to see it. */
  shownToTapMs: number | undefined;
  /** Seek → first moving frame past the seek target, ms (when the trial seeks). */
  seekMs?: number | undefined;
  /** Media responses (init, segments, the MP4) in the window, by where they came from. */
  media: MediaSources;
};

export type MediaSources = {
  /** Answered 200/206 by storage (the dev S3 endpoint, as R2 would be). */
  storage: number;
  /** Answered 200/206 by the video worker itself (the token strategy). */
  worker: number;
  /** Media requests that reached storage through a redirect (302 from the worker). */
  redirected: number;
};

/** An init segment, a media segment or an MP4: what a player fetches after the playlists. */
const isMedia = (url: string) => /\.(m4s|mp4|ts|aac)$/.test(new URL(url).pathname);

export type Trial = {
  profile: NetworkProfile;
  /**
   * When to tap, in ms after the tile showed (half on screen, as the page's head start
   * counts it): cold COLD_TAP_MS, warm the gallery open for a while.
   */
  tapAfterMs: number;
  /** Which tile to tap: its item id (`data-id` in the grid). */
  tile: string;
  /**
   * mp4: the tap plays `mp4Url` in a plain <video> (progressive download) instead of
   * opening the lightbox: the design the HLS ladder is compared with.
   */
  mp4Url?: string | undefined;
  /** Seek to this many seconds once playing (the long video's middle). */
  seekTo?: number | undefined;
  /** Print every request after the tap: start, first byte and end, ms after the tap. */
  waterfall?: boolean | undefined;
};

/** Installed before any page script: records taps, frames, stalls for every <video>. */
function instrument() {
  type Probe = {
    tapAt?: number;
    /** The tap in wall-clock ms (performance.timeOrigin + now), to line up with CDP's times. */
    tapEpoch?: number;
    firstShownMediaTime?: number;
    firstMovingAt?: number;
    stalls: number[];
    stallEnds: number[];
    longTasks: [number, number][];
    seekAt?: number;
    seekTarget?: number;
    seekMovingAt?: number;
    /** When each grid tile (by data-id) first showed half its area (performance.now()). */
    shown: Record<string, number>;
  };
  const probe: Probe = { stalls: [], stallEnds: [], longTasks: [], shown: {} };
  (window as unknown as { __bench: Probe }).__bench = probe;
  let moved = () => {};
  (window as unknown as { __benchMoving: Promise<void> }).__benchMoving = new Promise<void>(
    (resolve) => {
      moved = resolve;
    },
  );
  // Main-thread tasks over 50 ms: what a request or a frame waited behind (waterfall).
  try {
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) {
        probe.longTasks.push([Math.round(task.startTime), Math.round(task.duration)]);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No Long Tasks API: the waterfall shows requests only.
  }
  addEventListener(
    'pointerdown',
    (event) => {
      if (probe.tapAt !== undefined) return;
      // When the touch arrived, not when a busy main thread got to it: the guest's wait
      // starts with the finger.
      probe.tapAt = event.timeStamp;
      probe.tapEpoch = performance.timeOrigin + probe.tapAt;
    },
    { capture: true },
  );
  const watch = (video: HTMLVideoElement) => {
    if ((video as { __watched?: boolean }).__watched) return;
    (video as { __watched?: boolean }).__watched = true;
    video.addEventListener('waiting', () => {
      if (probe.firstMovingAt !== undefined && probe.seekAt === undefined) {
        probe.stalls.push(performance.now());
      }
    });
    video.addEventListener('playing', () => {
      if (probe.stalls.length > probe.stallEnds.length) probe.stallEnds.push(performance.now());
    });
    const onFrame = (now: number, meta: { mediaTime: number }) => {
      if (probe.firstShownMediaTime === undefined) probe.firstShownMediaTime = meta.mediaTime;
      else if (probe.firstMovingAt === undefined && meta.mediaTime > probe.firstShownMediaTime) {
        probe.firstMovingAt = now;
        moved();
      }
      if (
        probe.seekTarget !== undefined &&
        probe.seekMovingAt === undefined &&
        meta.mediaTime > probe.seekTarget + 0.001
      ) {
        probe.seekMovingAt = now;
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  // When the tapped tile showed: the time a guest had to see it before the tap (the
  // harness taps as soon as it can; the waterfall prints the gap). Half its area, as the
  // page's own head start counts a tile as shown.
  const tiles = new IntersectionObserver(
    (entries) => {
      for (const { target, isIntersecting, time } of entries) {
        const id = (target as HTMLElement).dataset.id;
        if (isIntersecting && id !== undefined) probe.shown[id] ??= time;
      }
    },
    { threshold: 0.5 },
  );
  const seen = new WeakSet<Element>();
  new MutationObserver(() => {
    for (const video of document.querySelectorAll('video')) watch(video);
    for (const tile of document.querySelectorAll('.grid .tile a[data-id]')) {
      if (!seen.has(tile)) {
        seen.add(tile);
        tiles.observe(tile);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Replaces the next tap's action with a plain progressive <video> of `url`. */
function playMp4OnTap(url: string) {
  addEventListener(
    'click',
    (event) => {
      event.preventDefault();
      event.stopPropagation();
      const video = document.createElement('video');
      Object.assign(video, { src: url, autoplay: true, playsInline: true, controls: true });
      video.style.cssText =
        'position:fixed;inset:0;width:100%;height:100%;background:#000;z-index:9';
      document.body.append(video);
    },
    { capture: true, once: true },
  );
}

type ProbeState = {
  shown: Record<string, number>;
  tapAt?: number;
  tapEpoch?: number;
  longTasks: [number, number][];
  firstMovingAt?: number;
  stalls: number[];
  stallEnds: number[];
  seekAt?: number;
  seekMovingAt?: number;
};

const readProbe = (page: Page) =>
  page.evaluate(() => (window as unknown as { __bench: ProbeState }).__bench);

export async function runTrial(
  browser: Browser,
  options: {
    galleryUrl: string;
    storageState: NonNullable<BrowserContextOptions['storageState']>;
    /** Origins of storage and of the video worker, to tell media sources apart. */
    storageOrigin: string;
    videoOrigin: string;
  },
  trial: Trial,
): Promise<TrialResult> {
  const context = await browser.newContext({ ...PHONE, storageState: options.storageState });
  try {
    const page = await context.newPage();
    await page.addInitScript(instrument);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: trial.profile.latencyMs,
      downloadThroughput: (trial.profile.downMbps * 1e6) / 8,
      uploadThroughput: (trial.profile.upMbps * 1e6) / 8,
    });
    let bytes = 0;
    let counting = false;
    cdp.on('Network.dataReceived', (event) => {
      if (counting) bytes += event.encodedDataLength;
    });
    const media: MediaSources = { storage: 0, worker: 0, redirected: 0 };
    // Requests that reached storage through a redirect, whenever it happened: a segment the
    // head start asked for before the tap may cross the 302 then and answer after it.
    const redirected = new Set<string>();
    cdp.on('Network.requestWillBeSent', (event) => {
      const hop = event.redirectResponse;
      if (
        hop !== undefined &&
        hop.status >= 300 &&
        hop.status < 400 &&
        isMedia(event.request.url) &&
        new URL(event.request.url).origin === options.storageOrigin
      ) {
        redirected.add(event.requestId);
      }
    });
    // The waterfall: what the tap waited for, request by request (BENCH_WATERFALL=1). Times
    // are CDP's own (monotonic, converted to wall time with the request's wallTime) against
    // the page's pointerdown, so neither Playwright's tap nor event delivery on a loaded
    // machine skews them; requests still in flight at the tap (the hls.js chunk on a cold
    // tap) are listed with a negative start, from the moment the tapped tile showed.
    let clockOffset: number | undefined;
    const wall = (timestamp: number) => (timestamp + (clockOffset ?? 0)) * 1000;
    type Timed = {
      url: string;
      start: number;
      head?: number;
      end?: number;
      cached?: boolean;
      encoded?: number;
      encoding?: string;
    };
    const requests = new Map<string, Timed>();
    cdp.on('Network.requestWillBeSent', (event) => {
      clockOffset ??= event.wallTime - event.timestamp;
      if (trial.waterfall && !event.request.url.startsWith('data:')) {
        requests.set(`${event.requestId}:${event.request.url}`, {
          url: event.request.url,
          start: wall(event.timestamp),
        });
      }
    });
    const entry = (requestId: string) =>
      [...requests.entries()].findLast(([id]) => id.startsWith(`${requestId}:`))?.[1];
    cdp.on('Network.responseReceived', (event) => {
      const found = entry(event.requestId);
      if (!found) return;
      // The network's time of the headers: the event itself can come much later, when a
      // busy main thread gets to it.
      const { timing } = event.response;
      found.head = wall(
        timing ? timing.requestTime + timing.receiveHeadersEnd / 1000 : event.timestamp,
      );
      if (event.response.fromDiskCache) found.cached = true;
      const encoding = Object.entries(event.response.headers).find(
        ([name]) => name.toLowerCase() === 'content-encoding',
      )?.[1];
      if (encoding) found.encoding = encoding;
    });
    cdp.on('Network.requestServedFromCache', (event) => {
      const found = entry(event.requestId);
      if (found) found.cached = true;
    });
    cdp.on('Network.loadingFinished', (event) => {
      const found = entry(event.requestId);
      if (!found) return;
      found.end = wall(event.timestamp);
      found.encoded = event.encodedDataLength;
    });
    cdp.on('Network.responseReceived', (event) => {
      const { url, status } = event.response;
      if (!counting || (status !== 200 && status !== 206) || !isMedia(url)) return;
      const origin = new URL(url).origin;
      if (origin === options.storageOrigin) {
        media.storage++;
        if (redirected.has(event.requestId)) media.redirected++;
      } else if (origin === options.videoOrigin) media.worker++;
    });

    await page.goto(options.galleryUrl);
    const tile = page.locator(`.grid .tile a[data-id="${trial.tile}"]`).first();
    await tile.waitFor({ state: 'visible', timeout: 60_000 });
    // A tile below the fold (the long video's, on a short screen) is brought up first.
    await tile.scrollIntoViewIfNeeded();
    if (trial.mp4Url !== undefined) await page.evaluate(playMp4OnTap, trial.mp4Url);

    // With the waterfall, the page's JavaScript is sampled from the tap to the first moving
    // frame: what the main thread did while the picture waited.
    if (trial.waterfall) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    }
    const box = await tile.boundingBox();
    if (box === null) throw new Error(`tile ${trial.tile} has no box`);
    // The tap is timed from when the tile showed, on the page's clock, and waited for here:
    // a timer in the page would fire late behind the loading page's long tasks.
    const seen = await page.evaluate(
      (id) =>
        new Promise<{ shown: number; now: number }>((resolve) => {
          const probe = (window as unknown as { __bench: ProbeState }).__bench;
          const check = () => {
            const shown = probe.shown[id];
            if (shown === undefined) setTimeout(check, 10);
            else resolve({ shown, now: performance.now() });
          };
          check();
        }),
      trial.tile,
    );
    const wait = seen.shown + trial.tapAfterMs - seen.now;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (trial.waterfall) void cdp.send('Profiler.start');
    counting = true;
    // A touch at the tile's centre, without Playwright's actionability checks (their wait
    // on a busy page is what made the harness's taps late by up to a second).
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    const tappedAt = Date.now();
    // One call that the page answers when the picture moves: polling would put work of
    // its own on the main thread being measured.
    await page.evaluate(
      (ms) =>
        Promise.race([
          (window as unknown as { __benchMoving: Promise<void> }).__benchMoving,
          new Promise((resolve) => setTimeout(resolve, ms)),
        ]),
      WINDOW_MS,
    );
    const profile = trial.waterfall ? (await cdp.send('Profiler.stop')).profile : undefined;
    let seekMs: number | undefined;
    if (trial.seekTo !== undefined) {
      // Play a moment first, as a guest would before dragging to the middle.
      await page.waitForTimeout(1000);
      await page.evaluate((target) => {
        const probe = (window as unknown as { __bench: ProbeState & { seekTarget?: number } })
          .__bench;
        const video = document.querySelector('dialog video, video') as HTMLVideoElement;
        probe.seekAt = performance.now();
        probe.seekTarget = target;
        video.currentTime = target;
      }, trial.seekTo);
      await page
        .waitForFunction(
          () => (window as unknown as { __bench: ProbeState }).__bench.seekMovingAt !== undefined,
          undefined,
          { timeout: WINDOW_MS, polling: 100 },
        )
        .catch(() => {});
      const probe = await readProbe(page);
      if (probe.seekAt !== undefined && probe.seekMovingAt !== undefined) {
        seekMs = probe.seekMovingAt - probe.seekAt;
      }
    } else {
      const left = WINDOW_MS - (Date.now() - tappedAt);
      if (left > 0) await page.waitForTimeout(left);
    }
    counting = false;
    const probe = await readProbe(page);
    const shownAt = probe.shown[trial.tile];
    const shownToTapMs =
      shownAt !== undefined && probe.tapAt !== undefined ? probe.tapAt - shownAt : undefined;
    if (trial.waterfall && probe.tapEpoch !== undefined) {
      const tap = probe.tapEpoch;
      const first = probe.firstMovingAt !== undefined && probe.tapAt !== undefined;
      console.log(
        `  waterfall (ms after the tap: start, response, end; tile shown ${shownToTapMs === undefined ? '—' : Math.round(shownToTapMs)} ms before the tap; first moving frame at ${first ? Math.round(probe.firstMovingAt! - probe.tapAt!) : '—'}):`,
      );
      const at = (t: number | undefined) =>
        String(t === undefined ? '—' : Math.round(t - tap)).padStart(5);
      const busy = probe.longTasks
        .filter(([start, duration]) => probe.tapAt !== undefined && start + duration > probe.tapAt)
        .map(([start, duration]) => `${Math.round(start - probe.tapAt!)}+${duration}`);
      console.log(
        `    main thread busy (long tasks, ms after the tap + length): ${busy.join(' ') || 'none'}`,
      );
      if (profile)
        console.log(`    JavaScript until the frame (self time): ${topSelfTime(profile)}`);
      // From the moment the tile showed: what the head start had in flight before the tap.
      const since = tap - (shownToTapMs ?? 0);
      for (const r of requests.values()) {
        if (r.end !== undefined && r.end < since) continue;
        const url = new URL(r.url);
        const name = `${url.host}${url.pathname}`.slice(-64);
        const size = r.encoded === undefined ? '' : ` ${Math.round(r.encoded / 1024)} KiB`;
        const how = [r.cached && 'cache', r.encoding].filter(Boolean).join(', ');
        console.log(
          `    ${at(r.start)} ${at(r.head)} ${at(r.end)}  ${name}${size}${how ? ` (${how})` : ''}`,
        );
      }
    }
    const end = (probe.tapAt ?? 0) + WINDOW_MS;
    const stalls = probe.stalls.filter((at) => at < end);
    const stalledMs = stalls.reduce(
      (sum, at, i) => sum + Math.min(probe.stallEnds[i] ?? end, end) - at,
      0,
    );
    return {
      firstFrameMs:
        probe.tapAt !== undefined && probe.firstMovingAt !== undefined
          ? probe.firstMovingAt - probe.tapAt
          : undefined,
      shownToTapMs,
      stalls: stalls.length,
      stalledMs,
      bytes,
      media,
      ...(trial.seekTo !== undefined ? { seekMs } : {}),
    };
  } finally {
    await context.close();
  }
}

type CpuProfile = {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples?: number[];
  timeDeltas?: number[];
};

/** The functions (or `(garbage collector)`, `(program)`…) that took the most samples, in ms. */
function topSelfTime(profile: CpuProfile, count = 8): string {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = frames.get(samples[i]!);
    if (frame === undefined || frame.functionName === '(idle)') continue;
    const file =
      frame.url
        .split('/')
        .pop()
        ?.replace(/-[\w-]{8}\.js$/, '.js') ?? '';
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    totals.set(name, (totals.get(name) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
  }
  const all = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  return `${Math.round(all)} ms busy; ${top.map(([name, ms]) => `${name} ${Math.round(ms)}`).join(', ')}`;
}
