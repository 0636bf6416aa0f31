import { describe, expect, it } from 'vitest';
import { clampPan, detailScale, MAX_SCALE, pan, UNZOOMED, zoomAround } from './zoom.ts';

const frame = { width: 400, height: 800 };
/** Where a point of the unzoomed frame is drawn. */
const drawn = (view: { scale: number; x: number; y: number }, px: number, py: number) => ({
  x: view.x + view.scale * px,
  y: view.y + view.scale * py,
});

describe('lightbox zoom', () => {
  it('keeps the point under the finger or cursor where it is', () => {
    const view = zoomAround(UNZOOMED, 3, 100, 300, frame);
    expect(view.scale).toBe(3);
    expect(drawn(view, 100, 300)).toEqual({ x: 100, y: 300 });
    const further = zoomAround(view, 4, 250, 500, frame);
    const content = { x: (250 - view.x) / view.scale, y: (500 - view.y) / view.scale };
    const after = drawn(further, content.x, content.y);
    expect(after.x).toBeCloseTo(250);
    expect(after.y).toBeCloseTo(500);
  });

  it('never zooms out past the whole photo, nor in past MAX_SCALE', () => {
    expect(zoomAround(UNZOOMED, 0.2, 10, 10, frame)).toEqual(UNZOOMED);
    expect(zoomAround(UNZOOMED, 50, 10, 10, frame).scale).toBe(MAX_SCALE);
  });

  it('pans a zoomed photo but never drags its edge into the frame', () => {
    const view = zoomAround(UNZOOMED, 2, 200, 400, frame);
    expect(pan(view, 10_000, 10_000, frame)).toEqual({ scale: 2, x: 0, y: 0 });
    expect(pan(view, -10_000, -10_000, frame)).toEqual({ scale: 2, x: -400, y: -800 });
    expect(clampPan({ scale: 1, x: 30, y: -30 }, frame)).toEqual({ scale: 1, x: 0, y: 0 });
  });

  it('zooms a camera photo to its own pixels on a 3× phone, a small one at least 2×', () => {
    // 4032×3024 drawn 390 CSS px wide at 3×: one image pixel per device pixel is ~3.4×.
    const camera = detailScale({ width: 4032, height: 3024 }, { width: 390, height: 700 }, 3);
    expect(camera).toBeCloseTo(4032 / (390 * 3));
    expect(detailScale({ width: 800, height: 600 }, { width: 390, height: 700 }, 3)).toBe(2);
    expect(detailScale({ width: 40_000, height: 30_000 }, { width: 390, height: 700 }, 1)).toBe(
      MAX_SCALE,
    );
  });
});
