import { el } from './element.ts';
import { formatDuration } from './format.ts';
import { cueAt, type StoryboardCue } from './storyboard.ts';

// A seek bar under the video that shows, above the finger or the pointer, the frame at
// that time (a tile of the storyboard sprite) and the time, while hovering or dragging.
// The native controls keep play, volume and fullscreen; a native timeline cannot tell
// where the finger is. Seeking happens when the drag ends (one seek, not one per pixel).

export type ScrubBar = {
  readonly element: HTMLElement;
  /** The storyboard arrived: previews show frames (until then, only the time). */
  setCues(cues: StoryboardCue[]): void;
  destroy(): void;
};

export function createScrubBar(video: HTMLVideoElement): ScrubBar {
  const input = el('input', {
    type: 'range',
    class: 'scrub-input',
    min: 0,
    max: 0,
    step: 'any',
    value: 0,
    'aria-label': 'Seek',
  });
  const frame = el('div', { class: 'scrub-frame' });
  const time = el('span', { class: 'scrub-time' });
  const preview = el(
    'div',
    { class: 'scrub-preview', hidden: true, 'aria-hidden': 'true' },
    frame,
    time,
  );
  const element = el('div', { class: 'scrub' }, preview, input);
  let cues: StoryboardCue[] = [];
  let dragging = false;

  const duration = () => (Number.isFinite(video.duration) ? video.duration : 0);
  const onDuration = () => {
    input.max = String(duration());
  };
  const onTime = () => {
    if (!dragging) input.value = String(video.currentTime);
  };
  video.addEventListener('durationchange', onDuration);
  video.addEventListener('timeupdate', onTime);

  function show(fraction: number) {
    const length = duration();
    if (length <= 0) return;
    const clamped = Math.min(Math.max(fraction, 0), 1);
    const at = clamped * length;
    const cue = cueAt(cues, at);
    preview.hidden = false;
    preview.dataset.time = at.toFixed(3);
    // Whole seconds elapsed, as the video's own clock counts (5.6 s is 0:05, the tile's second).
    time.textContent = formatDuration(Math.floor(at));
    if (cue) {
      frame.hidden = false;
      frame.style.width = `${cue.width}px`;
      frame.style.height = `${cue.height}px`;
      frame.style.backgroundImage = `url("${cue.url}")`;
      frame.style.backgroundPosition = `-${cue.x}px -${cue.y}px`;
      preview.dataset.cue = String(cue.start);
    } else {
      frame.hidden = true;
    }
    // Centred over the finger, kept inside the bar.
    const bar = element.clientWidth;
    const half = (preview.offsetWidth || cue?.width || 0) / 2;
    preview.style.left = `${Math.min(Math.max(clamped * bar, half), Math.max(bar - half, half))}px`;
  }

  const fractionOf = (event: PointerEvent) => {
    const box = input.getBoundingClientRect();
    return box.width > 0 ? (event.clientX - box.left) / box.width : 0;
  };
  element.addEventListener('pointermove', (event) => show(fractionOf(event)));
  element.addEventListener('pointerleave', () => {
    if (!dragging) preview.hidden = true;
  });
  input.addEventListener('input', () => {
    dragging = true;
    show(Number(input.value) / (duration() || 1));
  });
  input.addEventListener('change', () => {
    dragging = false;
    preview.hidden = true;
    video.currentTime = Number(input.value);
  });

  return {
    element,
    setCues(next) {
      cues = next;
      element.dataset.previews = next.length > 0 ? 'ready' : 'none';
      // Fetch the sprite now: the first scrub shows a frame, not an empty box.
      const first = next[0];
      if (first) new Image().src = first.url;
    },
    destroy() {
      video.removeEventListener('durationchange', onDuration);
      video.removeEventListener('timeupdate', onTime);
      element.remove();
    },
  };
}
