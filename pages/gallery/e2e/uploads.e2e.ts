import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@edge-gallery/stack';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import type { Page, Route } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchFolder, sha256 } from './scratch.ts';
import { makeTestVideo } from './test-video.ts';
import {
  editAsOwner,
  GALLERY_URL,
  guestPassword,
  openVisit,
  ownerPassword,
  STRATEGY,
  shownPhoto,
  signInWithPassword,
  type Visit,
} from './visit.ts';

// A guest adds a camera-size photo and a 40 MB video from the page (the file picker), the
// connection drops in the middle of the video and comes back, the upload finishes without
// sending a stored part again, and what the bucket holds is byte for byte the guest's file.
// The guest sees both as waiting for review; the owner approves them in the review queue;
// another guest then sees them in the gallery, the photo upright (EXIF orientation) and the
// video playing from its original; after the owner's `gallery process` the same item (same
// id, same link) plays through the HLS ladder from the video worker. Once per e2e run (under
// the default strategy); the items are deleted by the owner at the end, so the other specs
// see the seeded gallery.
//
//   GALLERY_PASSWORD=... npx pnpm@10.34.9 --filter @edge-gallery/gallery e2e uploads

const files = scratchFolder('uploads');
const PHOTO = files.file('IMG_4032.jpg');
const VIDEO = files.file('first-dance.mp4');

const visits: Visit[] = [];
/** The two items, once the guest's upload finished: title → id. */
const ids = new Map<string, string>();

async function visit(password: string): Promise<Page> {
  const opened = await openVisit({ timeout: 20_000 });
  visits.push(opened);
  await signInWithPassword(opened.page, password);
  return opened.page;
}

/**
 * The video's position, asking it to play while it is paused: muted, as a play() outside a
 * user gesture is allowed only so. The player sets its own source as it starts (hls.js: a
 * MediaSource), which interrupts a play() asked for before it (AbortError): asked again.
 */
function playingTime(page: Page): Promise<number> {
  return page.locator('video').evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    if (v.paused) v.play().catch(() => {});
    return v.currentTime;
  });
}

describe.runIf(STRATEGY === 'presign')('a guest adds photos and videos; the owner approves', () => {
  beforeAll(async () => {
    // Say what to set now rather than after the uploads.
    guestPassword();
    ownerPassword();
    // A phone camera's photo: 4032×3024, stored sideways with EXIF orientation 6 (as phones
    // do when held upright), noisy enough to weigh what a real one does.
    await sharp({
      create: {
        width: 4032,
        height: 3024,
        channels: 3,
        background: { r: 90, g: 140, b: 200 },
        noise: { type: 'gaussian', mean: 120, sigma: 18 },
      },
    })
      .jpeg({ quality: 88 })
      .withMetadata({ orientation: 6 })
      .toFile(PHOTO);
    // About 40 MB: six 8 MiB parts.
    makeTestVideo(VIDEO, 3);
  });

  afterAll(async () => {
    for (const visit of visits) await visit.close();
    files.remove();
    await editAsOwner('delete', ids.values());
  });

  it('uploads both through the picker; a dropped connection resends no stored part; the bucket holds the exact bytes', async () => {
    const video = readFileSync(VIDEO);
    expect(video.byteLength).toBeGreaterThan(40_000_000);
    const page = await visit(guestPassword());
    const context = page.context();

    // Every part PUT the page makes, by upload and part number.
    const attempts = new Map<string, number>();
    const stored = new Map<string, number>();
    const partOf = (url: string) => {
      const { pathname, searchParams } = new URL(url);
      const part = Number(searchParams.get('partNumber') ?? 0);
      return { part, key: `${pathname.endsWith('.mp4') ? 'video' : 'photo'}#${part}` };
    };
    const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    let storedTwo!: () => void;
    const twoStored = new Promise<void>((resolve) => {
      storedTwo = resolve;
    });
    context.on('request', (request) => {
      const { part, key } = partOf(request.url());
      if (request.method() === 'PUT' && part > 0) count(attempts, key);
    });
    context.on('requestfinished', async (request) => {
      const { part, key } = partOf(request.url());
      if (request.method() !== 'PUT' || part === 0) return;
      if ((await request.response())?.ok()) count(stored, key);
      if (stored.get('video#1') && stored.get('video#2')) storedTwo();
    });

    // The cut: the video's parts from 3 on are held until parts 1 and 2 are stored; then the
    // network goes, and the held requests fail as a dropped connection would fail them. Parts
    // first sent after the network is back pass.
    let cutting = true;
    const held = new Set<string>();
    const cut: Promise<void>[] = [];
    await context.route(/[?&]partNumber=\d+/, (route: Route) => {
      const { part, key } = partOf(route.request().url());
      if (!key.startsWith('video') || part < 3 || !cutting || held.has(key)) {
        return route.continue();
      }
      held.add(key);
      const dropped = twoStored.then(async () => {
        await context.setOffline(true);
        await route.abort('internetdisconnected');
      });
      cut.push(dropped);
      return dropped;
    });

    await page.getByTestId('upload-button').waitFor();
    await page.getByTestId('upload-input').setInputFiles([PHOTO, VIDEO]);
    const rows = page.getByTestId('upload-item');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    // Back online once every held part has failed: the upload carries on by itself.
    await twoStored;
    await expect.poll(() => cut.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await Promise.all(cut);
    cutting = false;
    await context.setOffline(false);
    for (const row of await rows.all()) {
      await expect
        .poll(() => row.getAttribute('data-state'), { timeout: 120_000 })
        .toMatch(/done|refused/);
      expect(await row.textContent()).toContain('waiting for the owner’s review');
    }

    // Parts stored before the cut were sent once; the cut ones again; each stored once.
    const parts = Math.ceil(video.byteLength / (8 * 2 ** 20));
    const videoParts = Array.from({ length: parts }, (_, i) => `video#${i + 1}`);
    expect(Object.fromEntries(stored)).toEqual(
      Object.fromEntries([['photo#1', 1], ...videoParts.map((key) => [key, 1])]),
    );
    expect(attempts.get('photo#1')).toBe(1);
    expect(attempts.get('video#1')).toBe(1);
    expect(attempts.get('video#2')).toBe(1);
    expect(held.size).toBeGreaterThan(0);
    for (const key of held) expect(attempts.get(key), key).toBeGreaterThanOrEqual(2);

    // Waiting for the owner: on the guest's page, and in their own listing only.
    const pending = page.getByTestId('pending-item');
    await expect.poll(() => pending.count(), { timeout: 30_000 }).toBe(2);
    const answer = await page.request.get(`${GALLERY_URL}/api/uploads`);
    const mine = ((await answer.json()) as MediaPage).items;
    expect(mine.map((item) => [item.title, item.kind, item.state]).sort()).toEqual([
      ['IMG_4032', 'image', 'pending'],
      ['first-dance', 'video', 'pending'],
    ]);
    for (const item of mine) ids.set(item.title, item.id);
    // The photo's renditions were made upright (EXIF orientation 6: portrait).
    const photo = mine.find((item) => item.kind === 'image')!;
    expect([photo.width, photo.height]).toEqual([3024, 4032]);

    // The stored originals are the guest's files, byte for byte.
    for (const [item, file] of [
      [photo, PHOTO],
      [mine.find((item) => item.kind === 'video')!, VIDEO],
    ] as const) {
      const body = await page.request.get(item.downloadUrl);
      expect(body.status()).toBe(200);
      expect(sha256(await body.body())).toBe(sha256(readFileSync(file)));
    }
  });

  it('the owner approves both from the review queue', async () => {
    const page = await visit(ownerPassword());
    await page.getByTestId('review-button').click();
    const queue = page.getByTestId('review-panel');
    for (const id of ids.values()) await queue.locator(`[data-id="${id}"]`).waitFor();
    for (const id of ids.values()) await queue.locator(`[data-id="${id}"] input`).check();
    await queue.getByRole('button', { name: 'Approve selected' }).click();
    for (const id of ids.values()) {
      await expect
        .poll(() => queue.locator(`[data-id="${id}"]`).count(), { timeout: 30_000 })
        .toBe(0);
    }
    await queue.getByRole('button', { name: 'Close' }).click();
  });

  it('another guest sees them in the gallery: the photo upright, the video playing', async () => {
    const page = await visit(guestPassword());
    const photoId = ids.get('IMG_4032')!;
    await page.goto(`${GALLERY_URL}/#/media/${photoId}`);
    // A 4032 px photo on a busy 2-core machine: more than the default wait.
    const { width, height } = await shownPhoto(page, 30_000);
    expect(height).toBeGreaterThan(width);
    expect(await page.locator('#lightbox-title').textContent()).toBe('IMG_4032');

    await page.goto(`${GALLERY_URL}/#/media/${ids.get('first-dance')}`);
    await expect.poll(() => playingTime(page), { timeout: 30_000 }).toBeGreaterThan(0.5);
    expect(visits.flatMap((visit) => visit.pageErrors)).toEqual([]);
  });

  it('after `gallery process` the same item plays through HLS from the video worker; the original still downloads', async () => {
    const id = ids.get('first-dance')!;
    // The owner's command, against the running stack's state (as they would run it).
    const run = spawnSync(
      process.execPath,
      [join(repoRoot, 'tools/gallery-cli/src/cli.ts'), 'process'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, INIT_CWD: repoRoot } },
    );
    expect(run.stdout, run.stderr).toMatch(new RegExp(`^processed ${id}: 3 renditions in `, 'm'));

    const page = await visit(guestPassword());
    const playlists: string[] = [];
    page.context().on('request', (request) => {
      if (request.url().includes('/api/hls/playlist')) playlists.push(request.url());
    });
    // The listing now names its ladder; the id (and so the link) is the one it had.
    let item: MediaPage['items'][number] | undefined;
    for (let cursor: string | null = ''; !item && cursor !== null; ) {
      const answer = await page.request.get(
        `${GALLERY_URL}/api/media${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      const listing = (await answer.json()) as MediaPage;
      item = listing.items.find((candidate) => candidate.id === id);
      cursor = listing.nextCursor;
    }
    expect(item).toMatchObject({ id, kind: 'video', videoId: id, title: 'first-dance' });

    await page.goto(`${GALLERY_URL}/#/media/${id}`);
    await expect.poll(() => playingTime(page), { timeout: 30_000 }).toBeGreaterThan(0.5);
    // Through the video worker's playlist of this video (hls.js: a MediaSource, not the file).
    expect(playlists.map((url) => new URL(url).searchParams.get('key'))).toContain(id);
    expect(await page.locator('video').evaluate((v: HTMLVideoElement) => v.currentSrc)).toMatch(
      /^blob:/,
    );
    const original = await page.request.get(item!.downloadUrl);
    expect(sha256(await original.body())).toBe(sha256(readFileSync(VIDEO)));
    expect(visits.flatMap((visit) => visit.pageErrors)).toEqual([]);
  });
});
