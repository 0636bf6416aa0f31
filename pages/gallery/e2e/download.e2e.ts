import { createHash } from 'node:crypto';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVisit, STRATEGY, signInAsGuest, type Visit } from './visit.ts';
import { readEntry, readZip } from './zip-reader.ts';

// "Download all" in headless Chromium against the running stack: one ZIP, streamed by the
// download service worker, whose entries are every listed original, byte for byte.
// Strategy-independent: only the runner's `presign` pass runs it.

let visit: Visit;
let page: Page;

beforeAll(async () => {
  visit = await openVisit({ timeout: 30_000 });
  page = visit.page;
});

afterAll(async () => {
  await visit?.close();
});

/** Every listed item and the SHA-256 of its original, as the page's session fetches it. */
function listOriginals(page: Page) {
  return page.evaluate(async () => {
    const hex = (buffer: ArrayBuffer) =>
      Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    const out: { id: string; title: string; sha256: string; size: number }[] = [];
    for (let cursor = ''; ; ) {
      const listing = (await (
        await fetch(`/api/media?limit=100&cursor=${cursor}`)
      ).json()) as MediaPage;
      for (const item of listing.items) {
        const bytes = await (await fetch(item.fileUrl)).arrayBuffer();
        out.push({
          id: item.id,
          title: item.title,
          sha256: hex(await crypto.subtle.digest('SHA-256', bytes)),
          size: bytes.byteLength,
        });
      }
      if (!listing.nextCursor) return out;
      cursor = encodeURIComponent(listing.nextCursor);
    }
  });
}

describe.skipIf(STRATEGY !== 'presign')('Download all', () => {
  it('saves one ZIP whose entries are every original, each with the original’s SHA-256', async () => {
    await signInAsGuest(page);
    const originals = await listOriginals(page);
    expect(originals.length).toBeGreaterThan(1);

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Download all' }).click(),
    ]);
    const path = await download.path();
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    await expect
      .poll(() => page.locator('.zip-progress').textContent(), { timeout: 60_000 })
      .toMatch(new RegExp(`Downloaded ${originals.length} files`));

    const entries = await readZip(path);
    expect(entries.length).toBe(originals.length);
    // Unique names, each safe as a file name on every OS.
    const names = entries.map((e) => e.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).not.toMatch(/[<>:"/\\|?*]/);
    const digests: string[] = [];
    for (const entry of entries) {
      const hash = createHash('sha256');
      await readEntry(path, entry, (chunk) => hash.update(chunk));
      digests.push(hash.digest('hex'));
    }
    expect(digests.sort()).toEqual(originals.map((o) => o.sha256).sort());
    // Titles become names (with the original's extension).
    for (const { title } of originals.filter((o) => o.title !== '')) {
      expect(entries.some((e) => e.name.startsWith(title.replace(/[<>:"/\\|?*]/g, '_')))).toBe(
        true,
      );
    }
    expect(visit.pageErrors).toEqual([]);
  });

  it('saves only the picked tiles with "Download selected"', async () => {
    await page.getByRole('button', { name: 'Select', exact: true }).click();
    const tiles = page.locator('.grid .tile a[data-id]');
    const ids = [
      await tiles.nth(0).getAttribute('data-id'),
      await tiles.nth(2).getAttribute('data-id'),
    ];
    await tiles.nth(0).click();
    await tiles.nth(2).click();
    await tiles.nth(1).click();
    await tiles.nth(1).click(); // picked again: off
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.locator('.select-count').textContent()).toBe('2 selected');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('button', { name: 'Download selected' }).click(),
    ]);
    const path = await download.path();
    const digests: string[] = [];
    for (const entry of await readZip(path)) {
      const hash = createHash('sha256');
      await readEntry(path, entry, (chunk) => hash.update(chunk));
      digests.push(hash.digest('hex'));
    }
    const originals = await listOriginals(page);
    expect(digests.sort()).toEqual(
      originals
        .filter((o) => ids.includes(o.id))
        .map((o) => o.sha256)
        .sort(),
    );
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('picks a whole day with its "Select day", and drops it when tapped again', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Select', exact: true }).click();
    const first = page.locator('.grid-day').first();
    const day = (await first.getAttribute('data-day'))!;
    // The listing's items of that day, in the guest's time zone (the page's).
    const expected = await page.evaluate(async (key) => {
      const ids: string[] = [];
      const pad = (n: number) => String(n).padStart(2, '0');
      for (let cursor = ''; ; ) {
        const listing = (await (await fetch(`/api/media?limit=100&cursor=${cursor}`)).json()) as {
          items: { id: string; takenAt: string }[];
          nextCursor: string | null;
        };
        for (const item of listing.items) {
          const d = new Date(item.takenAt);
          const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
          if (item.takenAt !== '' && local === key) ids.push(item.id);
        }
        if (!listing.nextCursor) return ids;
        cursor = encodeURIComponent(listing.nextCursor);
      }
    }, day);
    expect(expected.length).toBeGreaterThan(0);
    const pick = first.locator('.day-pick');
    await pick.click();
    expect(await pick.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('.select-count').textContent()).toBe(`${expected.length} selected`);
    const selected = await page
      .locator('.tile.is-selected a[data-id]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('data-id')));
    for (const id of selected) expect(expected).toContain(id);
    await pick.click();
    expect(await page.locator('.select-count').textContent()).toBe('0 selected');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await pick.isVisible()).toBe(false);
  });

  it('offers "Download selected" on a phone whose browser cannot share files', async () => {
    const phone = await openVisit({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
      timeout: 30_000,
    });
    try {
      const tab = phone.page;
      await signInAsGuest(tab);
      // Headless Chromium's navigator.canShare refuses files, as some phone browsers do.
      expect(await tab.evaluate(() => navigator.canShare?.({ files: [] }) === true)).toBe(false);
      await tab.getByRole('button', { name: 'Select', exact: true }).click();
      expect(await tab.getByRole('button', { name: 'Save', exact: true }).isVisible()).toBe(false);
      expect(await tab.getByRole('button', { name: 'Download selected' }).isVisible()).toBe(true);
    } finally {
      await phone.close();
    }
  });

  it('leaves the page and its API alone: the worker controls nothing outside /download/', async () => {
    const scopes = await page.evaluate(async () =>
      (await navigator.serviceWorker.getRegistrations()).map((r) => new URL(r.scope).pathname),
    );
    expect(scopes).toEqual(['/download/']);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  });
});
