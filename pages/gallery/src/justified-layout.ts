// The grid's geometry, computed rather than left to CSS, so that only the tiles near
// the viewport need to exist: every tile's box is known from the listing's widths and
// heights before any thumbnail arrives. Rows are justified (each full row spans the
// width, its tiles share one height and keep their aspect ratios); each month starts
// with a header band and a fresh row, so the month index can jump to it.

export type LayoutItem = { ratio: number; section: string };

export type LayoutOptions = {
  /** The grid's content width, CSS px. */
  width: number;
  /** The height rows aim at; a full row ends up near it, a section's last row at most it. */
  rowHeight: number;
  gap: number;
  headerHeight: number;
};

export type Band =
  | { kind: 'header'; top: number; height: number; section: string; first: number }
  | { kind: 'row'; top: number; height: number; start: number; end: number };

export type Layout = {
  bands: Band[];
  /** Per item: its row (index into bands), left edge and width. */
  band: Int32Array;
  left: Float64Array;
  width: Float64Array;
  height: number;
  /** Each section's header band, in order of first appearance. */
  sections: { key: string; band: number }[];
};

/** Extreme panoramas and slivers are cropped to these ratios, like the thumbnails. */
export const MIN_RATIO = 0.4;
export const MAX_RATIO = 3;

export function tileRatio(width: number, height: number): number {
  const ratio = width > 0 && height > 0 ? width / height : 1;
  return Math.min(MAX_RATIO, Math.max(MIN_RATIO, ratio));
}

export function layoutGrid(items: readonly LayoutItem[], options: LayoutOptions): Layout {
  const { width, rowHeight, gap, headerHeight } = options;
  const n = items.length;
  const layout: Layout = {
    bands: [],
    band: new Int32Array(n),
    left: new Float64Array(n),
    width: new Float64Array(n),
    height: 0,
    sections: [],
  };
  let top = 0;
  const addBand = (band: Band) => {
    layout.bands.push(band);
    top += band.height + gap;
  };
  const placeRow = (start: number, end: number, height: number, full: boolean) => {
    const index = layout.bands.length;
    let x = 0;
    for (let i = start; i < end; i++) {
      const exact = x + items[i]!.ratio * height;
      // Rounded edges: neighbours share a pixel boundary (no seams, no overlaps), and a
      // full row ends exactly at the grid's edge.
      const right = full && i === end - 1 ? width : Math.round(exact);
      layout.band[i] = index;
      layout.left[i] = Math.round(x);
      layout.width[i] = right - Math.round(x);
      x = exact + gap;
    }
    addBand({ kind: 'row', top, height: Math.round(height), start, end });
  };

  let i = 0;
  while (i < n) {
    const section = items[i]!.section;
    layout.sections.push({ key: section, band: layout.bands.length });
    addBand({ kind: 'header', top, height: headerHeight, section, first: i });
    let end = i;
    while (end < n && items[end]!.section === section) end++;
    // Greedy rows: add tiles until the row at rowHeight is as wide as the grid, then
    // keep or drop the last one, whichever leaves the height nearer rowHeight.
    let start = i;
    while (start < end) {
      let sum = 0;
      let stop = start;
      let full = false;
      while (stop < end) {
        sum += items[stop]!.ratio;
        stop++;
        const gaps = gap * (stop - start - 1);
        if (sum * rowHeight + gaps < width) continue;
        full = true;
        if (stop - start > 1) {
          const withLast = (width - gaps) / sum;
          const withoutLast = (width - gaps + gap) / (sum - items[stop - 1]!.ratio);
          if (
            Math.abs(Math.log(withoutLast / rowHeight)) < Math.abs(Math.log(withLast / rowHeight))
          ) {
            stop--;
            sum -= items[stop]!.ratio;
          }
        }
        break;
      }
      const justified = (width - gap * (stop - start - 1)) / sum;
      // A section's last row keeps rowHeight rather than blowing up a few tiles.
      placeRow(start, stop, full ? justified : Math.min(rowHeight, justified), full);
      start = stop;
    }
    i = end;
  }
  layout.height = Math.max(0, top - gap);
  return layout;
}

/** The bands that overlap [top, bottom) (layout coordinates), as [first, last + 1). */
export function bandsBetween(layout: Layout, top: number, bottom: number): [number, number] {
  const { bands } = layout;
  let low = 0;
  let high = bands.length;
  // The first band whose bottom edge is below `top`.
  while (low < high) {
    const mid = (low + high) >>> 1;
    const band = bands[mid]!;
    if (band.top + band.height <= top) low = mid + 1;
    else high = mid;
  }
  let last = low;
  while (last < bands.length && bands[last]!.top < bottom) last++;
  return [low, last];
}

/** The band at a vertical position (the one covering it, or the next one). */
export function bandAt(layout: Layout, y: number): number {
  return Math.min(bandsBetween(layout, y, y + 1)[0], Math.max(0, layout.bands.length - 1));
}
