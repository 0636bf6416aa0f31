// `pnpm bench`'s mixed load (#14 "Load and faults"): what the guests of a busy gallery send
// at once, for minutes, against the local stack — and the same load with R2 and KV failing
// for a minute in the middle. Not a test: it prints what it saw; bench.ts writes it down.
//
//   listing    the viewer's GET /api/media (session cookie; presigned links in every page)
//   thumbnail  the listing's presigned thumbnail URLs, straight from storage (the dev S3
//              endpoint, R2's stand-in): since #16 a phone's grid never touches a worker
//   playlist   the master and variant playlists on the video worker (the SPA's own URL,
//              with the playback token the viewer issued)
//   segment    the init and media segments the variants name, served by the video worker
//              (the bench publishes the `token` strategy, so they go through it)
//   login      POST /login every 2.5 s: under the local limit of 30 a minute per client,
//              so a 429 here is the limiter doing its job (counted apart, never a failure)
//
// The fault window (the local fault switch, packages/http fault-switch.ts): every R2 and
// KV call of the viewer, the video worker and the dev S3 endpoint throws for the first
// half and hangs for the second (the bounded wait then answers after 5 s). A prober asks
// each kind once a second throughout and reads what the load cannot: Retry-After, the JSON
// reason, Cache-Control. After the window, every URL that failed is asked again at once:
// it must be answered as before the fault (a cached 503 would show here).
//
// Memory: every workerd of each `wrangler dev` is sampled apart (wrangler's proxy, which
// runs none of our code, and the runtime with the worker and the local simulators). With
// `bare`, a bare worker (bare-worker/) beside each of the viewer, the video worker and dev
// S3 gets the same streams as that worker at the same time, each request the same kind of
// binding calls on the same objects and rows (barePath) — the baseline that says how much
// of each workerd's growth any worker making those calls shows.
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { services, urls } from '@edge-gallery/stack';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import autocannon from 'autocannon';
import { type BareWorker, barePath } from './bare-worker.ts';
import { playlistUris } from './hls.ts';
import { type IsolateHeap, isolateHeap } from './isolate-heap.ts';
import { type WorkerdProcess, workerdMemory } from './workerd-memory.ts';

export const KINDS = ['listing', 'thumbnail', 'playlist', 'segment', 'login'] as const;
export type Kind = (typeof KINDS)[number];
export type LoadKind = Exclude<Kind, 'login'>;

const CONNECTIONS: Record<LoadKind, number> = { listing: 2, thumbnail: 3, playlist: 2, segment: 3 };
const LOGIN_EVERY_MS = 2500;
const PROBE_EVERY_MS = 1000;
const MEMORY_EVERY_MS = 5000;
const FAULT_PATH = '/__local/faults';
type ServedBy = 'viewer' | 'video' | 'storage';
/** Who answers each kind: a 5xx from our workers breaks the rule; storage's is R2's own. */
const SERVED_BY: Record<Kind, ServedBy> = {
  listing: 'viewer',
  thumbnail: 'storage',
  playlist: 'video',
  segment: 'video',
  login: 'viewer',
};

type Target = { base: string; paths: string[]; headers: Record<string, string> };

/** The memory series of the bare worker standing beside a worker of the stack. */
const bareName = (worker: string) => `bare ${worker}`;

export type Traffic = {
  password: string;
  targets: Record<LoadKind, Target>;
  /** What each URL answered before any fault: a content hash (media) or a shape (the rest). */
  reference: Map<string, string>;
};

type Answer = { at: number; kind: Kind; status: number; ms: number };
type Probe = Answer & {
  url: string;
  retryAfter: string | null;
  cacheControl: string | null;
  reason: string | undefined;
  fingerprint: string | undefined;
};

const sha = (bytes: ArrayBuffer) =>
  createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

/** How an answer is compared before and after a fault: bytes for media, shape otherwise. */
async function fingerprint(kind: Kind, response: Response): Promise<string | undefined> {
  if (response.status >= 300) {
    await response.body?.cancel();
    return response.status < 400 ? `redirect ${response.status}` : undefined;
  }
  if (kind === 'thumbnail' || kind === 'segment') return sha(await response.arrayBuffer());
  const text = await response.text();
  // Playlists and listings are signed for a time window: their URLs may change, not their shape.
  if (kind === 'playlist') return `playlist, ${playlistUris(text, urls.video).length} URIs`;
  if (kind === 'listing') return `listing, ${(JSON.parse(text) as MediaPage).items.length} items`;
  return 'signed in';
}

async function login(password: string): Promise<Response> {
  return fetch(`${urls.viewer}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: urls.spa },
    body: JSON.stringify({ password }),
    signal: AbortSignal.timeout(15_000),
  });
}

/** Finds what a guest's phone fetches, as the SPA does: login, listing, playback token. */
export async function guestTraffic(password: string): Promise<Traffic> {
  const signedIn = await login(password);
  if (signedIn.status !== 200) throw new Error(`load: login answered ${signedIn.status}`);
  const cookie = signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
  const asGuest = { Cookie: cookie };
  const get = async (url: string) => {
    const response = await fetch(url, { headers: asGuest });
    if (response.status !== 200) throw new Error(`load: ${url} answered ${response.status}`);
    return response;
  };

  // The first three pages as the SPA asks for them (60, then 200), and every thumbnail in them.
  const listing: string[] = [];
  const thumbnails = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < 3; page++) {
    const path: string = `/api/media?limit=${page === 0 ? 60 : 200}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = (await (await get(`${urls.viewer}${path}`)).json()) as MediaPage;
    listing.push(path);
    for (const item of body.items) for (const { url } of item.thumbnails) thumbnails.add(url);
    cursor = body.nextCursor;
    if (cursor === null) break;
  }
  const storage = [...thumbnails].map((url) => new URL(url, urls.viewer));
  const offStorage = storage.filter((url) => url.origin !== urls.devS3);
  if (offStorage.length > 0) throw new Error(`load: thumbnails not on storage: ${offStorage[0]}`);

  const videos = (await (
    await get(`${urls.viewer}/api/media?kind=video&limit=5`)
  ).json()) as MediaPage;
  const videoId = videos.items.find((item) => item.videoId !== undefined)?.videoId;
  if (videoId === undefined) throw new Error('load: the listing has no HLS video');
  const { query } = (await (await get(`${urls.viewer}/api/videos/${videoId}/playback`)).json()) as {
    query: string;
  };
  const master = new URL(`${urls.video}/api/hls/playlist?key=${videoId}&${query}`);
  const playlists = [master];
  const segments: URL[] = [];
  const masterText = await (await get(master.href)).text();
  for (const { url } of playlistUris(masterText, master)) {
    if (!url.pathname.endsWith('.m3u8')) continue;
    playlists.push(url);
    for (const uri of playlistUris(await (await get(url.href)).text(), url)) segments.push(uri.url);
  }
  const offWorker = segments.filter((url) => url.origin !== urls.video);
  if (segments.length === 0 || offWorker.length > 0) {
    throw new Error('load: the segments are not served by the video worker (token strategy?)');
  }

  const pathOf = (url: URL) => `${url.pathname}${url.search}`;
  const targets: Record<LoadKind, Target> = {
    listing: { base: urls.viewer, paths: listing, headers: asGuest },
    thumbnail: { base: urls.devS3, paths: storage.map(pathOf), headers: {} },
    playlist: { base: urls.video, paths: playlists.map(pathOf), headers: {} },
    segment: { base: urls.video, paths: [...new Set(segments.map(pathOf))], headers: {} },
  };
  const reference = new Map<string, string>();
  for (const kind of Object.keys(targets) as LoadKind[]) {
    const { base, paths, headers } = targets[kind];
    for (const path of paths) {
      const print = await fingerprint(kind, await fetch(`${base}${path}`, { headers }));
      if (print === undefined) throw new Error(`load: ${base}${path} failed before any fault`);
      reference.set(`${base}${path}`, print);
    }
  }
  return { password, targets, reference };
}

/** Arms or disarms the fault switch of the viewer, the video worker and the dev S3 endpoint. */
export async function setFaults(mode: 'off' | 'throw' | 'hang'): Promise<void> {
  for (const base of [urls.viewer, urls.video, urls.devS3]) {
    const response = await fetch(`${base}${FAULT_PATH}`, {
      method: 'PUT',
      body: JSON.stringify({ mode }),
    });
    const state = response.headers.get('Content-Type')?.includes('json')
      ? ((await response.json()) as { mode?: string })
      : {};
    if (state.mode !== mode) throw new Error(`the fault switch of ${base} did not take ${mode}`);
  }
}

/** Whether the running stack was started with its fault switch armed (STACK_FAULT_SWITCH=on). */
export async function faultSwitchArmed(): Promise<boolean> {
  try {
    const response = await fetch(`${urls.video}${FAULT_PATH}`);
    return ((await response.json()) as { mode?: string }).mode === 'off';
  } catch {
    return false;
  }
}

/**
 * Asks each bare worker once for every path it will get under load: all must answer 200 and
 * a listing page must be the viewer's page (a bare worker on an empty or other D1, or one
 * refusing the session, would measure nothing). This also fills its Cache API, as
 * guestTraffic's first look filled the video worker's.
 */
export async function checkBare(traffic: Traffic, bare: BareWorkers): Promise<void> {
  for (const kind of Object.keys(traffic.targets) as LoadKind[]) {
    const { paths, headers } = traffic.targets[kind];
    for (const path of new Set(paths.map((p) => barePath(kind, p)))) {
      const url = `${bare[SERVED_BY[kind]].url}${path}`;
      const response = await fetch(url, { headers });
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`load: ${url} answered ${response.status}`);
      if (kind === 'listing') {
        const page = JSON.parse(new TextDecoder().decode(body)) as MediaPage;
        const presigned = page.items[0]?.thumbnailUrl.startsWith(urls.devS3);
        if (!presigned) throw new Error(`load: the bare listing ${url} has no presigned items`);
      }
    }
  }
}

export type Phase = { name: string; from: number; to: number };

export type KindFigures = {
  kind: Kind;
  phase: string;
  requests: number;
  ok: number;
  /** 503 answers (with Retry-After and a JSON reason, checked by the prober). */
  unavailable: number;
  /** Any other 5xx. From our workers these break the rule; from storage, R2's own answer. */
  otherServerErrors: number;
  rateLimited: number;
  /** Connection errors and client timeouts (10 s). */
  errors: number;
  p50: number;
  p99: number;
};

export type MemorySeries = {
  worker: string;
  at: number[];
  /** All its workerd processes, RssAnon in bytes. */
  anon: number[];
  /** Requests this worker had answered by each sample. */
  requests: number[];
  /** Each process (found at the first sample): RssAnon and RSS in bytes per sample. */
  processes: { pid: number; role: WorkerdProcess['role']; anon: number[]; rss: number[] }[];
  /** The worker's own isolate, live JS heap after a full GC, at the start and the end. */
  heap: { start: IsolateHeap | undefined; end?: IsolateHeap | undefined };
};

/** The bare workers of the baseline, one beside each worker of the stack. */
export type BareWorkers = Record<ServedBy, Pick<BareWorker, 'url' | 'port' | 'inspectorPort'>>;

export type LoadReport = {
  label: string;
  seconds: number;
  phases: Phase[];
  figures: KindFigures[];
  memory: MemorySeries[];
  /** The bare workers' answers (none without `bare`): failed, any but 200. */
  bare: { requests: number; failed: number };
  /** From the prober: every 503 checked, and what was wrong with any (empty: none). */
  checks: {
    probes: number;
    unavailableChecked: number;
    reasons: Record<string, string[]>;
    /** Our workers answering 5xx other than a well-formed 503 (must be none). */
    violations: string[];
    /** URLs that failed during the fault and were asked again right after it. */
    reasked: number;
    /** Of those, answered otherwise than before the fault (a cached failure; must be none). */
    notRecovered: string[];
    /** Seconds from the switch going off to the first round of probes all answered 2xx. */
    recoverySeconds: number | null;
  };
};

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * Runs the mixed load for `seconds`; with `fault`, R2 and KV fail from `fault.from` to
 * `fault.to` (seconds into the run): thrown errors for the first half, hangs for the second.
 */
export async function runLoad(
  label: string,
  traffic: Traffic,
  seconds: number,
  { fault, bare }: { fault?: { from: number; to: number }; bare?: BareWorkers } = {},
): Promise<LoadReport> {
  const answers: Answer[] = [];
  const bareAnswers: { who: ServedBy; status: number }[] = [];
  const probes: Probe[] = [];
  const stackWorker = (service: (typeof services)['viewer' | 'video' | 'devS3']) => ({
    worker: service.name,
    port: service.port,
    inspectorPort: service.otherPorts[0],
  });
  const stack = [
    { ...stackWorker(services.viewer), who: 'viewer' as const },
    { ...stackWorker(services.video), who: 'video' as const },
    { ...stackWorker(services.devS3), who: 'storage' as const },
  ];
  const watched: {
    worker: string;
    port: number;
    inspectorPort: number;
    answered: () => number;
  }[] = [
    ...stack.map((w) => ({ ...w, answered: servedBy(w.who) })),
    ...(bare === undefined
      ? []
      : stack.map(({ worker, who }) => ({
          worker: bareName(worker),
          port: bare[who].port,
          inspectorPort: bare[who].inspectorPort,
          answered: () => bareAnswers.filter((a) => a.who === who).length,
        }))),
  ];
  const memory: MemorySeries[] = [];
  // One inspector connection at a time.
  for (const { worker, port, inspectorPort } of watched) {
    const start = await isolateHeap(inspectorPort, `http://localhost:${port}`);
    memory.push({ worker, at: [], anon: [], requests: [], processes: [], heap: { start } });
  }
  const started = performance.now();
  const now = () => (performance.now() - started) / 1000;
  let running = true;
  function servedBy(who: ServedBy) {
    return () => answers.filter((a) => SERVED_BY[a.kind] === who).length;
  }

  const sampleMemory = () => {
    for (const [i, { port, answered }] of watched.entries()) {
      const series = memory[i]!;
      const sample = workerdMemory(port);
      series.at.push(Math.round(now()));
      series.anon.push(sample.anon);
      series.requests.push(answered());
      for (const process of sample.processes) {
        let known = series.processes.find((p) => p.pid === process.pid);
        if (known === undefined && series.at.length === 1) {
          known = { pid: process.pid, role: process.role, anon: [], rss: [] };
          series.processes.push(known);
        }
        known?.anon.push(process.anon);
        known?.rss.push(process.rss);
      }
    }
  };
  sampleMemory();
  const memoryTimer = setInterval(sampleMemory, MEMORY_EVERY_MS);

  // The baseline: the same streams to the bare worker beside the worker that answers them,
  // each request the same binding calls on the same object or rows.
  const mirrors =
    bare === undefined
      ? []
      : (Object.keys(traffic.targets) as LoadKind[]).map((kind) => {
          const paths = traffic.targets[kind].paths.map((path) => barePath(kind, path));
          const who = SERVED_BY[kind];
          let next = 0;
          const instance = autocannon({
            url: bare[who].url,
            connections: CONNECTIONS[kind],
            duration: seconds,
            // The listing's session cookie: the bare twin checks it as the viewer does.
            headers: traffic.targets[kind].headers,
            requests: [
              { setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) },
            ],
          });
          instance.on('response', (_client, status) => bareAnswers.push({ who, status }));
          instance.on('reqError', () => bareAnswers.push({ who, status: 0 }));
          return instance;
        });

  const loads = (Object.keys(traffic.targets) as LoadKind[]).map((kind) => {
    const { base, paths, headers } = traffic.targets[kind];
    let next = 0;
    const instance = autocannon({
      url: base,
      connections: CONNECTIONS[kind],
      duration: seconds,
      headers,
      requests: [
        { setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) },
      ],
    });
    instance.on('response', (_client, status, _bytes, ms) => {
      answers.push({ at: now(), kind, status, ms });
    });
    instance.on('reqError', () => answers.push({ at: now(), kind, status: 0, ms: Number.NaN }));
    return instance;
  });

  const logins = (async () => {
    while (running) {
      const at = now();
      const t0 = performance.now();
      const probe = await probeOnce('login', `${urls.viewer}/login`, () => login(traffic.password));
      probe.at = at;
      probes.push(probe);
      answers.push({ at: now(), kind: 'login', status: probe.status, ms: performance.now() - t0 });
      await delay(Math.max(0, LOGIN_EVERY_MS - (performance.now() - t0)));
    }
  })();

  // The prober: each kind once a second, rotating through its URLs.
  const prober = (Object.keys(traffic.targets) as LoadKind[]).map(async (kind) => {
    const { base, paths, headers } = traffic.targets[kind];
    for (let i = 0; running; i++) {
      const url = `${base}${paths[i % paths.length]}`;
      const t0 = performance.now();
      // What the worker itself answered: a 302 (the presign fallback while the config is
      // unreadable) is not followed into storage, whose failure is R2's, not the worker's.
      const probe = await probeOnce(kind, url, () =>
        fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(15_000) }),
      );
      probe.at = (t0 - started) / 1000;
      probes.push(probe);
      await delay(Math.max(0, PROBE_EVERY_MS - (performance.now() - t0)));
    }
  });

  const phases: Phase[] = [{ name: 'steady', from: 0, to: seconds }];
  let reasked = 0;
  const notRecovered: string[] = [];
  let recoverySeconds: number | null = null;
  const progress = setInterval(() => {
    const failed = answers.filter((a) => a.status >= 500 || a.status === 0).length;
    console.log(
      `${label}: ${Math.round(now())}/${seconds} s, ${answers.length} answers, ${failed} 5xx or errors`,
    );
  }, 30_000);

  if (fault !== undefined) {
    const half = (fault.from + fault.to) / 2;
    phases.splice(
      0,
      1,
      { name: 'before', from: 0, to: fault.from },
      { name: 'R2+KV throw', from: fault.from, to: half },
      { name: 'R2+KV hang', from: half, to: fault.to },
      { name: 'after', from: fault.to, to: seconds },
    );
    const until = (second: number) => delay(Math.max(0, (second - now()) * 1000));
    await until(fault.from);
    await setFaults('throw');
    console.log(`${label}: R2 and KV throw (${Math.round(now())} s)`);
    await until(half);
    await setFaults('hang');
    console.log(`${label}: R2 and KV hang (${Math.round(now())} s)`);
    await until(fault.to);
    await setFaults('off');
    const off = now();
    console.log(`${label}: R2 and KV back (${Math.round(off)} s)`);
    // Every URL that failed during the window, asked again at once (a cached failure shows).
    const failedUrls = new Map<string, Kind>();
    for (const probe of probes) {
      if (probe.at >= fault.from && probe.status >= 500) failedUrls.set(probe.url, probe.kind);
    }
    for (const [url, kind] of failedUrls) {
      if (kind === 'login') continue;
      const target = traffic.targets[kind as LoadKind];
      const again = await fetch(url, { headers: target.headers });
      reasked += 1;
      const print = await fingerprint(kind, again);
      if (print !== traffic.reference.get(url)) notRecovered.push(`${kind} ${again.status} ${url}`);
    }
    // The first second from which every kind's probes answer 2xx again.
    const waitUntil = performance.now() + 30_000;
    while (recoverySeconds === null && performance.now() < waitUntil) {
      await delay(PROBE_EVERY_MS);
      const latest = new Map<Kind, Probe>();
      for (const probe of probes) if (probe.at >= off) latest.set(probe.kind, probe);
      if (latest.size === KINDS.length && [...latest.values()].every((p) => p.status < 300)) {
        recoverySeconds = Math.max(...[...latest.values()].map((p) => p.at)) - off;
      }
    }
  }

  await Promise.all([...loads, ...mirrors]);
  running = false;
  await Promise.all([logins, ...prober]);
  clearInterval(memoryTimer);
  clearInterval(progress);
  sampleMemory();
  for (const [i, { port, inspectorPort }] of watched.entries()) {
    memory[i]!.heap.end = await isolateHeap(inspectorPort, `http://localhost:${port}`);
  }

  const figures: KindFigures[] = [];
  for (const phase of phases) {
    for (const kind of KINDS) {
      // By when the request was sent: one sent during the fault and answered after it counts
      // in the fault's phase.
      const mine = answers.filter((a) => {
        const sent = Number.isNaN(a.ms) ? a.at : a.at - a.ms / 1000;
        return a.kind === kind && sent >= phase.from && sent < phase.to;
      });
      const latencies = mine
        .filter((a) => a.status > 0)
        .map((a) => a.ms)
        .sort((a, b) => a - b);
      figures.push({
        kind,
        phase: phase.name,
        requests: mine.length,
        ok: mine.filter((a) => a.status >= 200 && a.status < 400).length,
        unavailable: mine.filter((a) => a.status === 503).length,
        otherServerErrors: mine.filter((a) => a.status >= 500 && a.status !== 503).length,
        rateLimited: mine.filter((a) => a.status === 429).length,
        errors: mine.filter((a) => a.status === 0).length,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
      });
    }
  }

  const reasons: Record<string, string[]> = {};
  const violations: string[] = [];
  let unavailableChecked = 0;
  for (const probe of probes) {
    if (probe.status < 500 || SERVED_BY[probe.kind] === 'storage') continue;
    const well =
      probe.status === 503 &&
      probe.retryAfter !== null &&
      probe.reason !== undefined &&
      probe.cacheControl === 'no-store';
    if (well) {
      unavailableChecked += 1;
      const seen = reasons[probe.kind] ?? [];
      if (!seen.includes(probe.reason!)) reasons[probe.kind] = [...seen, probe.reason!];
    } else {
      violations.push(
        `${probe.kind} ${probe.status} ${probe.reason ?? '(no JSON reason)'} at ${probe.at.toFixed(0)} s`,
      );
    }
  }
  for (const answer of answers) {
    if (SERVED_BY[answer.kind] !== 'storage' && answer.status >= 500 && answer.status !== 503) {
      violations.push(`${answer.kind} ${answer.status} under load at ${answer.at.toFixed(0)} s`);
    }
  }

  return {
    label,
    seconds,
    phases,
    figures,
    memory,
    bare: {
      requests: bareAnswers.length,
      failed: bareAnswers.filter((a) => a.status !== 200).length,
    },
    checks: {
      probes: probes.length,
      unavailableChecked,
      reasons,
      violations,
      reasked,
      notRecovered,
      recoverySeconds,
    },
  };
}

async function probeOnce(kind: Kind, url: string, ask: () => Promise<Response>): Promise<Probe> {
  const t0 = performance.now();
  try {
    const response = await ask();
    const probe: Probe = {
      at: 0,
      kind,
      url,
      status: response.status,
      ms: performance.now() - t0,
      retryAfter: response.headers.get('Retry-After'),
      cacheControl: response.headers.get('Cache-Control'),
      reason: undefined,
      fingerprint: undefined,
    };
    if (response.status >= 400 && response.headers.get('Content-Type')?.includes('json')) {
      probe.reason = ((await response.json()) as { error?: string }).error;
    } else {
      probe.fingerprint = await fingerprint(kind, response);
    }
    return probe;
  } catch {
    return {
      at: 0,
      kind,
      url,
      status: 0,
      ms: performance.now() - t0,
      retryAfter: null,
      cacheControl: null,
      reason: undefined,
      fingerprint: undefined,
    };
  }
}

const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);

/**
 * A workerd's growth over its bare twin's (per 1,000 requests, or in MiB over the same
 * time): '-' without one, 'bare flat' when the baseline grew under 1 MiB (per 1,000, or in
 * all: a ratio over nothing says nothing).
 */
export function ratioOverBare(ours: number, bare: number | undefined): number | string {
  if (bare === undefined || Number.isNaN(bare) || Number.isNaN(ours)) return '-';
  if (bare < 1024 ** 2) return 'bare flat';
  return Number((ours / bare).toFixed(2));
}

/** One workerd's growth over some stretch of time, and its worker's requests meanwhile. */
export type Growth = {
  worker: string;
  role: WorkerdProcess['role'];
  bytes: number;
  requests: number;
};

/**
 * Each workerd beside the same process of its bare twin, two ways: growth per 1,000 requests
 * over the twin's (what a leak, growth that follows requests, shows as), and growth in MiB
 * over the twin's in the same time (what growth toward a plateau, following time, shows as).
 * They agree when the two answered as many requests; where one answered fewer, the first
 * flatters the busier of the two and the second the idler. Bare rows have no ratio.
 */
export function overBare(
  rows: readonly Growth[],
): { perRequest: number | string; absolute: number | string }[] {
  const perThousand = (row: Growth) =>
    row.requests === 0 ? Number.NaN : row.bytes / (row.requests / 1000);
  const twin = (row: Growth) =>
    row.worker.startsWith(bareName(''))
      ? undefined
      : rows.find((r) => r.worker === bareName(row.worker) && r.role === row.role);
  return rows.map((row) => {
    const bare = twin(row);
    return {
      perRequest: ratioOverBare(perThousand(row), bare && perThousand(bare)),
      absolute: ratioOverBare(row.bytes, bare?.bytes),
    };
  });
}

/** The figures as tables, and the memory of each workerd over the run. */
export function printLoadReport(report: LoadReport): void {
  console.log(`\n${report.label}: ${report.seconds} s`);
  console.table(
    report.figures
      .filter((f) => f.requests > 0)
      .map((f) => ({
        phase: f.phase,
        kind: f.kind,
        requests: f.requests,
        'req/s': Number(
          (
            f.requests /
            (report.phases.find((p) => p.name === f.phase)!.to -
              report.phases.find((p) => p.name === f.phase)!.from || 1)
          ).toFixed(1),
        ),
        'p50 ms': Math.round(f.p50),
        'p99 ms': Math.round(f.p99),
        '2xx/3xx': f.ok,
        // Not bare numbers: an object's integer keys would be listed before all the others.
        '503s': f.unavailable,
        'other 5xx': f.otherServerErrors,
        '429s': f.rateLimited,
        'errors/timeouts': f.errors,
      })),
  );
  printMemory(report);
  if (report.bare.requests > 0) {
    console.log(
      `bare workers (the baseline): ${report.bare.requests} requests, ${report.bare.failed} failed`,
    );
  }
  const { checks } = report;
  console.log(
    `prober: ${checks.probes} probes; ${checks.unavailableChecked} 503s from our workers, each with Retry-After, ` +
      `no-store and a JSON reason (${
        Object.entries(checks.reasons)
          .map(([k, r]) => `${k}: ${r.join(', ')}`)
          .join('; ') || 'none'
      })`,
  );
  console.log(
    `our workers' answers other than 2xx-4xx or a well-formed 503: ${checks.violations.length === 0 ? 'none' : checks.violations.slice(0, 10).join('; ')}`,
  );
  if (report.phases.length > 1) {
    console.log(
      `after the fault: ${checks.reasked} URLs that failed asked again, ${checks.notRecovered.length} answered otherwise than before it` +
        `${checks.notRecovered.length > 0 ? ` (${checks.notRecovered.slice(0, 5).join('; ')})` : ''}; ` +
        `every kind 2xx again ${checks.recoverySeconds === null ? 'not within 30 s' : `${checks.recoverySeconds.toFixed(1)} s after the switch went off`}`,
    );
  }
}

type ProcessGrowth = {
  worker: string;
  role: WorkerdProcess['role'];
  pid: number;
  /** RssAnon at each whole minute (and the last sample), bytes. */
  minutes: { at: number; anon: number }[];
  rss: [number, number];
  firstHalf: number;
  secondHalf: number;
  requests: number;
};

/** Each workerd's growth over the run, per half and per 1,000 of its worker's requests. */
export function processGrowth(report: LoadReport): ProcessGrowth[] {
  const rows: ProcessGrowth[] = [];
  for (const series of report.memory) {
    const last = series.at.length - 1;
    const middle = series.at.findIndex((at) => at >= report.seconds / 2);
    for (const process of series.processes) {
      // A process that ended early has fewer samples: measure what it has.
      const end = Math.min(last, process.anon.length - 1);
      const mid = Math.min(middle < 0 ? end : middle, end);
      rows.push({
        worker: series.worker,
        role: process.role,
        pid: process.pid,
        minutes: series.at
          .map((at, i) => ({ at, anon: process.anon[i]! }))
          .filter(
            (p, i) => i <= end && (i === 0 || i === end || p.at % 60 < MEMORY_EVERY_MS / 1000),
          ),
        rss: [process.rss[0]!, process.rss[end]!],
        firstHalf: process.anon[mid]! - process.anon[0]!,
        secondHalf: process.anon[end]! - process.anon[mid]!,
        requests: series.requests[end]! - series.requests[0]!,
      });
    }
  }
  return rows;
}

function printMemory(report: LoadReport): void {
  const heap = (h: IsolateHeap | undefined) =>
    h === undefined
      ? '?'
      : `${(h.used / 1024 ** 2).toFixed(1)} (of ${(h.total / 1024 ** 2).toFixed(1)})`;
  console.log(
    `the workers' own isolates, live JS heap after a full GC (of the heap V8 holds), MiB, start → end: ${report.memory
      .map((series) => `${series.worker} ${heap(series.heap.start)} → ${heap(series.heap.end)}`)
      .join(', ')}`,
  );
  const rows = processGrowth(report);
  const ratios = overBare(rows.map((row) => ({ ...row, bytes: row.firstHalf + row.secondHalf })));
  console.log(
    `workerd memory per process (RssAnon MiB at ${rows[0]?.minutes.map((p) => p.at).join(' · ')} s; ` +
      "growth per half of the run and per 1,000 of its worker's requests; × bare: that figure over the same role's process of the bare worker beside it; " +
      "MiB × bare: the growth in MiB over that process's, in the same time)",
  );
  console.table(
    rows.map((row, i) => ({
      worker: row.worker,
      process: row.role,
      pid: row.pid,
      'anon MiB': row.minutes.map((p) => mib(p.anon)).join(' · '),
      'RSS MiB': `${mib(row.rss[0])} → ${mib(row.rss[1])}`,
      '1st half': `+${mib(row.firstHalf)}`,
      '2nd half': `+${mib(row.secondHalf)}`,
      requests: row.requests,
      'MiB/1k req': Number(
        ((row.firstHalf + row.secondHalf) / (row.requests / 1000) / 1024 ** 2).toFixed(2),
      ),
      '× bare': ratios[i]!.perRequest,
      'MiB × bare': ratios[i]!.absolute,
    })),
  );
}

/**
 * The runs together (the same processes throughout: the stack and the bare workers stay up
 * from the first run to the last): each workerd's growth from the first sample of the first
 * run to the last of the last, beside its bare twin's, both ways (overBare).
 */
export function printAcrossRuns(reports: readonly LoadReport[]): void {
  if (reports.length < 2) return;
  const rows: (Growth & { from: number; to: number })[] = [];
  for (const series of reports[0]!.memory) {
    for (const process of series.processes) {
      const last = reports
        .at(-1)!
        .memory.find((s) => s.worker === series.worker)
        ?.processes.find((p) => p.pid === process.pid);
      if (last === undefined) continue;
      const requests = reports
        .map((report) => report.memory.find((s) => s.worker === series.worker)!)
        .reduce((sum, s) => sum + (s.requests.at(-1)! - s.requests[0]!), 0);
      const from = process.anon[0]!;
      const to = last.anon.at(-1)!;
      rows.push({
        worker: series.worker,
        role: process.role,
        bytes: to - from,
        requests,
        from,
        to,
      });
    }
  }
  const ratios = overBare(rows);
  const seconds = reports.reduce((sum, r) => sum + r.seconds, 0);
  console.log(
    `\nworkerd memory over the ${reports.length} runs (${seconds} s, the same processes), RssAnon MiB:`,
  );
  console.table(
    rows.map((row, i) => ({
      worker: row.worker,
      process: row.role,
      'anon MiB': `${mib(row.from)} → ${mib(row.to)}`,
      growth: `+${mib(row.bytes)}`,
      requests: row.requests,
      'MiB/1k req': Number((row.bytes / (row.requests / 1000) / 1024 ** 2).toFixed(2)),
      '× bare': ratios[i]!.perRequest,
      'MiB × bare': ratios[i]!.absolute,
    })),
  );
}
