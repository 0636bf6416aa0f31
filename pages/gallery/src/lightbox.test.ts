import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaItem } from './api.ts';
import { createLightbox } from './lightbox.ts';

// The package's tests run in node without a DOM library (README: Tests), so the
// lightbox builds itself here on the few element features it uses. Attributes are
// the truth, as in a browser: `href`, `hidden` and `disabled` reflect them.
class FakeElement extends EventTarget {
  readonly attributes = new Map<string, string>();
  children: (FakeElement | string)[] = [];
  open = false;

  constructor(readonly tagName: string) {
    super();
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  hasAttribute(name: string) {
    return this.attributes.has(name);
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
  }
  get href() {
    return this.getAttribute('href') ?? '';
  }
  set href(value: string) {
    this.setAttribute('href', value);
  }
  get hidden() {
    return this.hasAttribute('hidden');
  }
  set hidden(value: boolean) {
    if (value) this.setAttribute('hidden', '');
    else this.removeAttribute('hidden');
  }
  get disabled() {
    return this.hasAttribute('disabled');
  }
  set disabled(value: boolean) {
    if (value) this.setAttribute('disabled', '');
    else this.removeAttribute('disabled');
  }
  get textContent(): string {
    return this.children.map((c) => (typeof c === 'string' ? c : c.textContent)).join('');
  }
  set textContent(value: string) {
    this.children = value === '' ? [] : [value];
  }
  append(...nodes: (FakeElement | string)[]) {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: (FakeElement | string)[]) {
    this.children = nodes;
  }
  remove() {}
  focus() {}
  showModal() {
    this.open = true;
  }
  close() {
    this.open = false;
  }
  /** Depth-first, like querySelector. */
  find(match: (element: FakeElement) => boolean): FakeElement | undefined {
    for (const child of this.children) {
      if (typeof child === 'string') continue;
      if (match(child)) return child;
      const found = child.find(match);
      if (found) return found;
    }
    return undefined;
  }
}

const VIEWER = 'http://localhost:8787';

function photo(id: string, title: string): MediaItem {
  return {
    id,
    kind: 'image',
    title,
    takenAt: '2026-06-13T09:00:00.000Z',
    width: 3,
    height: 2,
    thumbnailUrl: `${VIEWER}/api/thumbnail/thumbnails/${id}.webp?v=1`,
    thumbnails: [{ url: `${VIEWER}/api/thumbnail/thumbnails/${id}.webp?v=1`, width: 3 }],
    fileUrl: `${VIEWER}/api/file/originals/${id}.jpg`,
    downloadUrl: `${VIEWER}/api/file/originals/${id}.jpg?download=1`,
  };
}

const dunes = photo('demo-01', 'Dunes at dusk');
const harbour = photo('demo-02', 'Harbour lights');
const both = { hasPrevious: true, hasNext: true };

function setup() {
  const lightbox = createLightbox({
    videoApiBase: 'http://localhost:8788',
    fetchToken: () => new Promise(() => {}),
    onStep: () => {},
    onRequestClose: () => {},
  });
  const dialog = lightbox.element as unknown as FakeElement;
  const part = (match: (element: FakeElement) => boolean) => {
    const found = dialog.find(match);
    if (!found) throw new Error('lightbox part not found');
    return found;
  };
  const download = part((e) => e.tagName === 'a');
  const title = part((e) => e.getAttribute('id') === 'lightbox-title');
  /** The full-size photo on the stage now. */
  const stagePhoto = () => part((e) => e.getAttribute('class') === 'stage-photo');
  const stagePlaceholder = () => part((e) => e.getAttribute('class') === 'stage-placeholder');
  return { lightbox, download, title, stagePhoto, stagePlaceholder };
}

beforeEach(() => {
  vi.stubGlobal('document', {
    createElement: (tag: string) => new FakeElement(tag),
    createElementNS: (_ns: string, tag: string) => new FakeElement(tag),
    // No grid here: the stage's placeholder falls back to the item's smallest thumbnail.
    querySelectorAll: () => [],
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('lightbox photo', () => {
  it('draws the thumbnail the grid’s tile shows (in the cache) under the preview', () => {
    const shownByTile = `${VIEWER}/api/thumbnail/thumbnails/demo-02-hd.webp?v=1`;
    const tile = (id: string) => ({
      getAttribute: () => id,
      querySelector: () => ({ currentSrc: shownByTile }),
    });
    vi.stubGlobal('document', {
      ...document,
      querySelectorAll: () => [tile('demo-01'), tile('demo-02')],
    });
    const { lightbox, stagePlaceholder } = setup();
    lightbox.show(harbour, both);
    expect(stagePlaceholder().getAttribute('src')).toBe(shownByTile);
  });

  it('tells at once that a photo has started (its neighbours need not wait)', async () => {
    const { lightbox } = setup();
    let started = false;
    void lightbox.show(harbour, both).then(() => {
      started = true;
    });
    await Promise.resolve();
    expect(started).toBe(true);
  });

  it('draws the smallest thumbnail when no tile shows the item (opened from a link)', () => {
    const { lightbox, stagePlaceholder } = setup();
    lightbox.show(harbour, both);
    expect(stagePlaceholder().getAttribute('src')).toBe(harbour.thumbnailUrl);
  });
});

describe('lightbox Download', () => {
  it('offers nothing before an item is shown', () => {
    const { download } = setup();
    expect(download.getAttribute('href')).toBeNull();
    expect(download.hidden).toBe(true);
  });

  it('offers the shown item’s original at once, before its photo has loaded', () => {
    const { lightbox, download, title } = setup();
    lightbox.show(dunes, both);
    expect(title.textContent).toBe('Dunes at dusk');
    expect(download.href).toBe(`${VIEWER}/api/file/originals/demo-01.jpg?download=1`);
    expect(download.hidden).toBe(false);
  });

  it('switches with the title when the guest steps to the next item', () => {
    const { lightbox, download, title } = setup();
    lightbox.show(dunes, both);
    lightbox.show(harbour, both);
    expect(title.textContent).toBe('Harbour lights');
    expect(download.href).toBe(harbour.downloadUrl);
  });

  it('offers nothing while the next item is still being looked up', () => {
    const { lightbox, download, title } = setup();
    lightbox.show(dunes, both);
    lightbox.showLoading();
    expect(title.textContent).toBe('Loading…');
    expect(download.getAttribute('href')).toBeNull();
    expect(download.hidden).toBe(true);
    lightbox.show(harbour, both);
    expect(download.href).toBe(harbour.downloadUrl);
  });

  it('keeps offering the shown item when its photo fails to load', () => {
    const { lightbox, download, stagePhoto } = setup();
    lightbox.show(harbour, both);
    stagePhoto().dispatchEvent(new Event('error'));
    expect(download.href).toBe(harbour.downloadUrl);
  });

  it('is not changed by the previous item’s photo finishing late', () => {
    const { lightbox, download, stagePhoto } = setup();
    lightbox.show(dunes, both);
    const previousPhoto = stagePhoto();
    lightbox.show(harbour, both);
    previousPhoto.dispatchEvent(new Event('load'));
    previousPhoto.dispatchEvent(new Event('error'));
    expect(download.href).toBe(harbour.downloadUrl);
  });

  it('offers nothing once closed', () => {
    const { lightbox, download } = setup();
    lightbox.show(dunes, both);
    lightbox.hide();
    expect(download.getAttribute('href')).toBeNull();
    expect(download.hidden).toBe(true);
  });
});

describe('lightbox photo', () => {
  const withPreview = {
    ...dunes,
    previewUrl: `${VIEWER}/api/file/previews/demo-01.webp`,
  };

  it('shows the preview, over the thumbnail, and leaves the original for zoom and Download', () => {
    const { lightbox, stagePhoto, download } = setup();
    lightbox.show(withPreview, both);
    expect(stagePhoto().getAttribute('src')).toBe(withPreview.previewUrl);
    const dialog = lightbox.element as unknown as FakeElement;
    const placeholder = dialog.find((e) => e.getAttribute('class') === 'stage-placeholder');
    expect(placeholder?.getAttribute('src')).toBe(dunes.thumbnailUrl);
    expect(dialog.find((e) => e.getAttribute('src') === dunes.fileUrl)).toBeUndefined();
    expect(download.href).toBe(dunes.downloadUrl);
  });

  it('shows the original of an item imported before previews', () => {
    const { lightbox, stagePhoto } = setup();
    lightbox.show(dunes, both);
    expect(stagePhoto().getAttribute('src')).toBe(dunes.fileUrl);
  });
});

describe('lightbox Close button’s focus ring', () => {
  function withPage() {
    const page = new EventTarget();
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
    const { lightbox } = setup();
    const dialog = lightbox.element as unknown as FakeElement;
    const close = dialog.find((e) => e.getAttribute('aria-label') === 'Close')!;
    const ringless = () => close.hasAttribute('data-pointer-focus');
    return { page, lightbox, close, ringless };
  }

  it('is left off when a tap (or a page nobody touched yet) opened the lightbox', () => {
    const { page, lightbox, ringless } = withPage();
    lightbox.show(dunes, both);
    expect(ringless()).toBe(true);
    lightbox.hide();
    page.dispatchEvent(new Event('pointerdown'));
    lightbox.show(harbour, both);
    expect(ringless()).toBe(true);
  });

  it('shows for a keyboard: one that opened the lightbox, or the first key after a tap', () => {
    const { page, lightbox, close, ringless } = withPage();
    page.dispatchEvent(Object.assign(new Event('keydown'), { key: 'Enter' }));
    lightbox.show(dunes, both);
    expect(ringless()).toBe(false);
    lightbox.hide();
    page.dispatchEvent(new Event('pointerdown'));
    lightbox.show(harbour, both);
    expect(ringless()).toBe(true);
    page.dispatchEvent(Object.assign(new Event('keydown'), { key: 'ArrowRight' }));
    expect(ringless()).toBe(false);
    // Focus moved on: the mark goes with it.
    page.dispatchEvent(new Event('pointerdown'));
    lightbox.hide();
    lightbox.show(dunes, both);
    close.dispatchEvent(new Event('blur'));
    expect(ringless()).toBe(false);
  });
});
