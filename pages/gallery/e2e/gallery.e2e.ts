import { mkdirSync, readFileSync } from 'node:fs';
import type { MediaItem, MediaPage } from '@edge-gallery/viewer/media-item';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNetwork } from './network-log.ts';
import { sha256 } from './scratch.ts';
import {
  GALLERY_URL,
  guestPassword,
  openVisit,
  STRATEGY,
  shownPhoto,
  type Visit,
} from './visit.ts';

// A guest's visit, in headless Chromium, against the running local stack:
// log in, scroll the grid, open a photo, watch a video (its segments fetched
// from the URLs the playlists named, straight from storage under `presign`),
// survive expired URLs mid-video, sign out. Screenshots go to e2e/screenshots/.
//
//   GALLERY_PASSWORD=... npx pnpm@10.34.9 --filter @edge-gallery/gallery e2e

// The viewer's routes are on the page's own origin (the dev server proxies them).
const VIEWER = GALLERY_URL;
const VIDEO = new URL(process.env.VIDEO_API_BASE ?? 'http://localhost:8788').origin;
const STORAGE = new URL(process.env.STORAGE_URL ?? 'http://localhost:8789').origin;
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;

let visit: Visit;
let context: BrowserContext;
let page: Page;
let network: ReturnType<typeof recordNetwork>;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  visit = await openVisit();
  ({ context, page } = visit);
  network = recordNetwork(context);
});

afterAll(async () => {
  await visit?.close();
});

const hash = () => new URL(page.url()).hash;
const shot = (name: string, fullPage = false) =>
  page.screenshot({ path: `${SCREENSHOTS}${name}.png`, animations: 'disabled', fullPage });
const videoState = () =>
  page.locator('video').evaluate((video: HTMLVideoElement) => ({
    currentTime: video.currentTime,
    paused: video.paused,
    ended: video.ended,
    error: video.error?.code ?? null,
  }));
const tokenRequests = () =>
  network.requests.filter((r) => r.url.startsWith(`${VIEWER}/api/videos/`)).length;

describe('a guest visits the gallery', () => {
  it('is asked for the password, and told clearly when it is wrong', async () => {
    await page.goto(GALLERY_URL);
    const password = page.getByLabel('Password');
    await password.waitFor();
    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Open the gallery' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/password isn’t right|Too many tries/);
    await shot('login');
  });

  it('logs in and stays signed in across a reload', async () => {
    await page.getByLabel('Password').fill(guestPassword());
    await page.getByRole('button', { name: 'Open the gallery' }).click();
    await page.locator('.grid .tile').first().waitFor();
    await page.reload();
    await page.locator('.grid .tile').first().waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
  });

  it('scrolls the grid to the end, every thumbnail in a box of its own shape', async () => {
    // Scroll until the feed says it has everything (keyset pages load on the way).
    for (let i = 0; i < 50; i++) {
      await page.mouse.wheel(0, 2000);
      const status = await page.locator('.feed-status').textContent();
      if (status?.startsWith('That’s everything')) break;
      await page.waitForTimeout(150);
    }
    await expect
      .poll(() => page.locator('.feed-status').textContent())
      .toMatch(/^That’s everything/);
    const tiles = page.locator('.grid .tile');
    await expect
      .poll(() => page.locator('.grid .tile.is-loaded').count(), { timeout: 15_000 })
      .toBe(await tiles.count());
    const shapes = await tiles.evaluateAll((nodes) =>
      nodes.map((tile) => {
        const img = tile.querySelector('img')!;
        const box = tile.getBoundingClientRect();
        return { box: box.width / box.height, item: img.width / img.height, alt: img.alt };
      }),
    );
    for (const shape of shapes) {
      expect(shape.alt).not.toBe('');
      expect(Math.abs(shape.box - Math.min(Math.max(shape.item, 0.4), 3))).toBeLessThan(0.05);
    }
    const mediaPages = network.requests.filter((r) => r.url.startsWith(`${VIEWER}/api/media`));
    expect(mediaPages.length).toBeGreaterThanOrEqual(1);
    expect(mediaPages.every((r) => r.status === 200)).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('grid', true);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('grid-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await page.locator('.grid .tile a:not(:has(.badge))').nth(1).click();
    await page.locator('.stage-frame[data-state="ready"]').waitFor();
    await shot('lightbox-phone');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens a photo full size in the lightbox, with a shareable URL', async () => {
    const photo = page.locator('.grid .tile a:not(:has(.badge))').first();
    const id = await photo.getAttribute('data-id');
    await photo.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(hash()).toBe(`#/media/${encodeURIComponent(id!)}`);
    await shownPhoto(page);
    await shot('lightbox');

    // Keyboard: next, then back again.
    await page.keyboard.press('ArrowRight');
    await expect.poll(hash).not.toBe(`#/media/${encodeURIComponent(id!)}`);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(hash).toBe(`#/media/${encodeURIComponent(id!)}`);

    // The link survives a reload.
    await page.reload();
    await page.getByRole('dialog').waitFor();
    const alt = await page.locator(`.grid a[data-id="${id}"] img`).getAttribute('alt');
    await expect.poll(() => page.locator('.lightbox-title').textContent()).toBe(alt);

    // Esc closes and returns focus to the photo's tile.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(['', '#/']).toContain(hash());
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(id);
  });

  it('opens a photo on its preview, and loads the original only to zoom', async () => {
    // Demo rows made before previews have none: then one is given here (the photo's
    // largest thumbnail), so the SPA's preview path runs on any stack.
    const listed = new Map<string, MediaItem>();
    const isListing = (url: URL) => url.origin === VIEWER && url.pathname === '/api/media';
    await context.route(isListing, async (route) => {
      const response = await route.fetch();
      const listing = (await response.json()) as MediaPage;
      for (const item of listing.items) {
        if (item.kind === 'image') item.previewUrl ??= item.thumbnails.at(-1)!.url;
        listed.set(item.id, item);
      }
      await route.fulfill({ response, json: listing });
    });
    await page.reload();
    const tile = page.locator('.grid .tile a:not(:has(.badge))').first();
    const item = listed.get((await tile.getAttribute('data-id'))!)!;
    const absolute = (url: string) => new URL(url, VIEWER).href;
    const since = network.requests.length;
    const sources = () =>
      page
        .locator('.stage-frame img')
        .evaluateAll((images) => images.map((image) => (image as HTMLImageElement).currentSrc));
    await tile.click();
    await page.locator('.stage-frame[data-state="ready"]').waitFor();
    expect(await page.locator('.stage-photo').getAttribute('src')).toBe(absolute(item.previewUrl!));
    // Neither on the page nor fetched (the original of no item, the neighbours' included).
    expect(await sources()).not.toContain(absolute(item.fileUrl));
    const originals = [...listed.values()].map((i) => absolute(i.fileUrl));
    expect(network.requests.slice(since).filter((r) => originals.includes(r.url))).toEqual([]);
    await shot('lightbox-preview');

    // A click (a double tap or a pinch on a phone) zooms in and loads the original.
    await page.locator('.stage-frame').click();
    await page.locator('.stage-frame[data-original="ready"][data-zoomed]').waitFor();
    expect(await sources()).toContain(absolute(item.fileUrl));
    await shot('lightbox-zoomed');

    await context.unroute(isListing);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.reload();
    await page.locator('.grid .tile').first().waitFor();
  });

  it('downloads the item the lightbox names, also right after stepping to the next one', async () => {
    const photo = page.locator('.grid .tile a:not(:has(.badge))').first();
    const firstId = await photo.getAttribute('data-id');
    await photo.click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('ArrowRight');
    await expect.poll(hash).not.toBe(`#/media/${encodeURIComponent(firstId!)}`);
    const id = decodeURIComponent(hash().slice('#/media/'.length));

    // What the viewer lists for that item, asked directly with the page's session.
    const item = await page.evaluate(
      async ({ viewer, id }) => {
        for (let cursor = ''; ; ) {
          const response = await fetch(`${viewer}/api/media?limit=100&cursor=${cursor}`, {
            credentials: 'include',
          });
          const listing = (await response.json()) as MediaPage;
          const found = listing.items.find((i) => i.id === id);
          if (found || listing.nextCursor === null) return found;
          cursor = encodeURIComponent(listing.nextCursor);
        }
      },
      { viewer: VIEWER, id },
    );
    const original = new URL(item!.fileUrl, VIEWER);
    const expected = new URL(item!.downloadUrl, VIEWER).href;

    // The bar, read in one go the moment it names the item: Download already points at it.
    const alt = await page.locator(`.grid a[data-id="${id}"] img`).getAttribute('alt');
    const bar = await page.waitForFunction((title) => {
      const bar = document.querySelector('.lightbox-bar');
      if (bar?.querySelector('.lightbox-title')?.textContent !== title) return false;
      return { href: bar.querySelector('a')?.getAttribute('href') ?? null };
    }, alt);
    expect(((await bar.jsonValue()) as { href: string | null }).href).toBe(expected);

    // A real download: attachment named after the title, the original's bytes, page stays.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.url()).toBe(expected);
    const extension = original.pathname.slice(original.pathname.lastIndexOf('.'));
    expect(download.suggestedFilename()).toBe(`${item!.title}${extension}`);
    const served = await page.evaluate(
      async ({ url, viewer }) => {
        // The session cookie only for the viewer; a presigned URL needs none (and S3's CORS
        // allows no credentials).
        const credentials = url.startsWith(viewer) ? 'include' : 'omit';
        const bytes = await (await fetch(url, { credentials })).arrayBuffer();
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
      },
      { url: original.href, viewer: VIEWER },
    );
    const saved = readFileSync(await download.path());
    expect(saved.length).toBeGreaterThan(0);
    expect(sha256(saved)).toBe(served);
    expect(hash()).toBe(`#/media/${encodeURIComponent(id)}`);

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('took every image so far from the S3 endpoint: none through the viewer (presigned listing)', () => {
    // Scrolling the grid and opening photos (above): thumbnails, previews, originals and the
    // download all came from storage; the viewer (on its own origin or behind the page's)
    // answered only the session, the listing and cache versions.
    const mediaPaths = /^\/api\/(file|thumbnail)\//;
    const fromWorkers = network.requests.filter((r) => {
      const url = new URL(r.url);
      return (
        (url.origin === VIEWER || url.origin === new URL(GALLERY_URL).origin) &&
        mediaPaths.test(url.pathname)
      );
    });
    expect(fromWorkers.map((r) => r.url)).toEqual([]);
    expect(network.requests.filter((r) => r.url.startsWith(`${STORAGE}/`)).length).toBeGreaterThan(
      0,
    );
  });

  it('plays a video: currentTime passes 2 s, segments come from the URLs the playlists named', async () => {
    const video = page.locator('.grid .tile a:has(.badge)').first();
    // The token comes with the listing (video-prefetch.ts): showing the tile and tapping
    // it ask the viewer for none.
    const tokensBeforeTap = tokenRequests();
    await video.click();
    await page.locator('video').waitFor();
    await expect
      .poll(async () => (await videoState()).currentTime, { timeout: 30_000 })
      .toBeGreaterThan(2);
    await shot('player');
    await network.settle();

    // Every master playlist answered was a 200. A head start the page dropped (the reload
    // and the scroll above can end one on its way) answered nothing and is not counted:
    // taking the first master request logged failed a clean-clone run this way.
    const masters = network.requests.filter(
      (r) => r.url.startsWith(`${VIDEO}/api/hls/playlist?key=`) && r.status !== undefined,
    );
    expect(masters.length).toBeGreaterThan(0);
    expect(masters.map((r) => r.status)).toEqual(masters.map(() => 200));
    expect(tokenRequests() - tokensBeforeTap).toBe(0);

    // Media = every request for the video that is not a playlist (photos come from
    // storage too, presigned by the listing: only hls/ objects are the video's).
    const named = network.namedUris();
    const playlists = new Set(network.playlists.keys());
    // The seek previews (storyboard.vtt/.jpg, not named by playlists) are checked below.
    // What was asked for and answered; a load hls.js aborted (it no longer needed it) or one
    // still on its way after the settle (the video plays on) delivered nothing yet.
    const media = network.requests.filter(
      (r) =>
        r.status !== undefined &&
        ((r.url.startsWith(STORAGE) && new URL(r.url).pathname.includes('/hls/')) ||
          r.url.startsWith(`${VIDEO}/api/hls/`)) &&
        !playlists.has(r.url) &&
        // Playlists fetched ahead of the tap (video-prefetch.ts) may have no logged body.
        !new URL(r.url).pathname.endsWith('.m3u8') &&
        !r.url.includes('/api/hls/playlist') &&
        !/\/storyboard\.(vtt|jpg)/.test(r.url),
    );
    const origins = [...new Set(media.map((r) => new URL(r.url).origin))];
    console.info(
      `video: ${playlists.size} playlists, ${media.length} media requests from ${origins.join(', ')}`,
    );
    console.info(`  e.g. ${media[0]?.url.replace(/(X-Amz-Signature=)[0-9a-f]+/, '$1…')}`);
    expect(media.length).toBeGreaterThanOrEqual(2); // an init segment and media segments
    for (const request of media) {
      expect(named.has(request.url), `${request.url} was named by a playlist`).toBe(true);
      expect([200, 206]).toContain(request.status);
    }
    if (STRATEGY === 'presign') {
      for (const request of media) expect(new URL(request.url).origin).toBe(STORAGE);
    }
    // Nothing of the video goes through the viewer but the token.
    expect(
      network.requests.filter(
        (r) => r.url.startsWith(`${VIEWER}/api/`) && /\/hls\/|\.m4s|\.ts\b/.test(r.url),
      ),
    ).toEqual([]);
  });

  it('previews, under the pointer on the seek bar, the frame of the hovered time', async () => {
    const scrub = page.locator('.scrub');
    await expect.poll(() => scrub.getAttribute('data-previews'), { timeout: 15_000 }).toBe('ready');
    const bar = (await page.locator('.scrub-input').boundingBox())!;
    const duration = await page.locator('video').evaluate((v: HTMLVideoElement) => v.duration);
    const preview = page.locator('.scrub-preview');
    for (const at of [0.4, 3.3, 5.6]) {
      await page.mouse.move(bar.x + (at / duration) * bar.width, bar.y + bar.height / 2);
      await expect.poll(() => preview.isVisible()).toBe(true);
      const shown = await preview.evaluate((node: HTMLElement) => ({
        time: Number(node.dataset.time),
        cue: Number(node.dataset.cue),
        label: node.textContent,
        tile: (node.firstElementChild as HTMLElement).style.backgroundPosition,
        sprite: (node.firstElementChild as HTMLElement).style.backgroundImage.slice(5, -2),
      }));
      // The demo storyboard has a tile a second (160×90, one row).
      const second = Math.floor(shown.time);
      expect(Math.abs(shown.time - at)).toBeLessThan(0.1);
      expect(shown.cue).toBe(second);
      expect(shown.label).toBe(`0:0${second}`);
      expect(shown.tile).toBe(`${second === 0 ? '0' : `-${second * 160}`}px 0px`);
      // The tile is that second's frame: decoded in the page (the demo draws its time
      // stamp into every frame), it is closer to the video's frame at that second than
      // any other tile is.
      const distances = await page.evaluate(
        async ({ sprite, second }) => {
          const image = await createImageBitmap(await (await fetch(sprite)).blob());
          const video = document.querySelector('video')!;
          const pixels = (source: CanvasImageSource, sx: number, sw: number, sh: number) => {
            const canvas = new OffscreenCanvas(64, 36);
            const context = canvas.getContext('2d')!;
            context.drawImage(source, sx, 0, sw, sh, 0, 0, 64, 36);
            return context.getImageData(0, 0, 64, 36).data;
          };
          video.pause();
          const seeked = new Promise((resolve) =>
            video.addEventListener('seeked', resolve, { once: true }),
          );
          // `seeked` can come before the new frame is on screen: wait until it is presented.
          const presented = new Promise((resolve) => video.requestVideoFrameCallback(resolve));
          video.currentTime = second;
          await Promise.all([seeked, presented]);
          const frame = pixels(video, 0, video.videoWidth, video.videoHeight);
          return Array.from({ length: image.width / 160 }, (_, tile) => {
            const data = pixels(image, tile * 160, 160, 90);
            let sum = 0;
            for (let i = 0; i < data.length; i++) sum += Math.abs(data[i]! - frame[i]!);
            return sum / data.length;
          });
        },
        { sprite: shown.sprite, second },
      );
      expect(distances.indexOf(Math.min(...distances)), distances.join(' ')).toBe(second);
    }
    await shot('scrub-preview');
    await page.mouse.move(0, 0);
    await page.locator('video').evaluate((v: HTMLVideoElement) => v.play());
  });

  it('keeps playing when its URLs expire: fresh token, same position, no pause', async (test) => {
    await page.locator('video').waitFor();
    // The quality menu is how this test makes the player fetch new URLs.
    if (!(await page.locator('#lightbox-quality').isVisible()))
      test.skip('a single-rendition video');
    await page.locator('video').evaluate((v: HTMLVideoElement) => {
      v.currentTime = 1;
    });
    await expect.poll(async () => (await videoState()).currentTime).toBeGreaterThan(1.2);
    const before = await videoState();
    const tokensBefore = tokenRequests();

    // From now on every playlist and segment URL the player holds is refused,
    // until it asks the viewer for a fresh token.
    let expired = true;
    const refuse = async (route: Route) => {
      if (!expired) return route.fallback();
      await route.fulfill({
        status: 403,
        headers: { 'access-control-allow-origin': '*', 'content-type': 'application/xml' },
        body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
      });
    };
    const onToken = (request: { url(): string }) => {
      if (request.url().startsWith(`${VIEWER}/api/videos/`)) expired = false;
    };
    context.on('request', onToken);
    await context.route(`${STORAGE}/**`, refuse);
    await context.route(`${VIDEO}/**`, refuse);

    // Switching quality makes the player fetch a rendition it has not loaded yet.
    const select = page.locator('#lightbox-quality');
    const options = await select
      .locator('option')
      .evaluateAll((o) => o.map((option) => (option as HTMLOptionElement).value));
    await select.selectOption(options.at(-1)!);

    await expect.poll(tokenRequests, { timeout: 15_000 }).toBe(tokensBefore + 1);
    await expect
      .poll(() => page.locator('.stage-frame').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('playing');
    const resumed = await videoState();
    expect(resumed.currentTime).toBeGreaterThanOrEqual(before.currentTime - 0.5);
    expect(resumed.error).toBeNull();
    await expect
      .poll(async () => {
        const state = await videoState();
        return state.ended || state.currentTime > resumed.currentTime + 0.5;
      })
      .toBe(true);
    expect((await videoState()).paused && !(await videoState()).ended).toBe(false);

    context.off('request', onToken);
    await context.unrouteAll({ behavior: 'wait' });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('signs out, and a reload stays signed out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Password').waitFor();
    expect(await page.getByRole('status').first().textContent()).toMatch(/signed out/);
    await page.reload();
    await page.getByLabel('Password').waitFor();
    expect(visit.pageErrors).toEqual([]);
  });
});
