import type { MediaItem } from './api.ts';
import { el } from './element.ts';
import { describeItem } from './format.ts';
import { clampPan, detailScale, pan, UNZOOMED, type ZoomView, zoomAround } from './zoom.ts';

// A photo on the lightbox's stage. What is loaded, and when:
//   at once          the preview (about 2048 px, a few hundred KB), or the original for
//                    items imported before previews; the grid's thumbnail (already in the
//                    cache) is drawn underneath until it arrives, in the same box, so
//                    nothing moves when it does
//   on zoom          the original (pinch, double tap, a click, the wheel): it fades in over
//                    the preview once decoded
//   on press & hold  a Live Photo's motion clip, muted; the still returns when it ends
// Download is the lightbox's plain link to downloadUrl and loads nothing here.

export type PhotoStage = { readonly element: HTMLElement; destroy(): void };

/** Two taps closer than this in time and space are a double tap. */
const DOUBLE_TAP_MS = 300;
const DOUBLE_TAP_PX = 30;
/** A press held this long without moving plays a Live Photo. */
const HOLD_MS = 300;
/** Movement under this is still a tap or a hold, not a drag. */
const SLOP_PX = 10;

export function createPhotoStage(item: MediaItem): PhotoStage {
  const shown = item.previewUrl ?? item.fileUrl;
  const placeholder = el('img', {
    class: 'stage-placeholder',
    src: thumbnailShown(item),
    alt: '',
    'aria-hidden': 'true',
  });
  const photo = el('img', {
    class: 'stage-photo',
    src: shown,
    alt: describeItem(item),
    decoding: 'async',
  });
  const zoomLayer = el('div', { class: 'stage-zoom' }, placeholder, photo);
  const frame = el(
    'div',
    { class: 'stage-frame stage-frame-photo', 'data-state': 'loading' },
    zoomLayer,
    el('span', { class: 'spinner stage-spinner', 'aria-hidden': 'true' }),
  );
  photo.addEventListener('load', () => frame.setAttribute('data-state', 'ready'), { once: true });
  photo.addEventListener(
    'error',
    () => {
      frame.setAttribute('data-state', 'failed');
      frame.append(el('p', { class: 'stage-message' }, 'This photo can’t be shown right now.'));
    },
    { once: true },
  );

  let view: ZoomView = UNZOOMED;
  // A resized window keeps the zoomed view inside the frame.
  const onResize = () => apply(clampPan(view, frameBox()));
  let original: HTMLImageElement | undefined;
  let motion: HTMLVideoElement | undefined;
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  /** The press that is ending played the Live Photo: it is not a tap. */
  let held = false;

  /** The original, once: only zooming needs its pixels. */
  function loadOriginal() {
    if (original || shown === item.fileUrl) return;
    original = el('img', {
      class: 'stage-original',
      src: item.fileUrl,
      alt: '',
      decoding: 'async',
    });
    original.addEventListener('load', () => frame.setAttribute('data-original', 'ready'), {
      once: true,
    });
    frame.setAttribute('data-original', 'loading');
    zoomLayer.append(original);
  }

  function frameBox() {
    const box = frame.getBoundingClientRect();
    return { left: box.left, top: box.top, width: box.width, height: box.height };
  }

  function apply(next: ZoomView) {
    view = next;
    const zoomed = view.scale > 1.001;
    if (zoomed) {
      loadOriginal();
      stopMotion();
      window.addEventListener('resize', onResize);
    } else {
      window.removeEventListener('resize', onResize);
    }
    frame.toggleAttribute('data-zoomed', zoomed);
    zoomLayer.style.transform = zoomed
      ? `translate(${view.x}px, ${view.y}px) scale(${view.scale})`
      : '';
  }

  /** Zooms to the photo's detail at a point (client coordinates), or back out. */
  function toggleZoom(clientX: number, clientY: number) {
    const box = frameBox();
    if (view.scale > 1.001) return apply(UNZOOMED);
    const scale = detailScale(item, box, window.devicePixelRatio || 1);
    apply(zoomAround(view, scale, clientX - box.left, clientY - box.top, box));
  }

  // Pointers: one finger or the mouse pans a zoomed photo, two fingers pinch. While the
  // photo is zoomed or pinched, the lightbox's swipe-to-step never sees the gesture.
  const pointers = new Map<number, { x: number; y: number }>();
  let pinch: { distance: number; view: ZoomView; midX: number; midY: number } | undefined;
  let press: { x: number; y: number; t: number; moved: boolean; type: string } | undefined;
  let lastTap: { x: number; y: number; t: number } | undefined;

  const distance = () => {
    const [a, b] = [...pointers.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  };
  const midpoint = () => {
    const [a, b] = [...pointers.values()];
    return a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : { x: 0, y: 0 };
  };

  frame.addEventListener('pointerdown', (event) => {
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    frame.setPointerCapture?.(event.pointerId);
    if (pointers.size === 2) {
      cancelHold();
      press = undefined;
      const mid = midpoint();
      pinch = { distance: distance(), view, midX: mid.x, midY: mid.y };
      loadOriginal();
    } else if (pointers.size === 1) {
      press = {
        x: event.clientX,
        y: event.clientY,
        t: event.timeStamp,
        moved: false,
        type: event.pointerType,
      };
      if (event.pointerType !== 'mouse' && view.scale <= 1.001) startHold();
    }
    if (pinch || view.scale > 1.001) event.stopPropagation();
  });

  frame.addEventListener('pointermove', (event) => {
    const previous = pointers.get(event.pointerId);
    if (!previous) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (press && Math.hypot(event.clientX - press.x, event.clientY - press.y) > SLOP_PX) {
      press.moved = true;
      cancelHold();
    }
    const box = frameBox();
    if (pinch && pointers.size >= 2) {
      const mid = midpoint();
      const scale = (pinch.view.scale * distance()) / Math.max(pinch.distance, 1);
      const zoomed = zoomAround(
        pinch.view,
        scale,
        pinch.midX - box.left,
        pinch.midY - box.top,
        box,
      );
      apply(pan(zoomed, mid.x - pinch.midX, mid.y - pinch.midY, box));
    } else if (view.scale > 1.001) {
      apply(pan(view, event.clientX - previous.x, event.clientY - previous.y, box));
    }
  });

  const release = (event: PointerEvent) => {
    if (!pointers.delete(event.pointerId)) return;
    stopMotion();
    if (pinch || view.scale > 1.001) event.stopPropagation();
    if (pinch) {
      // The remaining finger pans from here; a pinch never counts as a tap.
      if (pointers.size < 2) pinch = undefined;
      if (view.scale < 1.05) apply(UNZOOMED);
      lastTap = undefined;
      return;
    }
    const tap = press;
    press = undefined;
    if (!tap || tap.moved || event.type === 'pointercancel' || held) {
      held = false;
      return;
    }
    if (tap.type === 'mouse') {
      toggleZoom(event.clientX, event.clientY);
      return;
    }
    const now = { x: event.clientX, y: event.clientY, t: event.timeStamp };
    if (
      lastTap &&
      now.t - lastTap.t < DOUBLE_TAP_MS &&
      Math.hypot(now.x - lastTap.x, now.y - lastTap.y) < DOUBLE_TAP_PX
    ) {
      lastTap = undefined;
      toggleZoom(now.x, now.y);
    } else {
      lastTap = now;
    }
  };
  frame.addEventListener('pointerup', release);
  frame.addEventListener('pointercancel', release);

  frame.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const box = frameBox();
      // A trackpad pinch arrives as a wheel with ctrlKey, in much smaller steps.
      const factor = Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.002));
      apply(
        zoomAround(
          view,
          view.scale * factor,
          event.clientX - box.left,
          event.clientY - box.top,
          box,
        ),
      );
    },
    { passive: false },
  );

  // Live Photos: hold (touch) or hover (mouse) plays the clip; the LIVE button plays it
  // for keyboards and screen readers.

  function startHold() {
    if (!item.motionUrl) return;
    cancelHold();
    holdTimer = setTimeout(() => {
      held = true;
      playMotion();
    }, HOLD_MS);
  }
  function cancelHold() {
    clearTimeout(holdTimer);
    holdTimer = undefined;
  }

  function playMotion() {
    if (!item.motionUrl || view.scale > 1.001) return;
    if (!motion) {
      motion = el('video', {
        class: 'stage-motion',
        src: item.motionUrl,
        muted: true,
        playsinline: true,
        preload: 'auto',
        'aria-hidden': 'true',
      });
      // The attribute sets the default; autoplay rules look at the property.
      motion.muted = true;
      motion.addEventListener('playing', () => frame.setAttribute('data-motion', 'playing'));
      motion.addEventListener('ended', stopMotion);
      zoomLayer.append(motion);
    }
    motion.currentTime = 0;
    void motion.play().catch(() => frame.removeAttribute('data-motion'));
  }

  function stopMotion() {
    cancelHold();
    if (!motion || frame.getAttribute('data-motion') === null) return;
    frame.removeAttribute('data-motion');
    motion.pause();
  }

  if (item.motionUrl) {
    const live = el(
      'button',
      { type: 'button', class: 'live-badge', 'aria-label': 'Play the Live Photo' },
      'LIVE',
    );
    live.addEventListener('click', playMotion);
    live.addEventListener('pointerdown', (event) => event.stopPropagation());
    frame.append(live);
    frame.addEventListener('pointerenter', (event) => {
      if (event.pointerType === 'mouse') playMotion();
    });
    frame.addEventListener('pointerleave', (event) => {
      if (event.pointerType === 'mouse') stopMotion();
    });
    // A long press would open the browser's image menu instead.
    frame.addEventListener('contextmenu', (event) => event.preventDefault());
  }

  return {
    element: frame,
    destroy() {
      cancelHold();
      if (view.scale > 1.001) window.removeEventListener('resize', onResize);
      motion?.pause();
      motion?.removeAttribute('src');
    },
  };
}

/**
 * The thumbnail the grid's tile shows for an item, which is in the cache: the tile picked it
 * from `srcset` for its own size (the 960 px one on a 3× phone), so asking for
 * `thumbnailUrl` here would put a second thumbnail on the network beside the preview, on
 * the tap's critical path. Opened from a link (no tile yet): the smallest one.
 */
function thumbnailShown(item: MediaItem): string {
  for (const link of document.querySelectorAll('.grid a[data-id]')) {
    if (link.getAttribute('data-id') !== item.id) continue;
    return link.querySelector('img')?.currentSrc || item.thumbnailUrl;
  }
  return item.thumbnailUrl;
}
