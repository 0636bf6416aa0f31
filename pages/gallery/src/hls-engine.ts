import type HlsType from 'hls.js';
import type {
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
} from 'hls.js';
import type { EngineErrorKind, EngineEvents, PlaybackEngine } from './player.ts';
import {
  bandwidthEstimate,
  chooseStartLevel,
  rememberBandwidth,
  screenBounds,
} from './start-level.ts';
import type { Prefetched } from './video-prefetch.ts';

// hls.js on Media Source Extensions. The library (light build, ~114 KiB gzip) is imported
// dynamically, when the first video tile shows (video-prefetch.ts): the grid never
// waits for it, and a tap on a video does not either.

export type Quality = { index: number; height: number; bitrate: number };

export type QualityControl = {
  /** The video's renditions, best first; empty until the master playlist is parsed. */
  onQualities(qualities: Quality[]): void;
  /** The rendition now on screen. */
  onQualityShown(quality: Quality | undefined): void;
};

export type HlsEngine = PlaybackEngine & {
  /** A rendition index, or -1 for automatic (adaptive) quality. */
  setQuality(index: number): void;
};

/** What the player needs to know about an hls.js error event. */
export type HlsErrorLike = {
  type: string;
  details: string;
  fatal: boolean;
  response?: { code?: number } | undefined;
};

/**
 * Which errors the player acts on. hls.js retries 5xx and timeouts by itself and
 * never retries a 4xx: a 401/403 means the token (video worker) or a presigned
 * URL (storage) expired, and only a fresh token helps — act on the first one,
 * before hls.js wanders off to other renditions with the same dead URLs.
 */
export function classifyHlsError(data: HlsErrorLike): EngineErrorKind | undefined {
  const status = data.response?.code;
  if (data.type === 'networkError') {
    if (status === 401 || status === 403) return 'expired';
    if (!data.fatal) return undefined;
    if (status === 404 || status === 410) return 'not-found';
    return 'network';
  }
  if (!data.fatal) return undefined;
  return 'media';
}

/** hls.js can play here: Media Source Extensions (or Safari's ManagedMediaSource) with H.264/AAC. */
export function mediaSourceAvailable(): boolean {
  const scope = globalThis as {
    MediaSource?: { isTypeSupported(type: string): boolean };
    ManagedMediaSource?: { isTypeSupported(type: string): boolean };
  };
  const mediaSource = scope.ManagedMediaSource ?? scope.MediaSource;
  return mediaSource?.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"') === true;
}

let hlsModule: Promise<typeof import('hls.js/light')> | undefined;

/**
 * Starts downloading hls.js (when a video tile shows). Its light build: the gallery's own
 * ladders (`gallery import`/`process`: fMP4, audio muxed into each rendition, no
 * subtitles, no DRM) need none of what it leaves out (alternate audio, subtitles and
 * captions, EME, CMCD, content steering, interstitials), and it is 114 KiB gzip instead of
 * 178: less to download beside the first screen's thumbnails, and less to compile on a
 * phone's busy main thread right after the page opened.
 */
export function preloadHls(): Promise<typeof import('hls.js/light')> {
  if (hlsModule) return hlsModule;
  const loading = import('hls.js/light');
  hlsModule = loading;
  // A failed chunk load (offline) must not stick: the next attempt tries again.
  loading.catch(() => {
    if (hlsModule === loading) hlsModule = undefined;
  });
  return loading;
}

/** What was fetched ahead for a URL (video-prefetch.ts); undefined: load it. */
export type PrefetchedLookup = (url: string) => Promise<Prefetched | undefined> | undefined;

type LoaderClass = HlsConfig['loader'];

/**
 * hls.js's own loader, but a URL fetched ahead of the tap (playlists, init, first segment)
 * is answered from memory: the start waits for no request made before it. Its load timings
 * are the prefetch's real durations, moved to end now (hls.js's ABR samples from the load's
 * start to its parsing: a fetch made seconds ago would read as a slow network). Anything else, and a
 * prefetch that failed, goes to the network as before (errors, retries, 403s unchanged).
 */
export function prefetchingLoader(Base: LoaderClass, lookup: PrefetchedLookup): LoaderClass {
  return class PrefetchingLoader extends (Base as new (
    config: HlsConfig,
  ) => Loader<LoaderContext>) {
    private settled = false;

    override load(
      context: LoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<LoaderContext>,
    ): void {
      // A byte range is asked for with a Range header; hls.js marks a whole file with
      // rangeEnd 0 (its own loaders test it the same way).
      const ahead = context.rangeEnd ? undefined : lookup(context.url);
      if (ahead === undefined) {
        super.load(context, config, callbacks);
        return;
      }
      this.settled = false;
      this.context = context;
      void ahead.then((prefetched) => {
        if (this.settled) return;
        if (prefetched === undefined) {
          super.load(context, config, callbacks);
          return;
        }
        this.settled = true;
        const { stats } = this;
        const { start, first, end } = prefetched.timing;
        const shift = performance.now() - end;
        Object.assign(stats.loading, {
          start: start + shift,
          first: first + shift,
          end: end + shift,
        });
        stats.loaded = stats.total = prefetched.data.byteLength;
        stats.chunkCount = 1;
        // A copy: hls.js may transfer the buffer to a worker, and a replay needs it again.
        const data =
          context.responseType === 'arraybuffer'
            ? prefetched.data.slice(0)
            : new TextDecoder().decode(prefetched.data);
        callbacks.onSuccess({ url: context.url, data, code: 200 }, stats, context, null);
      });
    }

    override abort(): void {
      this.settled = true;
      super.abort();
    }

    override destroy(): void {
      this.settled = true;
      super.destroy();
    }
  } as unknown as LoaderClass;
}

export async function createHlsEngine(
  media: HTMLVideoElement,
  events: EngineEvents,
  quality: QualityControl,
  prefetched?: PrefetchedLookup,
): Promise<HlsEngine> {
  const { default: Hls } = await preloadHls();
  let hls: HlsType | undefined;
  let chosenLevel = -1;
  let bandwidth: number | undefined;
  let mediaRecoveries = 0;
  const originalPoster = media.poster;

  const qualities = (instance: HlsType): Quality[] =>
    instance.levels
      .map((level, index) => ({ index, height: level.height, bitrate: level.bitrate }))
      .sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);

  function teardown() {
    if (!hls) return;
    bandwidth = hls.bandwidthEstimate;
    rememberBandwidth(bandwidth);
    hls.destroy();
    hls = undefined;
  }

  return {
    load(src, { startAt, autoplay }) {
      freezeFrame(media);
      teardown();
      // A reload starts at the quality the guest was watching; a first start from the
      // bandwidth the last playback measured (start-level.ts), not hls.js's fixed guess.
      const estimate = bandwidth ?? bandwidthEstimate();
      const instance = new Hls({
        // No 1080p download into a phone-sized player.
        capLevelToPlayerSize: true,
        abrEwmaDefaultEstimate: estimate,
        backBufferLength: 60,
        // Loading starts in MANIFEST_PARSED, once the start level is set.
        autoStartLoad: false,
        ...(prefetched ? { loader: prefetchingLoader(Hls.DefaultConfig.loader, prefetched) } : {}),
      });
      hls = instance;

      instance.on(Hls.Events.MANIFEST_PARSED, () => {
        if (chosenLevel >= 0 && chosenLevel < instance.levels.length) {
          instance.currentLevel = chosenLevel;
        } else {
          const start = chooseStartLevel(instance.levels, {
            estimateBps: estimate,
            ...screenBounds(),
          });
          if (start >= 0) instance.startLevel = start;
        }
        instance.startLoad(startAt > 0 ? startAt : -1);
        quality.onQualities(qualities(instance));
      });
      instance.on(Hls.Events.FRAG_LOADED, () => {
        bandwidth = instance.bandwidthEstimate;
      });
      instance.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
        const level = instance.levels[data.level];
        quality.onQualityShown(
          level && { index: data.level, height: level.height, bitrate: level.bitrate },
        );
      });
      instance.on(Hls.Events.ERROR, (_event, data) => {
        if (instance !== hls) return;
        const kind = classifyHlsError(data);
        if (kind === 'media' && data.type === 'mediaError' && mediaRecoveries < 2) {
          // hls.js's documented recovery: rebuild the SourceBuffers, then swap the audio codec.
          if (mediaRecoveries++ === 1) instance.swapAudioCodec();
          instance.recoverMediaError();
          return;
        }
        if (kind) events.onError(kind, `${data.type}/${data.details}`);
      });

      media.addEventListener(
        'canplay',
        () => {
          if (instance !== hls) return;
          media.poster = originalPoster;
          mediaRecoveries = 0;
          events.onLoaded();
          if (autoplay && media.paused) media.play().catch(() => {});
        },
        { once: true },
      );

      instance.attachMedia(media);
      instance.loadSource(src);
      // A first start asks to play at once (still in the tap's user activation): the
      // element starts with the first frames appended instead of a task after `canplay`.
      // A reload at a position keeps to `canplay`, once hls.js has seeked there.
      if (autoplay && startAt === 0) media.play().catch(() => {});
    },

    setQuality(index) {
      chosenLevel = index;
      // nextLevel switches after the buffered fragments play out: no stall, no flash.
      if (hls) hls.nextLevel = index;
    },

    destroy() {
      teardown();
      media.poster = originalPoster;
    },
  };
}

/**
 * Shows the current frame as the poster while a new source loads, so a reload
 * does not flash black. Needs a same-origin picture: MSE blob sources are.
 */
function freezeFrame(media: HTMLVideoElement) {
  if (media.readyState < 2 || media.videoWidth === 0) return;
  try {
    const canvas = document.createElement('canvas');
    canvas.width = media.videoWidth;
    canvas.height = media.videoHeight;
    canvas.getContext('2d')?.drawImage(media, 0, 0);
    media.poster = canvas.toDataURL('image/jpeg', 0.85);
  } catch {
    // A tainted canvas: keep the usual poster.
  }
}
