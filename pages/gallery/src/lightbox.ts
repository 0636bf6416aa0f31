import type { MediaItem, PlaybackToken } from './api.ts';
import { el, ICONS, icon } from './element.ts';
import { describeItem, formatTakenAt } from './format.ts';
import type { HlsEngine, PrefetchedLookup, Quality } from './hls-engine.ts';
import { originalVideo } from './original-video.ts';
import { createPhotoStage, type PhotoStage } from './photo-stage.ts';
import { type Player, type PlayerState, startPlayback } from './player.ts';
import { createScrubBar } from './scrub-bar.ts';
import { parseStoryboard, type StoryboardCue, storyboardUrl } from './storyboard.ts';
import { listenForSwipes, type SwipeDirection } from './swipe.ts';
import { createVideoEngine } from './video-engine.ts';

// One photo or video, full screen, in a modal <dialog>: the page behind is
// inert, Esc closes, focus stays inside and returns to the tile afterwards.

export type LightboxOptions = {
  videoApiBase: string;
  /** `renew`: never a token fetched ahead (see player.ts). */
  fetchToken(videoId: string, options: { renew: boolean }): Promise<PlaybackToken>;
  /** Playlists and first segments fetched before the tap (video-prefetch.ts). */
  prefetched?: PrefetchedLookup;
  onStep(direction: SwipeDirection): void;
  /** Esc, the close button, or the browser closed the dialog. */
  onRequestClose(): void;
  /** Share: the item's own link (share-item.ts). */
  onShare?(item: MediaItem): void;
  /** More of the bar's actions, before Close (the owner's edits: owner-actions.ts). */
  actions?: HTMLElement;
};

export type Lightbox = {
  readonly element: HTMLDialogElement;
  /**
   * Resolves once the item's start needs the network no more to itself: at once for a
   * photo, for a streamed video when it plays or fails (never rejects; never resolves if
   * another item replaces it first).
   */
  show(item: MediaItem, neighbours: { hasPrevious: boolean; hasNext: boolean }): Promise<void>;
  /** Open, waiting for an item that is still being looked up (a shared link). */
  showLoading(): void;
  hide(): void;
  destroy(): void;
};

const FAILURE_TEXT: Record<Extract<PlayerState, { status: 'failed' }>['reason'], string> = {
  token: 'This video can’t be loaded right now.',
  network: 'The connection dropped while loading the video.',
  expired: 'The video’s link expired and couldn’t be renewed.',
  'not-found': 'This video isn’t available.',
  media: 'This video can’t be played.',
  unsupported: 'This browser can’t play the video. You can download it instead.',
};

export function createLightbox(options: LightboxOptions): Lightbox {
  const title = el('h2', { id: 'lightbox-title', class: 'lightbox-title' });
  const date = el('p', { class: 'lightbox-date' });
  const qualitySelect = el('select', { id: 'lightbox-quality' });
  const quality = el(
    'div',
    { class: 'lightbox-quality', hidden: true },
    el('label', { for: 'lightbox-quality' }, 'Quality'),
    qualitySelect,
  );
  // No href until an item is shown: a link offers one file, the one on the stage.
  const download = el(
    'a',
    { class: 'button button-quiet lightbox-download', hidden: true },
    icon(ICONS.download),
    el('span', {}, 'Download'),
  );
  const share = el(
    'button',
    { type: 'button', class: 'button button-quiet lightbox-share', hidden: true },
    icon(ICONS.share),
    el('span', {}, 'Share'),
  );
  const close = el(
    'button',
    { type: 'button', class: 'button button-quiet button-icon', 'aria-label': 'Close' },
    icon(ICONS.close),
  );
  const previous = el(
    'button',
    { type: 'button', class: 'lightbox-step lightbox-previous', 'aria-label': 'Previous' },
    icon(ICONS.previous),
  );
  const next = el(
    'button',
    { type: 'button', class: 'lightbox-step lightbox-next', 'aria-label': 'Next' },
    icon(ICONS.next),
  );
  const stage = el('div', { class: 'lightbox-stage' });
  const dialog = el(
    'dialog',
    { class: 'lightbox', 'aria-labelledby': 'lightbox-title' },
    el(
      'div',
      { class: 'lightbox-bar' },
      el('div', { class: 'lightbox-caption' }, title, date),
      el('div', { class: 'lightbox-actions' }, quality, share, download, options.actions, close),
    ),
    previous,
    stage,
    next,
  );

  let current: MediaItem | undefined;
  let player: Player | undefined;
  let photo: PhotoStage | undefined;
  let engine: HlsEngine | undefined;
  let closingOurselves = false;

  close.addEventListener('click', () => options.onRequestClose());
  share.addEventListener('click', () => current && options.onShare?.(current));
  previous.addEventListener('click', () => options.onStep('previous'));
  next.addEventListener('click', () => options.onStep('next'));
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    options.onRequestClose();
  });
  dialog.addEventListener('close', () => {
    // The browser may close a modal dialog on its own (e.g. repeated Esc).
    if (closingOurselves) closingOurselves = false;
    else options.onRequestClose();
  });
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Tab') trapFocus(event);
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    // Arrow keys belong to the video's controls and the quality menu while they have focus.
    if (
      event.target instanceof HTMLVideoElement ||
      event.target instanceof HTMLSelectElement ||
      event.target instanceof HTMLInputElement
    ) {
      return;
    }
    event.preventDefault();
    const direction = event.key === 'ArrowLeft' ? 'previous' : 'next';
    if (direction === 'previous' ? !previous.disabled : !next.disabled) options.onStep(direction);
  });
  listenForSwipes(stage, (direction) => {
    if (direction === 'previous' ? !previous.disabled : !next.disabled) options.onStep(direction);
  });
  qualitySelect.addEventListener('change', () => engine?.setQuality(Number(qualitySelect.value)));

  function trapFocus(event: KeyboardEvent) {
    const focusable = [
      ...dialog.querySelectorAll<HTMLElement>('button, a[href], input, select, video'),
    ]
      .filter((node) => !node.hasAttribute('disabled') && !node.closest('[hidden]'))
      .filter((node) => node.getClientRects().length > 0);
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  // Close takes the focus when the lightbox opens (Tab and Esc start there), but its ring is
  // for keyboard users. Browsers guess from the focus before: Chromium rings a script's focus
  // on a page nobody has touched yet (a shared link opened from a chat), Safari one after a
  // tap on a link (a tap focuses nothing there). So the last input the page saw decides.
  let keyboardLast = false;
  const onKey = (event: KeyboardEvent) => {
    if (event.metaKey || event.ctrlKey || event.altKey) return;
    keyboardLast = true;
    close.removeAttribute('data-pointer-focus');
  };
  const onPointer = () => {
    keyboardLast = false;
  };
  globalThis.addEventListener?.('keydown', onKey, { capture: true });
  globalThis.addEventListener?.('pointerdown', onPointer, { capture: true, passive: true });
  close.addEventListener('blur', () => close.removeAttribute('data-pointer-focus'));

  function open() {
    if (dialog.open) return;
    dialog.showModal();
    close.focus();
    if (!keyboardLast) close.setAttribute('data-pointer-focus', '');
  }

  /**
   * The item on the stage, and the bar that names it: title, date and Download change
   * together, in the same task, so Download never offers the file of the item before.
   */
  function setCurrent(item: MediaItem | undefined) {
    current = item;
    title.textContent = item ? describeItem(item) : '';
    date.textContent = item ? formatTakenAt(item.takenAt) : '';
    if (item) {
      // A plain link: the viewer's Content-Disposition saves the file and the page stays.
      download.href = item.downloadUrl;
      download.hidden = false;
      share.hidden = !options.onShare;
    } else {
      share.hidden = true;
      download.removeAttribute('href');
      download.hidden = true;
    }
  }

  /** Whatever is on the stage lets go of its media (and listeners). */
  function clearStage() {
    photo?.destroy();
    photo = undefined;
    stopVideo();
  }

  function stopVideo() {
    player?.destroy();
    player = undefined;
    engine = undefined;
    quality.hidden = true;
  }

  function showPhoto(item: MediaItem) {
    photo = createPhotoStage(item);
    stage.replaceChildren(photo.element);
  }

  function showVideo(item: MediaItem & { videoId: string }, started: () => void) {
    const video = el('video', {
      class: 'stage-video',
      controls: true,
      playsinline: true,
      preload: 'auto',
      poster: item.thumbnailUrl,
      'aria-label': describeItem(item),
    });
    const message = el('div', { class: 'stage-message', role: 'status' });
    const scrub = createScrubBar(video);
    const frame = el(
      'div',
      { class: 'stage-frame', 'data-state': 'loading' },
      video,
      scrub.element,
      spinner(),
      message,
    );
    fitToPicture(frame, video, item);
    stage.replaceChildren(frame);
    let storyboardLoading = false;

    const onQualities = (list: Quality[]) => {
      qualitySelect.replaceChildren(
        el('option', { value: -1 }, 'Auto'),
        ...list.map((q) => el('option', { value: q.index }, qualityLabel(q))),
      );
      quality.hidden = list.length < 2;
    };
    const onQualityShown = (shown: Quality | undefined) => {
      const auto = qualitySelect.querySelector('option[value="-1"]');
      if (auto) auto.textContent = shown ? `Auto (${qualityLabel(shown)})` : 'Auto';
    };

    const thisPlayer = startPlayback({
      videoId: item.videoId,
      videoApiBase: options.videoApiBase,
      media: video,
      fetchToken: options.fetchToken,
      createEngine: async (events) => {
        const created = await createVideoEngine(
          video,
          events,
          { onQualities, onQualityShown },
          options.prefetched,
        );
        if ('setQuality' in created && player === thisPlayer) engine = created;
        return created;
      },
      onState: (state) => {
        frame.setAttribute('data-state', state.status);
        // A failed video has nothing to play, and its controls' own loading ring turned on
        // behind the message; Try again brings them back.
        video.controls = state.status !== 'failed';
        if (state.status === 'playing' || state.status === 'failed') started();
        // Seek previews once the picture moves: never ahead of the first segments.
        if (state.status === 'playing' && !storyboardLoading) {
          storyboardLoading = true;
          void loadStoryboard(item.videoId).then((cues) => {
            if (player === thisPlayer) scrub.setCues(cues);
          });
        }
        message.replaceChildren();
        if (state.status !== 'failed') return;
        message.append(el('p', {}, FAILURE_TEXT[state.reason]));
        if (state.reason !== 'not-found' && state.reason !== 'unsupported') {
          const retry = el('button', { type: 'button', class: 'button' }, 'Try again');
          retry.addEventListener('click', () => thisPlayer.retry(), { once: true });
          message.append(retry);
        }
      },
    });
    player = thisPlayer;
  }

  /** The video's storyboard cues; none when it has no storyboard (imported before them). */
  async function loadStoryboard(videoId: string): Promise<StoryboardCue[]> {
    try {
      const { query } = await options.fetchToken(videoId, { renew: false });
      const url = storyboardUrl(options.videoApiBase, videoId, query);
      const response = await fetch(url);
      return response.ok ? parseStoryboard(await response.text(), url) : [];
    } catch {
      return [];
    }
  }

  return {
    element: dialog,

    show(item, neighbours) {
      previous.disabled = !neighbours.hasPrevious;
      next.disabled = !neighbours.hasNext;
      if (current?.id === item.id && dialog.open) return Promise.resolve();
      clearStage();
      setCurrent(item);
      dialog.setAttribute('data-kind', item.kind);
      let started = Promise.resolve();
      if (item.kind === 'video' && item.videoId) {
        const { videoId } = item;
        started = new Promise((resolve) => showVideo({ ...item, videoId }, resolve));
      } else if (item.kind === 'video') {
        const frame = originalVideo(item);
        const video = frame.querySelector('video');
        if (video) fitToPicture(frame, video, item);
        stage.replaceChildren(frame);
      } else showPhoto(item);
      open();
      return started;
    },

    showLoading() {
      clearStage();
      setCurrent(undefined);
      title.textContent = 'Loading…';
      previous.disabled = true;
      next.disabled = true;
      stage.replaceChildren(
        el('div', { class: 'stage-frame', 'data-state': 'loading' }, spinner()),
      );
      open();
    },

    hide() {
      clearStage();
      setCurrent(undefined);
      stage.replaceChildren();
      if (!dialog.open) return;
      // The close event fires later, as a task: the flag tells it apart.
      closingOurselves = true;
      dialog.close();
    },

    destroy() {
      this.hide();
      globalThis.removeEventListener?.('keydown', onKey, { capture: true });
      globalThis.removeEventListener?.('pointerdown', onPointer, { capture: true });
      dialog.remove();
    },
  };
}

/**
 * The video's box takes the picture's shape (styles.css: `--ratio`), so its controls and the
 * seek bar sit at the picture's bottom edge, not at the screen's far below a landscape video
 * on a phone held upright. The listing's size first, then the stream's own once it is known.
 */
function fitToPicture(frame: HTMLElement, video: HTMLVideoElement, item: MediaItem) {
  const set = (width: number, height: number) => {
    if (width > 0 && height > 0) frame.style.setProperty('--ratio', String(width / height));
  };
  set(item.width, item.height);
  video.addEventListener('loadedmetadata', () => set(video.videoWidth, video.videoHeight));
}

function spinner(): HTMLElement {
  return el('span', { class: 'spinner stage-spinner', 'aria-hidden': 'true' });
}

function qualityLabel(quality: Quality): string {
  return quality.height > 0 ? `${quality.height}p` : `${Math.round(quality.bitrate / 1000)} kbps`;
}
