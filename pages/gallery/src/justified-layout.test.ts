import { describe, expect, it } from 'vitest';
import {
  bandAt,
  bandsBetween,
  type LayoutItem,
  layoutGrid,
  MAX_RATIO,
  MIN_RATIO,
  tileRatio,
} from './justified-layout.ts';

const phone = { width: 384, rowHeight: 130, gap: 3, headerHeight: 40 };
const desktop = { width: 1272, rowHeight: 220, gap: 4, headerHeight: 48 };

/** A gallery of n items, landscape, portrait and the odd panorama, `perMonth` to a month. */
function gallery(n: number, perMonth = 300): LayoutItem[] {
  const shapes = [4 / 3, 3 / 4, 16 / 9, 1, 2 / 3, 3, 0.4];
  return Array.from({ length: n }, (_, i) => ({
    ratio: shapes[(i * 7 + (i >> 3)) % shapes.length]!,
    section: `m${Math.floor(i / perMonth)}`,
  }));
}

describe('justified grid layout', () => {
  it('places every item exactly once, in order, in rows that do not overlap', () => {
    for (const options of [phone, desktop]) {
      const items = gallery(10_000);
      const layout = layoutGrid(items, options);
      const seen = new Int32Array(items.length);
      let next = 0;
      let bottom = -Infinity;
      for (const band of layout.bands) {
        expect(band.top).toBeGreaterThan(bottom);
        bottom = band.top + band.height;
        if (band.kind === 'header') {
          expect(band.first).toBe(next);
          continue;
        }
        for (let i = band.start; i < band.end; i++) seen[i]!++;
        expect(band.start).toBe(next);
        next = band.end;
      }
      expect(next).toBe(items.length);
      expect(seen.every((count) => count === 1)).toBe(true);
      expect(layout.height).toBe(bottom);
    }
  });

  it('fills full rows edge to edge, tiles keeping their shape and the row its height', () => {
    const items = gallery(2_000);
    const layout = layoutGrid(items, desktop);
    for (const [index, band] of layout.bands.entries()) {
      if (band.kind !== 'row') continue;
      const last = band.end - 1;
      const right = layout.left[last]! + layout.width[last]!;
      const sectionEnds = items[band.end]?.section !== items[last]!.section;
      if (!sectionEnds) expect(right).toBe(desktop.width);
      expect(right).toBeLessThanOrEqual(desktop.width);
      for (let i = band.start; i < band.end; i++) {
        expect(layout.band[i]).toBe(index);
        expect(Math.abs(layout.width[i]! / band.height - items[i]!.ratio)).toBeLessThan(
          1.5 / band.height,
        );
        if (i > band.start) {
          const gap = layout.left[i]! - (layout.left[i - 1]! + layout.width[i - 1]!);
          expect(gap).toBe(desktop.gap);
        }
      }
      expect(band.height).toBeGreaterThan(desktop.rowHeight / 2);
      expect(band.height).toBeLessThan(desktop.rowHeight * 2);
    }
  });

  it('starts each month with a header and a new row, and never stretches its last row', () => {
    const items = gallery(50, 7);
    const layout = layoutGrid(items, phone);
    expect(layout.sections.map((s) => s.key)).toEqual(Array.from({ length: 8 }, (_, i) => `m${i}`));
    for (const { key, band } of layout.sections) {
      const header = layout.bands[band]!;
      expect(header).toMatchObject({ kind: 'header', section: key });
      const row = layout.bands[band + 1]!;
      expect(row.kind === 'row' && items[row.start]!.section).toBe(key);
    }
    const lastRow = layout.bands.at(-1)!;
    expect(lastRow.height).toBeLessThanOrEqual(phone.rowHeight);
  });

  it('keeps the tiles near the viewport few, however long the gallery', () => {
    const viewport = 844;
    const overscan = viewport;
    for (const n of [100, 10_000, 100_000]) {
      const layout = layoutGrid(gallery(n), phone);
      let most = 0;
      for (let y = 0; y < layout.height; y += 997) {
        const [first, last] = bandsBetween(layout, y - overscan, y + viewport + overscan);
        let tiles = 0;
        for (const band of layout.bands.slice(first, last))
          tiles += band.kind === 'row' ? band.end - band.start : 1;
        most = Math.max(most, tiles);
      }
      // (viewport + 2 overscans) / shortest row × most tiles a phone row holds.
      expect(most).toBeLessThan(200);
    }
  });

  it('finds the bands in view by their position', () => {
    const layout = layoutGrid(gallery(1_000), phone);
    const [first, last] = bandsBetween(layout, 5_000, 6_000);
    expect(layout.bands[first]!.top).toBeLessThan(5_000 + 1);
    expect(layout.bands[first]!.top + layout.bands[first]!.height).toBeGreaterThan(5_000);
    expect(layout.bands[last - 1]!.top).toBeLessThan(6_000);
    expect(layout.bands[last]!.top).toBeGreaterThanOrEqual(6_000);
    expect(bandAt(layout, 0)).toBe(0);
    expect(bandAt(layout, layout.height + 100)).toBe(layout.bands.length - 1);
    expect(bandsBetween(layoutGrid([], phone), 0, 100)).toEqual([0, 0]);
  });

  it('crops extreme shapes to the tile ratios and survives missing sizes', () => {
    expect(tileRatio(8000, 1000)).toBe(MAX_RATIO);
    expect(tileRatio(100, 1000)).toBe(MIN_RATIO);
    expect(tileRatio(0, 0)).toBe(1);
    expect(tileRatio(4032, 3024)).toBeCloseTo(4 / 3);
  });
});
