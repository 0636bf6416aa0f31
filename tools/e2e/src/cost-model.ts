// The per-guest cost model of photo delivery (issue 16), measured on the running stack: a
// guest who scrolls a gallery of N photos (every thumbnail once) and opens 50 of them (a
// preview, or the original where there is none), delivered two ways in one run —
//
//   today     every image through the viewer (`/api/thumbnail/…`, `/api/file/…`): the
//             fallback without S3 credentials, and all there was before presigned URLs
//   presigned every image from the S3 endpoint (dev S3 locally, R2 in production) by the
//             presigned URLs of the listing
//
// counting Worker invocations (requests to the viewer), KV reads (the viewer's
// Server-Timing `versions;desc=kv`, DEBUG is on locally), R2 operations (one per media
// GET; the listing reads D1 only), bytes through Workers (media and listing) and the
// listing's time per page. Targets are printed, never enforced.
//
// The N bench rows share the first demo photo's objects ("rows may share objects"): they
// are put into D1 only while no worker runs (when the bench starts the stack) and taken
// out again after it stops.
import type { LocalState } from '@edge-gallery/stack';
import { mediaRow, urls } from '@edge-gallery/stack';
import type { MediaItem, MediaPage } from '@edge-gallery/viewer/media-item';

export const N = 2000;
const OPENED = 50;
const PAGE = 100;
const CONCURRENCY = 8;
const ROW_PREFIX = 'bench-photo-';

export async function putCostModelRows(state: LocalState): Promise<void> {
  const template = await state.db
    .prepare(
      "SELECT * FROM media WHERE kind = 'image' AND state = 'listed' ORDER BY taken_at LIMIT 1",
    )
    .first<Record<string, unknown>>();
  if (template === null) return;
  await removeCostModelRows(state);
  const rows = Array.from({ length: N }, (_, i) =>
    mediaRow({
      id: `${ROW_PREFIX}${String(i).padStart(4, '0')}`,
      kind: 'image',
      title: `Bench photo ${i}`,
      // After every demo item: the demo gallery reads as before until its end.
      taken_at: new Date(Date.UTC(2099, 0, 1) + i * 1000).toISOString(),
      width: Number(template.width),
      height: Number(template.height),
      bytes: Number(template.bytes),
      original_key: String(template.original_key),
      thumbnail_key: String(template.thumbnail_key),
      preview_key: (template.preview_key as string | null) ?? null,
      thumbnail_hd_key: (template.thumbnail_hd_key as string | null) ?? null,
      video_id: null,
      duration_sec: null,
    }),
  );
  const columns = Object.keys(rows[0]!);
  const insert = `INSERT INTO media (${columns.join(', ')}) SELECT ${columns
    .map((c) => `value ->> '${c}'`)
    .join(', ')} FROM json_each(?)`;
  for (let i = 0; i < rows.length; i += 500) {
    await state.db
      .prepare(insert)
      .bind(JSON.stringify(rows.slice(i, i + 500)))
      .run();
  }
}

export async function removeCostModelRows(state: LocalState): Promise<void> {
  await state.db.prepare(`DELETE FROM media WHERE id LIKE '${ROW_PREFIX}%'`).run();
}

type Tally = {
  invocations: number;
  kvReads: number;
  r2Operations: number;
  mediaBytesThroughWorkers: number;
  listingBytes: number;
  storageRequests: number;
  listingMs: number[];
  linksMs: number[];
};

export type CostRow = Omit<Tally, 'listingMs' | 'linksMs'> & {
  design: 'today' | 'presigned';
  photos: number;
  listingP50: number;
  listingP95: number;
  linksP50: number;
};

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

async function login(password: string): Promise<string> {
  const response = await fetch(`${urls.viewer}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  if (response.status !== 200) throw new Error(`cost model: login answered ${response.status}`);
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** One guest's visit; `today` fetches every image through the viewer's paths instead. */
async function visit(design: 'today' | 'presigned', cookie: string): Promise<CostRow> {
  const tally: Tally = {
    invocations: 0,
    kvReads: 0,
    r2Operations: 0,
    mediaBytesThroughWorkers: 0,
    listingBytes: 0,
    storageRequests: 0,
    listingMs: [],
    linksMs: [],
  };
  const viewer = async (path: string): Promise<Response> => {
    const response = await fetch(`${urls.viewer}${path}`, { headers: { Cookie: cookie } });
    tally.invocations += 1;
    const timing = response.headers.get('Server-Timing') ?? '';
    if (/versions;desc=kv/.test(timing)) tally.kvReads += 1;
    const links = /links;desc=\w+;dur=([\d.]+)/.exec(timing);
    if (links) tally.linksMs.push(Number(links[1]));
    return response;
  };

  // The grid: every listing page.
  const items: MediaItem[] = [];
  let cursor: string | null = '';
  do {
    const started = performance.now();
    const response = await viewer(
      `/api/media?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const text = await response.text();
    tally.listingMs.push(performance.now() - started);
    tally.listingBytes += text.length;
    const page = JSON.parse(text) as MediaPage;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);

  const photos = items.filter((item) => item.kind === 'image');
  const opened = photos.slice(0, OPENED);
  const images = [
    ...items.map((item) => item.thumbnailUrl),
    ...opened.map((item) => item.previewUrl ?? item.fileUrl),
  ];
  const pathOf = (url: string): string => {
    if (design === 'presigned') return url;
    // Today's URL for the same object: the viewer's path (the key after the bucket).
    const { pathname } = new URL(url, urls.viewer);
    if (pathname.startsWith('/api/')) return pathname;
    const key = pathname.split('/').slice(2).join('/');
    return key.startsWith('thumbnails/') ? `/api/thumbnail/${key}?v=1` : `/api/file/${key}`;
  };

  let next = 0;
  const worker = async () => {
    while (next < images.length) {
      const url = pathOf(images[next++]!);
      const response = url.startsWith('/') ? await viewer(url) : await fetch(url);
      const bytes = (await response.arrayBuffer()).byteLength;
      if (response.status !== 200)
        throw new Error(`cost model: ${url} answered ${response.status}`);
      tally.r2Operations += 1;
      if (url.startsWith('/')) tally.mediaBytesThroughWorkers += bytes;
      else tally.storageRequests += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  return {
    design,
    photos: items.length,
    invocations: tally.invocations,
    kvReads: tally.kvReads,
    r2Operations: tally.r2Operations,
    mediaBytesThroughWorkers: tally.mediaBytesThroughWorkers,
    listingBytes: tally.listingBytes,
    storageRequests: tally.storageRequests,
    listingP50: quantile(tally.listingMs, 0.5),
    listingP95: quantile(tally.listingMs, 0.95),
    linksP50: quantile(tally.linksMs, 0.5),
  };
}

/** Both designs, one guest each (a fresh session each), and the targets beside them. */
export async function runCostModel(
  password: string,
): Promise<{ rows: CostRow[]; notes: string[] }> {
  const notes: string[] = [];
  const rows: CostRow[] = [];
  for (const design of ['today', 'presigned'] as const) {
    rows.push(await visit(design, await login(password)));
  }
  const presigned = rows[1]!;
  if (presigned.photos < N) {
    notes.push(
      `cost model: only ${presigned.photos} items listed (the ${N} bench rows are put only when the bench starts the stack)`,
    );
  }
  const scale = N / Math.max(presigned.photos, 1);
  console.log(
    `\ncost model: one guest scrolls ${presigned.photos} photos (pages of ${PAGE}) and opens ${OPENED}`,
  );
  console.table(
    rows.map((r) => ({
      design: r.design,
      'Worker invocations': r.invocations,
      'KV reads': r.kvReads,
      'R2 operations': r.r2Operations,
      'media bytes via Workers': r.mediaBytesThroughWorkers,
      'listing bytes': r.listingBytes,
      'listing p50 ms': r.listingP50.toFixed(1),
      'listing p95 ms': r.listingP95.toFixed(1),
      'links p50 ms (in worker)': Number.isFinite(r.linksP50) ? r.linksP50.toFixed(3) : 'n/a',
    })),
  );
  const target = N / 50;
  const today = rows[0]!;
  const line = (what: string, value: number, goal: string, met: boolean) =>
    console.log(`  ${met ? 'meets' : 'MISSES'}  ${what}: ${value} (target ${goal})`);
  console.log(`targets for N = ${N} (scaled ×${scale.toFixed(2)} from the rows listed):`);
  line(
    'Worker invocations',
    Math.round(presigned.invocations * scale),
    `≤ ${target}`,
    presigned.invocations * scale <= target,
  );
  line(
    'KV reads',
    Math.round(presigned.kvReads * scale),
    `≤ ${target}`,
    presigned.kvReads * scale <= target,
  );
  line(
    'media bytes through a Worker',
    presigned.mediaBytesThroughWorkers,
    '0',
    presigned.mediaBytesThroughWorkers === 0,
  );
  line(
    'listing page of 100, client p50 ms',
    Number(presigned.listingP50.toFixed(1)),
    '< 5 ms worker time (client time includes HTTP and D1)',
    presigned.listingP50 < 5,
  );
  console.log(
    `  ratio today / presigned: invocations ×${(today.invocations / presigned.invocations).toFixed(1)}, ` +
      `KV reads ${today.kvReads} / ${presigned.kvReads} (before the memo, every one of today's ${today.invocations} invocations read KV), ` +
      `media bytes via Workers ${today.mediaBytesThroughWorkers} / ${presigned.mediaBytesThroughWorkers}`,
  );
  return { rows, notes };
}
