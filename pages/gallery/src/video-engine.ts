import {
  createHlsEngine,
  type HlsEngine,
  mediaSourceAvailable,
  type PrefetchedLookup,
  type QualityControl,
} from './hls-engine.ts';
import { type EngineEvents, EngineUnavailableError, type PlaybackEngine } from './player.ts';

// Which engine plays HLS here. hls.js wherever Media Source Extensions exist
// (Chrome, Firefox, Edge, desktop Safari, iOS 17.1+ with ManagedMediaSource):
// the same adaptive logic everywhere, a quality menu, and HTTP status codes on
// errors so expired URLs are told apart. The browser's own HLS otherwise
// (older iPhones), which plays the same URLs but reports errors without detail.

export type EngineChoice = 'hls.js' | 'native' | 'none';

export function chooseEngine(can: { mediaSource: boolean; nativeHls: boolean }): EngineChoice {
  if (can.mediaSource) return 'hls.js';
  if (can.nativeHls) return 'native';
  return 'none';
}

export function createVideoEngine(
  media: HTMLVideoElement,
  events: EngineEvents,
  quality: QualityControl,
  prefetched?: PrefetchedLookup,
): Promise<PlaybackEngine | HlsEngine> {
  const choice = chooseEngine({
    mediaSource: mediaSourceAvailable(),
    nativeHls: media.canPlayType('application/vnd.apple.mpegurl') !== '',
  });
  if (choice === 'hls.js') return createHlsEngine(media, events, quality, prefetched);
  if (choice === 'native') return Promise.resolve(createNativeEngine(media, events));
  return Promise.reject(new EngineUnavailableError('no HLS support in this browser'));
}

function createNativeEngine(media: HTMLVideoElement, events: EngineEvents): PlaybackEngine {
  let generation = 0;
  const onError = () => {
    const code = media.error?.code;
    // MEDIA_ERR_DECODE is the file; anything else (network, "unsupported source"
    // for a refused playlist) may be an expired URL.
    events.onError(code === 3 ? 'media' : 'network', `media error ${code ?? '?'}`);
  };
  media.addEventListener('error', onError);

  return {
    load(src, { startAt, autoplay }) {
      const current = ++generation;
      media.src = src;
      media.addEventListener(
        'loadedmetadata',
        () => {
          if (current === generation && startAt > 0) media.currentTime = startAt;
        },
        { once: true },
      );
      media.addEventListener(
        'canplay',
        () => {
          if (current !== generation) return;
          events.onLoaded();
          if (autoplay && media.paused) media.play().catch(() => {});
        },
        { once: true },
      );
    },
    destroy() {
      generation++;
      media.removeEventListener('error', onError);
      media.removeAttribute('src');
      media.load();
    },
  };
}
