import type { PlaybackToken } from './api.ts';

// Playing one video: get a playback token from the viewer, hand the video
// worker's playlist URL to an engine (hls.js or the browser's own HLS), and
// keep playing when URLs expire. Playlists and presigned segment URLs die with
// their token; when a request is refused the player quietly fetches a fresh
// token and reloads at the position the guest was watching, still playing.
//
// This module holds the decisions and has no DOM: engines do the media work.

export type EngineErrorKind =
  /** A request answered 401/403: token or presigned URL expired. */
  | 'expired'
  /** The network failed after the engine's own retries. */
  | 'network'
  /** The video does not exist (404). */
  | 'not-found'
  /** Decoding failed after the engine's own recovery. */
  | 'media'
  /** This browser can play neither MSE nor native HLS. */
  | 'unsupported';

export type EngineEvents = {
  onError(kind: EngineErrorKind, detail: string): void;
  /** The loaded source has data at the start position. */
  onLoaded(): void;
};

export type PlaybackEngine = {
  /** Loads `src` in place of any current source, at `startAt` seconds, playing if `autoplay`. */
  load(src: string, options: { startAt: number; autoplay: boolean }): void;
  destroy(): void;
};

export type EngineFactory = (events: EngineEvents) => Promise<PlaybackEngine>;

/** What the player reads from the <video> element. */
export type MediaPosition = { readonly currentTime: number; readonly paused: boolean };

export type PlayerState =
  | { status: 'loading' }
  | { status: 'playing' }
  | { status: 'recovering' }
  | { status: 'failed'; reason: EngineErrorKind | 'token' };

export type PlayerOptions = {
  videoId: string;
  /** VIDEO_API_BASE */
  videoApiBase: string;
  media: MediaPosition;
  /**
   * `renew`: the last token's URLs were refused (or playback failed): a new one, never a
   * prefetched one. The first load may take a token fetched ahead (video-prefetch.ts).
   */
  fetchToken(videoId: string, options: { renew: boolean }): Promise<PlaybackToken>;
  createEngine: EngineFactory;
  onState?(state: PlayerState): void;
  now?(): number;
};

export type Player = {
  readonly state: PlayerState;
  /** After a failure: start over from where the guest was. */
  retry(): void;
  destroy(): void;
};

/** At most this many reloads within RECOVERY_WINDOW_MS before giving up (no reload loops). */
export const MAX_RECOVERIES = 3;
export const RECOVERY_WINDOW_MS = 60_000;

export function playlistUrl(videoApiBase: string, videoId: string, query: string): string {
  const base = videoApiBase.replace(/\/+$/, '');
  return `${base}/api/hls/playlist?key=${encodeURIComponent(videoId)}&${query.replace(/^\?/, '')}`;
}

export function startPlayback(options: PlayerOptions): Player {
  const { videoId, videoApiBase, media, fetchToken, createEngine } = options;
  const now = options.now ?? Date.now;
  let state: PlayerState = { status: 'loading' };
  let engine: PlaybackEngine | undefined;
  let destroyed = false;
  let busy = false;
  const recoveries: number[] = [];
  // While a (re)load has not delivered data yet, the element reports 0 / paused:
  // the position and intent the guest had are kept here instead.
  let pending: { startAt: number; autoplay: boolean } | undefined = {
    startAt: 0,
    autoplay: true,
  };

  function setState(next: PlayerState) {
    state = next;
    options.onState?.(state);
  }

  const events: EngineEvents = {
    onLoaded() {
      if (destroyed) return;
      pending = undefined;
      if (state.status !== 'playing') setState({ status: 'playing' });
    },
    onError(kind) {
      if (destroyed || busy) return;
      if (kind === 'expired' || kind === 'network') recover();
      else fail(kind);
    },
  };

  function fail(reason: EngineErrorKind | 'token') {
    pending = position();
    engine?.destroy();
    engine = undefined;
    setState({ status: 'failed', reason });
  }

  function position() {
    return pending ?? { startAt: media.currentTime, autoplay: !media.paused };
  }

  async function load(at: { startAt: number; autoplay: boolean }, renew: boolean) {
    busy = true;
    pending = at;
    try {
      const [token, created] = await Promise.all([
        fetchToken(videoId, { renew }),
        engine ? Promise.resolve(engine) : createEngine(events),
      ]);
      if (destroyed) {
        created.destroy();
        return;
      }
      engine = created;
      engine.load(playlistUrl(videoApiBase, videoId, token.query), at);
    } catch (error) {
      if (destroyed) return;
      const reason = (error as { engineError?: EngineErrorKind }).engineError ?? 'token';
      fail(reason);
    } finally {
      busy = false;
    }
  }

  function recover() {
    const t = now();
    while (recoveries.length > 0 && recoveries[0]! <= t - RECOVERY_WINDOW_MS) recoveries.shift();
    if (recoveries.length >= MAX_RECOVERIES) {
      fail('network');
      return;
    }
    recoveries.push(t);
    setState({ status: 'recovering' });
    void load(position(), true);
  }

  void load(pending, false);

  return {
    get state() {
      return state;
    },
    retry() {
      if (destroyed || state.status !== 'failed') return;
      recoveries.length = 0;
      setState({ status: 'loading' });
      void load(position(), true);
    },
    destroy() {
      destroyed = true;
      engine?.destroy();
      engine = undefined;
    },
  };
}

/** Thrown by an engine factory when it cannot play here. */
export class EngineUnavailableError extends Error {
  readonly engineError: EngineErrorKind = 'unsupported';
}
