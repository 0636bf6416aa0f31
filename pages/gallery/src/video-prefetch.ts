import type { PlaybackToken } from './api.ts';
import { playlistUrl } from './player.ts';

// What a tap on a video waits for, fetched before the tap. Measured (bench/, 150 ms
// RTT): hls.js, the token, the master and the variant playlist were four round trips
// one after another between the tap and the first segment request.
//
//   a video tile is on screen      hls.js (once), this video's playback token
//   the tile is about to be tapped  the master playlist and the variant hls.js will start
//                                  with, into the browser's HTTP cache (the video worker
//                                  answers playlists `private, max-age` = their URLs' life)
//
// Tokens are valid for hours; one is reused until it nears its expiry. A token is only a
// permission: the video worker still verifies it before it reads anything.

export type VideoPrefetchOptions = {
  videoApiBase: string;
  fetchToken(videoId: string): Promise<PlaybackToken>;
  /** Starts loading the playback engine (hls.js). */
  loadEngine(): void;
  /** The variant the engine will start with, chosen from the master playlist. */
  startVariant(master: string, masterUrl: string): string | undefined;
  fetch?: typeof fetch;
  now?: () => number;
};

export type VideoPrefetch = {
  /** A video's tile is on screen. */
  visible(videoId: string): void;
  /** The guest is about to open it (pointer down or resting on it, focus). */
  intent(videoId: string): void;
  /**
   * A token to start playing with: the prefetched one while it lasts, else a new one.
   * `renew`: always a new one (the last one's URLs were refused), kept for next time.
   */
  token(videoId: string, options?: { renew: boolean }): Promise<PlaybackToken>;
};

/** A prefetched token is used only with at least this long left (ms). */
export const TOKEN_MARGIN_MS = 5 * 60_000;

export function createVideoPrefetch(options: VideoPrefetchOptions): VideoPrefetch {
  const now = options.now ?? Date.now;
  const load = options.fetch ?? ((input, init) => fetch(input, init));
  const tokens = new Map<string, Promise<PlaybackToken>>();
  const playlists = new Set<string>();

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
    // A failure is not kept: the tap asks again (and shows the error if it fails again).
    pending.catch(() => {
      if (tokens.get(videoId) === pending) tokens.delete(videoId);
    });
    return pending;
  }

  async function warmPlaylists(videoId: string) {
    const { query } = await token(videoId);
    const master = playlistUrl(options.videoApiBase, videoId, query);
    if (playlists.has(master)) return;
    playlists.add(master);
    try {
      const response = await load(master, { mode: 'cors', credentials: 'omit' });
      if (!response.ok) throw new Error(String(response.status));
      const variant = options.startVariant(await response.text(), master);
      if (variant !== undefined) {
        const answer = await load(variant, { mode: 'cors', credentials: 'omit' });
        await answer.arrayBuffer();
      }
    } catch {
      // Only a head start: the player fetches (and reports) for itself.
      playlists.delete(master);
    }
  }

  return {
    visible(videoId) {
      options.loadEngine();
      void token(videoId).catch(() => {});
    },
    intent(videoId) {
      options.loadEngine();
      void warmPlaylists(videoId).catch(() => {});
    },
    token: (videoId, { renew } = { renew: false }) => (renew ? fresh(videoId) : token(videoId)),
  };
}

/** Tiles stay this long on screen before their playlists are fetched ahead (a pause in scrolling). */
export const DWELL_MS = 800;

/**
 * Watches video tiles: on screen → `visible`; on screen for DWELL_MS, or touched, hovered
 * or focused → `intent`. While `covered()` (the lightbox is open over the grid) a dwell
 * is no intent: the tap has happened, and another video's playlists would share the
 * phone's bandwidth with the one starting (bench: the 20-minute video's 600-segment
 * variant, fetched 800 ms after a cold tap, delayed its first segment).
 */
export function watchVideoTiles(
  prefetch: VideoPrefetch,
  { dwellMs = DWELL_MS, covered = () => false }: { dwellMs?: number; covered?: () => boolean } = {},
) {
  const videoIds = new WeakMap<Element, string>();
  const dwell = new Map<Element, ReturnType<typeof setTimeout>>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const { target, isIntersecting } of entries) {
        const videoId = videoIds.get(target);
        if (videoId === undefined) continue;
        // The grid is windowed: a tile scrolled far away is removed, and made anew later.
        if (!target.isConnected) observer.unobserve(target);
        clearTimeout(dwell.get(target));
        dwell.delete(target);
        if (!isIntersecting) continue;
        prefetch.visible(videoId);
        dwell.set(
          target,
          setTimeout(() => {
            dwell.delete(target);
            if (!covered()) prefetch.intent(videoId);
          }, dwellMs),
        );
      }
    },
    { threshold: 0.5 },
  );
  return {
    watch(element: HTMLElement, videoId: string) {
      videoIds.set(element, videoId);
      observer.observe(element);
      const intent = () => prefetch.intent(videoId);
      for (const type of ['pointerdown', 'pointerenter', 'focus'] as const) {
        element.addEventListener(type, intent, { passive: true });
      }
    },
    disconnect() {
      observer.disconnect();
      for (const timer of dwell.values()) clearTimeout(timer);
      dwell.clear();
    },
  };
}
