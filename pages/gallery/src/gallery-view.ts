import { ApiError, type ViewerApi } from './api.ts';
import { createDownloads } from './download-panel.ts';
import { el, icon } from './element.ts';
import { describeItem } from './format.ts';
import { createGrid } from './grid.ts';
import { mediaSourceAvailable, preloadHls } from './hls-engine.ts';
import { createLightbox } from './lightbox.ts';
import { createMediaFeed } from './media-feed.ts';
import { createOwnerActions, type OwnerActions } from './owner-actions.ts';
import { createReview, isOwner, type Review } from './review-view.ts';
import type { Route, Router } from './router.ts';
import { canSaveFiles, createSaver } from './save-to-phone.ts';
import { createSelectMode } from './select-mode.ts';
import type { Session } from './session.ts';
import { itemLink, shareLink, shareMessage } from './share-item.ts';
import { startVariantOf } from './start-level.ts';
import type { SwipeDirection } from './swipe.ts';
import { createToaster, type Toaster } from './toast.ts';
import { createUploads, type Uploads } from './upload-view.ts';
import { createVideoPrefetch, watchVideoTiles } from './video-prefetch.ts';

// The signed-in page: header, grid and lightbox, kept in step with the URL.

export type GalleryViewOptions = {
  api: ViewerApi;
  session: Session;
  router: Router;
  galleryName: string;
  videoApiBase: string;
};

const SIGN_OUT_ICON = 'M10 4H5v16h5v-2H7V6h3zm5.6 3.6L14.2 9l2 2H9v2h7.2l-2 2 1.4 1.4 4.4-4.4z';

/** Thumbnails in the first page: a few screens on a desktop, one request. */
const PAGE_SIZE = 60;
/** Later pages: the viewer's maximum, so a 10,000-item gallery is 50 requests, not 167. */
const LATER_PAGE_SIZE = 200;

/**
 * The parts that outlive a reload of the grid: uploads in flight, the owner's review and
 * edits. After the owner changes what the gallery lists, the grid is mounted again from the
 * first page (the feed has no way to take items back).
 */
export function mountGallery(root: HTMLElement, options: GalleryViewOptions): { destroy(): void } {
  const base = location.origin;
  const toaster = createToaster();
  const uploads = createUploads({
    base,
    // The owner approved or rejected some of this guest's uploads: approved ones are in the
    // listing now. Not under the guest's thumb: an open item stays open, the grid waits.
    onReviewed: (count) => {
      const message = `The owner reviewed ${count} of your uploads.`;
      if (options.router.route.view === 'media') toaster.show(message);
      else reload(message);
    },
  });
  const reload = (message?: string) => {
    if (options.router.route.view === 'media') options.router.closeItem();
    view.destroy();
    view = mountGrid(root, options, { uploads, review, owner, toaster });
    if (message) toaster.show(message);
  };
  const review = createReview({ base, onChange: () => reload() });
  const owner = createOwnerActions({
    base,
    onChanged: (message) => reload(message),
    onFailed: (message) => toaster.show(message),
  });
  let view = mountGrid(root, options, { uploads, review, owner, toaster });
  let destroyed = false;
  void isOwner(base).then((yes) => {
    if (!yes || destroyed) return;
    review.enable();
    owner.enable();
  });
  return {
    destroy() {
      destroyed = true;
      view.destroy();
      uploads.destroy();
      review.destroy();
    },
  };
}

function mountGrid(
  root: HTMLElement,
  options: GalleryViewOptions,
  shared: { uploads: Uploads; review: Review; owner: OwnerActions; toaster: Toaster },
): { destroy(): void } {
  const { api, session, router } = options;
  const { uploads, review, owner, toaster } = shared;
  const feed = createMediaFeed((page) => api.listMedia(page), PAGE_SIZE, LATER_PAGE_SIZE);
  let destroyed = false;
  /** The item the lightbox shows or is looking up; guards against late lookups. */
  let wanted: string | undefined;

  const downloads = createDownloads({
    galleryName: options.galleryName,
    async listAll(onCount) {
      const items = [];
      for (let cursor: string | null = null; ; ) {
        const page = await api.listMedia({ cursor, limit: 100 });
        items.push(...page.items);
        onCount(items.length);
        if (page.nextCursor === null || page.items.length === 0) return items;
        cursor = page.nextCursor;
      }
    },
  });
  // On a phone's width an icon (the top bar also holds Add, Review and Select there).
  const signOut = el(
    'button',
    { type: 'button', class: 'button button-quiet sign-out', 'aria-label': 'Sign out' },
    icon(SIGN_OUT_ICON),
    el('span', {}, 'Sign out'),
  );
  const header = el(
    'header',
    { class: 'topbar' },
    el('h1', { class: 'topbar-title' }, options.galleryName),
    el(
      'div',
      { class: 'topbar-actions' },
      uploads.button,
      review.button,
      downloads.button,
      signOut,
    ),
  );

  const videos = createVideoPrefetch({
    videoApiBase: options.videoApiBase,
    fetchToken: (videoId) => api.playback(videoId),
    loadEngine: () => {
      if (mediaSourceAvailable()) void preloadHls().catch(() => {});
    },
    startVariant: startVariantOf,
  });
  const videoTiles = watchVideoTiles(videos, {
    covered: () => router.route.view === 'media',
  });

  const grid = createGrid({
    feed,
    onOpen: (item) => router.go({ view: 'media', id: item.id }),
    onVideoTile: (link, item) => {
      if (!item.videoId) return;
      if (item.playback) videos.listed(item.videoId, item.playback);
      videoTiles.watch(link, item.videoId);
    },
    onLoadError: (error) => {
      if (!isSessionLoss(error)) toaster.show('Couldn’t load the gallery. Check your connection.');
    },
  });

  const saver = createSaver(navigator);
  const selection = createSelectMode({
    grid: grid.element,
    feed,
    onDownload: (items) =>
      void downloads.download(items, `${options.galleryName} (${items.length})`),
    onSave: canSaveFiles(navigator, matchMedia('(pointer: coarse)').matches)
      ? (items) => void saver.save(items)
      : undefined,
  });
  downloads.button.before(selection.toggle);

  const lightbox = createLightbox({
    videoApiBase: options.videoApiBase,
    fetchToken: (videoId, { renew }) => videos.token(videoId, { renew }),
    prefetched: (url) => videos.prefetched(url),
    onStep: (direction) => void step(direction),
    onRequestClose: () => router.closeItem(),
    actions: owner.element,
    onShare: async (item) => {
      const url = itemLink(location.href, item.id);
      const message = shareMessage(await shareLink(navigator, { url, title: describeItem(item) }));
      if (message) toaster.show(message);
    },
  });

  const main = el('main', { class: 'gallery', id: 'gallery' }, uploads.pending, grid.element);
  // The bottom panels that can be open together (the uploads, a ZIP's progress or Save, the
  // select bar) stack in one column: each fixed on its own, the last one covered the others.
  const dock = el(
    'div',
    { class: 'dock' },
    uploads.panel,
    downloads.panel,
    saver.panel,
    selection.bar,
  );
  root.replaceChildren(header, main, lightbox.element, toaster.element, dock, review.dialog);

  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await session.logout();
      router.go({ view: 'grid' }, { replace: true });
    } catch {
      signOut.disabled = false;
      toaster.show('Couldn’t sign out. Check your connection and try again.');
    }
  });

  async function step(direction: SwipeDirection) {
    const route = router.route;
    if (route.view !== 'media') return;
    const index = feed.indexOf(route.id);
    if (index < 0) return;
    const target = index + (direction === 'next' ? 1 : -1);
    if (target < 0) return;
    if (target >= feed.items.length) {
      if (feed.done) return;
      await feed.loadMore().catch(() => {});
      if (destroyed || router.route !== route) return;
    }
    const item = feed.items[target];
    if (item) router.go({ view: 'media', id: item.id }, { replace: true });
  }

  async function show(route: Route) {
    if (route.view === 'grid') {
      const closed = wanted;
      wanted = undefined;
      document.title = options.galleryName;
      owner.setItem(undefined);
      lightbox.hide();
      if (closed) grid.focusItem(closed);
      return;
    }
    wanted = route.id;
    let index = feed.indexOf(route.id);
    if (index < 0) {
      // A shared link or a reload: the item may be pages further down.
      lightbox.showLoading();
      index = await feed.find(route.id).catch(() => -1);
      if (destroyed || wanted !== route.id) return;
      if (index < 0) {
        router.closeItem();
        toaster.show('That photo or video isn’t in this gallery.');
        return;
      }
    }
    const item = feed.items[index]!;
    document.title = `${describeItem(item)} · ${options.galleryName}`;
    owner.setItem(item);
    // A shared link or a step opens a video whose tile may never have shown.
    if (item.videoId && item.playback) videos.listed(item.videoId, item.playback);
    const started = lightbox.show(item, {
      hasPrevious: index > 0,
      hasNext: index < feed.items.length - 1 || !feed.done,
    });
    // A video's first segments get the bandwidth alone: its neighbours wait until it
    // plays (bench, 9 Mbit/s: a neighbour photo fetched at the tap delayed the master
    // playlist by ~450 ms).
    void started.then(() => {
      const at = feed.indexOf(item.id);
      if (!destroyed && router.route.view === 'media' && router.route.id === item.id && at >= 0) {
        preloadNeighbours(at);
      }
    });
    // Keep the next page coming when the guest pages through the lightbox.
    if (index >= feed.items.length - 3 && !feed.done) void feed.loadMore().catch(() => {});
  }

  function preloadNeighbours(index: number) {
    for (const neighbour of [feed.items[index + 1], feed.items[index - 1]]) {
      // What the lightbox will show: the preview, never the original (that waits for zoom).
      if (neighbour?.kind === 'image') new Image().src = neighbour.previewUrl ?? neighbour.fileUrl;
      else if (neighbour?.kind === 'video') void preloadHls().catch(() => {});
    }
  }

  const unsubscribe = router.subscribe((route) => void show(route));
  // Items loaded while the lightbox is open can enable "next".
  const unsubscribeFeed = feed.subscribe(() => {
    if (router.route.view === 'media' && feed.indexOf(router.route.id) >= 0)
      void show(router.route);
  });
  void show(router.route);

  return {
    destroy() {
      destroyed = true;
      unsubscribe();
      unsubscribeFeed();
      lightbox.destroy();
      videoTiles.disconnect();
      grid.destroy();
      header.remove();
      main.remove();
      toaster.element.remove();
      downloads.destroy();
      selection.destroy();
      saver.panel.remove();
      dock.remove();
    },
  };
}

function isSessionLoss(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
