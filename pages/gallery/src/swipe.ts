// Telling a horizontal swipe (next/previous photo) from a scroll, a tap or a pinch.

export type SwipeDirection = 'next' | 'previous';

/** A finger must travel at least this far, in CSS pixels... */
export const MIN_DISTANCE = 50;
/** ...mostly sideways... */
const MIN_SLOPE = 1.5;
/** ...and quickly: a slow drag is someone looking, not flicking. */
const MAX_DURATION_MS = 800;

export function classifySwipe(
  dx: number,
  dy: number,
  durationMs: number,
): SwipeDirection | undefined {
  if (Math.abs(dx) < MIN_DISTANCE) return undefined;
  if (Math.abs(dx) < Math.abs(dy) * MIN_SLOPE) return undefined;
  if (durationMs > MAX_DURATION_MS) return undefined;
  // Content follows the finger: dragging it to the left brings in the next item.
  return dx < 0 ? 'next' : 'previous';
}

/** Calls `onSwipe` for single-finger touch swipes on `element`. */
export function listenForSwipes(
  element: HTMLElement,
  onSwipe: (direction: SwipeDirection) => void,
): () => void {
  let start: { x: number; y: number; t: number; id: number } | undefined;
  const down = (event: PointerEvent) => {
    // A second finger (pinch-zoom) cancels the swipe.
    if (!event.isPrimary) start = undefined;
    if (event.pointerType === 'mouse' || !event.isPrimary) return;
    start = { x: event.clientX, y: event.clientY, t: event.timeStamp, id: event.pointerId };
  };
  const up = (event: PointerEvent) => {
    if (!start || event.pointerId !== start.id) return;
    const direction = classifySwipe(
      event.clientX - start.x,
      event.clientY - start.y,
      event.timeStamp - start.t,
    );
    start = undefined;
    if (direction) onSwipe(direction);
  };
  // The browser took the gesture over (scroll, zoom).
  const cancel = () => {
    start = undefined;
  };
  element.addEventListener('pointerdown', down);
  element.addEventListener('pointerup', up);
  element.addEventListener('pointercancel', cancel);
  return () => {
    element.removeEventListener('pointerdown', down);
    element.removeEventListener('pointerup', up);
    element.removeEventListener('pointercancel', cancel);
  };
}
