import type { PlaybackToken } from './api.ts';
import { playlistUrl } from './player.ts';

// What a tap on a video waits for, fetched before the tap. Measured (bench/, 150 ms
// RTT): hls.js, the token, the master and the variant playlist were four round trips
// one after another between the tap and the first segment request; with those in hand
// (warm), the init and first segment were still ~450 ms of the ~1 s to a moving picture.
//
//   the listing arrives              this video's playback token (in the item: `listed`)
//   a video tile is on screen        hls.js (once; fetched and evaluated), the token if the
//                                    listing had none
//   the tile rests, or is about to   the master playlist and the variant hls.js will start
//   be tapped                        with; and, when the guest touches it (or it rests
//                                    nearest the middle among few other videos), the init
//                                    and first segment — of one video at a time
//
// Everything is kept in memory and handed to hls.js by its loader (hls-engine.ts) for
// exactly the URL it asks for, so the start needs no request the guest did not already
// wait for. Tokens are valid for hours; one is reused until it nears its expiry. A token is
// only a permission: the video worker still verifies it before it reads anything, and the
// bytes kept here are the ones it answered to that token.

export type VideoPrefetchOptions = {
  videoApiBase: string;
  fetchToken(videoId: string): Promise<PlaybackToken>;
  /** Starts loading the playback engine (hls.js). */
  loadEngine(): void;
  /** The variant the engine will start with, chosen from the master playlist. */
  startVariant(master: string, masterUrl: string): string | undefined;
  fetch?: typeof fetch;
  now?: () => number;
  /** A monotonic clock for the load timings handed to hls.js (performance.now). */
  clock?: () => number;
};

/** A response fetched ahead: its bytes and when they came (hls.js's LoaderStats.loading). */
export type Prefetched = {
  data: ArrayBuffer;
  timing: { start: number; first: number; end: number };
};

export type VideoPrefetch = {
  /** The token the listing handed out with the video: used while it lasts (no request). */
  listed(videoId: string, token: PlaybackToken): void;
  /** A video's tile is on screen. */
  visible(videoId: string): void;
  /**
   * The guest is about to open it (pointer down or resting on it, focus). `media`: the
   * init and first segment too, not only the playlists — for this video alone: another
   * video's start, wanted before, is no longer fetched (what is on its way is let go).
   */
  intent(videoId: string, options?: { media: boolean }): void;
  /**
   * A token to start playing with: the prefetched one while it lasts, else a new one.
   * `renew`: always a new one (the last one's URLs were refused), kept for next time.
   */
  token(videoId: string, options?: { renew: boolean }): Promise<PlaybackToken>;
  /**
   * What was fetched ahead for exactly this URL (undefined: nothing, or no longer fresh).
   * Resolves to undefined when that fetch failed: the caller loads it itself.
   */
  prefetched(url: string): Promise<Prefetched | undefined> | undefined;
};

/** A prefetched token is used only with at least this long left (ms). */
export const TOKEN_MARGIN_MS = 5 * 60_000;
/** The videos whose start is kept in memory (a few hundred KiB each at most). */
export const KEPT_VIDEOS = 3;
/** Playlists whose answer names no max-age are kept this long (ms). */
const DEFAULT_FRESH_MS = 60_000;

type Kit = {
  master: string;
  /** Until then the playlists (and the bytes their URLs gave) are handed out. */
  freshUntil: number;
  /** The start variant, once it arrived. */
  variant?: { url: string; text: string };
  /** The init and first segment are wanted (fetched as soon as the variant is here). */
  media: boolean;
  mediaFetched: boolean;
  /** Lets go of the init and first segment while they are on their way. */
  mediaAbort?: AbortController | undefined;
  urls: string[];
};

export function createVideoPrefetch(options: VideoPrefetchOptions): VideoPrefetch {
  const now = options.now ?? Date.now;
  const clock = options.clock ?? (() => performance.now());
  const load = options.fetch ?? ((input, init) => fetch(input, init));
  const tokens = new Map<string, Promise<PlaybackToken>>();
  /** The tokens of `tokens` that have arrived. */
  const settled = new Map<string, PlaybackToken>();
  /** Per video, oldest first (Map order): its playlists and start segments. */
  const kits = new Map<string, Kit>();
  const responses = new Map<string, { videoId: string; response: Promise<Prefetched> }>();
  /**
   * The one video whose start segments are fetched ahead: a tap needs one video's start. The
   * bench's waterfall (150 ms, 9 Mbit/s; README) had two videos of a first screen fetching
   * theirs, sharing the link with the thumbnails and with the tapped video's own segment.
   */
  let mediaVideo: string | undefined;

  function token(videoId: string): Promise<PlaybackToken> {
    const known = tokens.get(videoId);
    if (known) {
      return known.then((t) => (t.expiresAt * 1000 - now() > TOKEN_MARGIN_MS ? t : fresh(videoId)));
    }
    return fresh(videoId);
  }

  function fresh(videoId: string): Promise<PlaybackToken> {
    const pending = options.fetchToken(videoId);
    tokens.set(videoId, pending);
    settled.delete(videoId);
    pending.then(
      (t) => {
        if (tokens.get(videoId) === pending) settled.set(videoId, t);
      },
      () => {},
    );
    // A failure is not kept: the tap asks again (and shows the error if it fails again).
    pending.catch(() => {
      if (tokens.get(videoId) === pending) tokens.delete(videoId);
    });
    return pending;
  }

  /** Fetches `url` into memory for `videoId`'s kit; a failure is forgotten at once. */
  function remember(
    videoId: string,
    kit: Kit,
    url: string,
    onAnswer?: (answer: Response) => void,
    signal?: AbortSignal,
  ) {
    const key = normalise(url);
    const response = (async (): Promise<Prefetched> => {
      const start = clock();
      const answer = await load(url, {
        mode: 'cors',
        credentials: 'omit',
        ...(signal ? { signal } : {}),
      });
      if (!answer.ok) throw new Error(String(answer.status));
      onAnswer?.(answer);
      const first = clock();
      const data = await answer.arrayBuffer();
      return { data, timing: { start, first, end: clock() } };
    })();
    responses.set(key, { videoId, response });
    kit.urls.push(key);
    response.catch(() => {
      if (responses.get(key)?.response === response) responses.delete(key);
    });
    return response;
  }

  function forget(videoId: string) {
    for (const url of kits.get(videoId)?.urls ?? []) {
      if (responses.get(url)?.videoId === videoId) responses.delete(url);
    }
    kits.delete(videoId);
  }

  function kitFor(videoId: string, master: string): Kit {
    const known = kits.get(videoId);
    if (known && known.master === master && now() < known.freshUntil) {
      // The most recently wanted video is the last one to be let go.
      kits.delete(videoId);
      kits.set(videoId, known);
      return known;
    }
    forget(videoId);
    const kit: Kit = {
      master,
      freshUntil: now() + DEFAULT_FRESH_MS,
      media: false,
      mediaFetched: false,
      urls: [],
    };
    kits.set(videoId, kit);
    for (const old of kits.keys()) {
      if (kits.size <= KEPT_VIDEOS) break;
      forget(old);
    }
    const started = now();
    // The video worker's max-age is the life of the URLs in its playlists: the kit is
    // handed out no longer than the shorter of the two playlists' (their segments' URLs too).
    let answered: number | undefined;
    const freshness = (answer: Response) => {
      const maxAge = /(?:^|,)\s*max-age=(\d+)/.exec(answer.headers.get('cache-control') ?? '')?.[1];
      const until = started + Number(maxAge ?? 0) * 1000;
      answered = Math.min(answered ?? until, until);
      kit.freshUntil = answered;
    };
    void (async () => {
      const masterResponse = await remember(videoId, kit, master, freshness);
      const text = new TextDecoder().decode(masterResponse.data);
      const url = options.startVariant(text, master);
      if (url === undefined) return;
      const variant = await remember(videoId, kit, url, freshness);
      kit.variant = { url, text: new TextDecoder().decode(variant.data) };
      // In the same task as the variant's arrival: hls.js, handed the same variant, must
      // find its segments already asked for, not fetch them a second time.
      fetchStartSegments(videoId, kit);
    })().catch(() => {
      // Only a head start: the player fetches (and reports) for itself.
      if (kits.get(videoId) === kit) forget(videoId);
    });
    return kit;
  }

  function fetchStartSegments(videoId: string, kit: Kit) {
    if (!kit.media || kit.mediaFetched || kit.variant === undefined) return;
    if (kits.get(videoId) !== kit || mediaVideo !== videoId) return;
    kit.mediaFetched = true;
    const abort = new AbortController();
    kit.mediaAbort = abort;
    const { init, first } = startSegments(kit.variant.text, kit.variant.url);
    const pending = [init, first]
      .filter((url) => url !== undefined && !responses.has(normalise(url)))
      .map((url) => remember(videoId, kit, url!, undefined, abort.signal));
    void Promise.allSettled(pending).then(() => {
      if (kit.mediaAbort === abort) kit.mediaAbort = undefined;
    });
  }

  /** `videoId` is the one video whose start is fetched ahead from now on. */
  function takeMedia(videoId: string) {
    if (mediaVideo === videoId) return;
    mediaVideo = videoId;
    for (const [id, kit] of kits) {
      if (id === videoId) continue;
      kit.media = false;
      if (kit.mediaAbort === undefined) continue;
      // What arrived stays (it costs nothing more); what is on its way is let go, and
      // fetched again if this video is wanted again.
      kit.mediaAbort.abort();
      kit.mediaAbort = undefined;
      kit.mediaFetched = false;
    }
  }

  async function warm(videoId: string, media: boolean) {
    const { query } = await token(videoId);
    const kit = kitFor(videoId, playlistUrl(options.videoApiBase, videoId, query));
    // Another video may have been wanted since (the token is a round trip).
    if (!media || mediaVideo !== videoId) return;
    kit.media = true;
    fetchStartSegments(videoId, kit);
  }

  return {
    listed(videoId, listed) {
      if (listed.expiresAt * 1000 - now() <= TOKEN_MARGIN_MS) return;
      // One asked for, or another lasting longer, stays (a tile made again from an old page).
      if (
        tokens.has(videoId) &&
        !(listed.expiresAt > (settled.get(videoId)?.expiresAt ?? Infinity))
      )
        return;
      tokens.set(videoId, Promise.resolve(listed));
      settled.set(videoId, listed);
    },
    visible(videoId) {
      options.loadEngine();
      void token(videoId).catch(() => {});
    },
    intent(videoId, { media } = { media: false }) {
      options.loadEngine();
      if (media) takeMedia(videoId);
      void warm(videoId, media).catch(() => {});
    },
    token: (videoId, { renew } = { renew: false }) => (renew ? fresh(videoId) : token(videoId)),
    prefetched(url) {
      const entry = responses.get(normalise(url));
      if (entry === undefined) return undefined;
      const kit = kits.get(entry.videoId);
      if (kit === undefined || now() >= kit.freshUntil) return undefined;
      return entry.response.catch(() => undefined);
    },
  };
}

function normalise(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/**
 * The init segment (EXT-X-MAP) and the first media segment of a media playlist, absolute:
 * what a player starting at 0 fetches first.
 */
export function startSegments(
  text: string,
  playlistUrl: string,
): { init?: string; first?: string } {
  const found: { init?: string; first?: string } = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-MAP:')) {
      // A byte-ranged init is fetched with a Range header: not kept ahead.
      const uri = /[:,]URI="([^"]*)"/.exec(line)?.[1];
      if (uri !== undefined && !/[:,]BYTERANGE=/.test(line) && found.init === undefined) {
        found.init = new URL(uri, playlistUrl).href;
      }
    } else if (line.startsWith('#EXT-X-BYTERANGE')) {
      return found.init === undefined ? {} : { init: found.init };
    } else if (!line.startsWith('#')) {
      found.first = new URL(line, playlistUrl).href;
      return found;
    }
  }
  return found;
}

/**
 * A tile rests once it is on screen and the page has not scrolled for this long: the tiles
 * a guest looks at, not those a fling carries past (its scroll events re-arm the wait). A
 * tile shown on a still page — the first screen of a gallery — rests at once, so its
 * video's playlists and first segment are on their way before a finger can reach it (the
 * bench's cold tap: 500 ms after the tile showed).
 */
export const DWELL_MS = 150;
/**
 * The resting tile nearest the middle of the screen gets its video's first segment ahead
 * only while at most this many video tiles are on screen: a video among photos is likely
 * the one tapped; among a screen of videos the guess is poor (a touch still fetches its own
 * at once).
 */
export const FEW_VIDEOS = 2;

/**
 * Watches video tiles: on screen → `visible`; resting (on screen, the page DWELL_MS
 * without scrolling), or touched, hovered or focused → `intent`. Of the resting tiles, the
 * one nearest the middle of the screen gets its first segment too (among few videos, without
 * Save-Data), and a touched one at once: one video's start at a time (the prefetch lets go
 * of the one before). While `covered()` (the lightbox is open over the grid) a rest is no
 * intent: the tap has happened, and another video's playlists would share the phone's
 * bandwidth with the one starting (bench: the 20-minute video's 600-segment variant,
 * fetched 800 ms after a cold tap, delayed its first segment).
 */
export function watchVideoTiles(
  prefetch: VideoPrefetch,
  {
    dwellMs = DWELL_MS,
    covered = () => false,
    saveData = () =>
      (globalThis.navigator as { connection?: { saveData?: boolean } } | undefined)?.connection
        ?.saveData === true,
    scrolling = globalThis as unknown as EventTarget,
    distanceFromMiddle = (element: Element) => {
      const box = element.getBoundingClientRect();
      return Math.hypot(
        (box.left + box.right) / 2 - innerWidth / 2,
        (box.top + box.bottom) / 2 - innerHeight / 2,
      );
    },
  }: {
    dwellMs?: number;
    covered?: () => boolean;
    saveData?: () => boolean;
    /** Where the page's scroll events arrive (window; captured, so inner scrollers count). */
    scrolling?: EventTarget;
    /** How far a tile's centre is from the screen's. */
    distanceFromMiddle?: (element: Element) => number;
  } = {},
) {
  const videoIds = new WeakMap<Element, string>();
  const onScreen = new Set<Element>();
  /** The tiles on screen whose rest has been told (`intent`) since they came on screen. */
  const rested = new Set<Element>();
  /** The resting tile whose video's start was last fetched ahead. */
  let leading: Element | undefined;
  let dwell: ReturnType<typeof setTimeout> | undefined;
  /** The page's last scroll event (Date.now()); a page never scrolled has been still since 0. */
  let scrolledAt = Number.NEGATIVE_INFINITY;

  // Every tile on screen rests at once: when the page has been still for dwellMs.
  const rest = () => {
    for (const tile of onScreen) if (!tile.isConnected) onScreen.delete(tile);
    if (covered() || onScreen.size === 0) return;
    const media = onScreen.size <= FEW_VIDEOS && !saveData();
    let nearest: Element | undefined;
    if (media) {
      let best = Number.POSITIVE_INFINITY;
      for (const tile of onScreen) {
        const distance = distanceFromMiddle(tile);
        if (distance < best) [nearest, best] = [tile, distance];
      }
    }
    for (const tile of onScreen) {
      if (tile === nearest || rested.has(tile)) continue;
      rested.add(tile);
      prefetch.intent(videoIds.get(tile)!, { media: false });
    }
    if (nearest !== undefined && (nearest !== leading || !rested.has(nearest))) {
      rested.add(nearest);
      leading = nearest;
      prefetch.intent(videoIds.get(nearest)!, { media: true });
    }
  };
  const awaitRest = () => {
    clearTimeout(dwell);
    // A tile shown on a still page (the first screen, a jump) rests at once.
    dwell = setTimeout(rest, Math.max(0, scrolledAt + dwellMs - Date.now()));
  };
  const onScroll = () => {
    scrolledAt = Date.now();
    if (onScreen.size > 0) awaitRest();
  };
  scrolling.addEventListener?.('scroll', onScroll, { capture: true, passive: true });
  const observer = new IntersectionObserver(
    (entries) => {
      for (const { target, isIntersecting } of entries) {
        const videoId = videoIds.get(target);
        if (videoId === undefined) continue;
        // The grid is windowed: a tile scrolled far away is removed, and made anew later.
        if (!target.isConnected) observer.unobserve(target);
        if (!isIntersecting || !target.isConnected) {
          onScreen.delete(target);
          rested.delete(target);
          continue;
        }
        onScreen.add(target);
        prefetch.visible(videoId);
        awaitRest();
      }
    },
    { threshold: 0.5 },
  );
  return {
    watch(element: HTMLElement, videoId: string) {
      videoIds.set(element, videoId);
      observer.observe(element);
      element.addEventListener(
        'pointerdown',
        () => {
          leading = element;
          prefetch.intent(videoId, { media: true });
        },
        { passive: true },
      );
      for (const type of ['pointerenter', 'focus'] as const) {
        element.addEventListener(type, () => prefetch.intent(videoId, { media: false }), {
          passive: true,
        });
      }
    },
    disconnect() {
      observer.disconnect();
      scrolling.removeEventListener?.('scroll', onScroll, { capture: true });
      clearTimeout(dwell);
      onScreen.clear();
      rested.clear();
    },
  };
}
