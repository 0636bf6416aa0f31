// The lightbox's zoom as plain numbers: a view is `translate(x, y) scale(scale)` with
// the transform origin at the frame's top-left corner, so a point p of the unzoomed
// frame is drawn at x + scale × p. Kept free of the DOM so it can be tested as math.

export type ZoomView = { scale: number; x: number; y: number };
export type Size = { width: number; height: number };

export const UNZOOMED: ZoomView = { scale: 1, x: 0, y: 0 };
/** Past this the original's pixels are only blurred further (a 12 MP photo on a phone is ~3.4×). */
export const MAX_SCALE = 6;

/** The same content point stays under (px, py) while the scale changes. */
export function zoomAround(view: ZoomView, scale: number, px: number, py: number, frame: Size) {
  const next = Math.min(MAX_SCALE, Math.max(1, scale));
  const contentX = (px - view.x) / view.scale;
  const contentY = (py - view.y) / view.scale;
  return clampPan({ scale: next, x: px - next * contentX, y: py - next * contentY }, frame);
}

/** Moves a zoomed view, never past the frame's edges. */
export function pan(view: ZoomView, dx: number, dy: number, frame: Size): ZoomView {
  return clampPan({ scale: view.scale, x: view.x + dx, y: view.y + dy }, frame);
}

/** The zoomed frame always covers the stage: no empty band is dragged into view. */
export function clampPan(view: ZoomView, frame: Size): ZoomView {
  const clamp = (value: number, min: number) => Math.min(0, Math.max(min, value));
  return {
    scale: view.scale,
    x: clamp(view.x, frame.width - view.scale * frame.width),
    y: clamp(view.y, frame.height - view.scale * frame.height),
  };
}

/**
 * How far a double tap or a click zooms: to the original's own pixels (one image pixel
 * per device pixel) where that is a real enlargement, at least 2× and at most MAX_SCALE.
 * `shown` is the photo's drawn size in CSS pixels (object-fit: contain).
 */
export function detailScale(photo: Size, shown: Size, devicePixelRatio: number): number {
  const fit = Math.min(shown.width / photo.width, shown.height / photo.height);
  const native = 1 / (fit * devicePixelRatio);
  return Math.min(MAX_SCALE, Math.max(2, Number.isFinite(native) ? native : 2));
}
