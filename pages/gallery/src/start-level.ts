// Which rendition a video starts with. Not the best one the network could sustain: the
// first segment is on the critical path between the tap and a moving picture, so the
// start takes the best rendition whose bitrate is at most half the measured bandwidth
// (its segment arrives in about half its duration), never larger than the screen. hls.js's
// ABR moves up from there after a segment or two. The prefetch (video-prefetch.ts) and
// the engine (hls-engine.ts) both ask this module, so the variant fetched ahead of the tap
// is the one the player then asks for.

export type StartCandidate = { bitrate: number; width: number; height: number };

/** Share of the bandwidth estimate the start rendition may use. */
export const START_SHARE = 0.5;
/** Without any measurement: a modest phone connection. */
export const DEFAULT_ESTIMATE_BPS = 2_000_000;
const STORAGE_KEY = 'edge-gallery.bandwidth';

/** Index into `levels` of the rendition to start with (-1 for none). */
export function chooseStartLevel(
  levels: readonly StartCandidate[],
  {
    estimateBps,
    maxWidth,
    maxHeight,
  }: { estimateBps: number; maxWidth: number; maxHeight: number },
): number {
  if (levels.length === 0) return -1;
  const order = levels.map((level, index) => ({ level, index }));
  order.sort((a, b) => a.level.bitrate - b.level.bitrate);
  // As hls.js's capLevelToPlayerSize: the smallest rendition that covers the screen, and
  // nothing above it (unknown sizes are treated as fitting).
  const covering = order.find(({ level }) => level.width >= maxWidth || level.height >= maxHeight);
  const fitting = order.filter(
    ({ level }) =>
      covering === undefined || level.width === 0 || level.bitrate <= covering.level.bitrate,
  );
  const affordable = fitting.filter(({ level }) => level.bitrate <= estimateBps * START_SHARE);
  return (affordable.at(-1) ?? order[0]!).index;
}

/** The renditions of a master playlist (EXT-X-STREAM-INF + its URI line), absolute URIs. */
export function masterVariants(
  text: string,
  masterUrl: string,
): (StartCandidate & { uri: string })[] {
  const variants: (StartCandidate & { uri: string })[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const uri = lines.slice(i + 1).find((next) => next.trim() !== '' && !next.startsWith('#'));
    if (uri === undefined) continue;
    const bitrate = Number(/[:,]BANDWIDTH=(\d+)/.exec(line)?.[1] ?? 0);
    const [width, height] = (/[:,]RESOLUTION=(\d+)x(\d+)/.exec(line)?.slice(1) ?? ['0', '0']).map(
      Number,
    );
    variants.push({
      bitrate,
      width: width!,
      height: height!,
      uri: new URL(uri.trim(), masterUrl).href,
    });
  }
  return variants;
}

/** The screen in device pixels: the lightbox player is never larger. */
export function screenBounds(): { maxWidth: number; maxHeight: number } {
  const ratio = globalThis.devicePixelRatio || 1;
  return {
    maxWidth: Math.round((globalThis.innerWidth || 1280) * ratio),
    maxHeight: Math.round((globalThis.innerHeight || 720) * ratio),
  };
}

/** The last playback's measured bandwidth, else the browser's hint, else a default. */
export function bandwidthEstimate(
  storage: Pick<Storage, 'getItem'> | undefined = safeStorage(),
): number {
  const stored = Number(storage?.getItem(STORAGE_KEY));
  if (stored > 0) return stored;
  const downlink = (globalThis.navigator as { connection?: { downlink?: number } } | undefined)
    ?.connection?.downlink;
  return downlink && downlink > 0 ? downlink * 1e6 : DEFAULT_ESTIMATE_BPS;
}

export function rememberBandwidth(
  bps: number,
  storage: Pick<Storage, 'setItem'> | undefined = safeStorage(),
): void {
  if (!(bps > 0) || !Number.isFinite(bps)) return;
  try {
    storage?.setItem(STORAGE_KEY, String(Math.round(bps)));
  } catch {
    // Private mode or a full quota: the next start uses the hint or the default.
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** Picks the start variant's URI from a master playlist (for the prefetch). */
export function startVariantOf(master: string, masterUrl: string): string | undefined {
  const variants = masterVariants(master, masterUrl);
  const index = chooseStartLevel(variants, { estimateBps: bandwidthEstimate(), ...screenBounds() });
  return variants[index]?.uri;
}
