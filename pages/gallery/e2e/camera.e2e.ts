import type { MediaItem, MediaPage } from '@edge-gallery/viewer/media-item';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GALLERY_URL, openVisit, STRATEGY, signInAsGuest, type Visit } from './visit.ts';

// The camera half of the demo (demo/camera.json, imported with `gallery import` on first
// start) as a guest sees it in Chromium: the iPhone HEIC shows upright in the grid and the
// lightbox (from its WebP renditions: Chromium cannot draw HEIC), and the Live Photo's
// motion clip plays. Strategy-independent: only the runner's `presign` pass runs it.

let visit: Visit;
let page: Page;
let items: MediaItem[] = [];

beforeAll(async () => {
  visit = await openVisit({ timeout: 30_000 });
  page = visit.page;
  await signInAsGuest(page);
  items = await page.evaluate(async () => {
    const all: MediaItem[] = [];
    for (let cursor = ''; ; ) {
      const listing = (await (
        await fetch(`/api/media?limit=100&cursor=${cursor}`)
      ).json()) as MediaPage;
      all.push(...listing.items);
      if (!listing.nextCursor) return all;
      cursor = encodeURIComponent(listing.nextCursor);
    }
  });
});

afterAll(async () => {
  await visit?.close();
});

/** The lightbox's photo once drawn: its natural size. */
async function openPhoto(id: string) {
  await page.goto(`${GALLERY_URL}/#/media/${encodeURIComponent(id)}`);
  await page.locator('.stage-frame[data-state="ready"]').waitFor();
  return page
    .locator('.stage-photo')
    .evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
}

describe.skipIf(STRATEGY !== 'presign')('camera media in Chromium', () => {
  it('shows the iPhone HEIC upright, in the lightbox and in the grid', async () => {
    const heic = items.find((item) => item.title === 'IMG_2003');
    // Without heif-enc on the machine the demo has no HEIC (the stack says so); .ci/run installs it.
    expect(heic, 'the camera demo’s HEIC (needs libheif-examples)').toBeDefined();
    expect(heic!.height).toBeGreaterThan(heic!.width);
    expect(heic!.previewUrl).toBeDefined();

    const shown = await openPhoto(heic!.id);
    expect(shown.width).toBeGreaterThan(0);
    expect(shown.height).toBeGreaterThan(shown.width);
    expect(await page.locator('.stage-photo').getAttribute('src')).toBe(heic!.previewUrl);

    // Closing returns to its tile, focused, with its thumbnail drawn upright too.
    await page.keyboard.press('Escape');
    const tile = page.locator(`.grid .tile.is-loaded a[data-id="${heic!.id}"] img`);
    await tile.waitFor();
    const thumbnail = await tile.evaluate((img: HTMLImageElement) => ({
      width: img.naturalWidth,
      height: img.naturalHeight,
    }));
    expect(thumbnail.height).toBeGreaterThan(thumbnail.width);
  });

  it('plays the Live Photo’s motion clip, and shows the still again after it', async () => {
    const live = items.find((item) => item.kind === 'image' && item.motionUrl !== undefined);
    expect(live, 'the camera demo’s Live Photo').toBeDefined();
    const shown = await openPhoto(live!.id);
    expect(shown.width).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Play the Live Photo' }).click();
    await page.locator('.stage-frame[data-motion="playing"]').waitFor();
    await expect
      .poll(() =>
        page.locator('.stage-motion').evaluate((video: HTMLVideoElement) => video.currentTime),
      )
      .toBeGreaterThan(0.3);
    const clip = await page
      .locator('.stage-motion')
      .evaluate((video: HTMLVideoElement) => ({ src: video.currentSrc, error: video.error }));
    expect(clip).toEqual({ src: live!.motionUrl, error: null });
    // The clip is a few seconds: when it ends the still is back.
    await page.locator('.stage-frame:not([data-motion])').waitFor({ timeout: 30_000 });
    expect(visit.pageErrors).toEqual([]);
  });
});
