import { readFileSync } from 'node:fs';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchFolder, sha256 } from './scratch.ts';
import { makeTestVideo } from './test-video.ts';
import {
  editAsOwner,
  GALLERY_URL,
  openVisit,
  ownerPassword,
  STRATEGY,
  signInAsGuest,
  type Visit,
} from './visit.ts';

// A guest closes the tab in the middle of an upload. Opening the gallery again in the same
// browser offers to continue; continuing sends only the parts the store does not have yet
// (PUTs counted by part number over both tabs), and the stored original is the file, byte
// for byte. The guest's "waiting for the owner" strip then follows the owner's decision
// when the guest comes back to the tab (focus), and the approved item is in their grid.
//
//   GALLERY_PASSWORD=... npx pnpm@10.34.9 --filter @edge-gallery/gallery e2e upload-resume

const files = scratchFolder('resume');
const VIDEO = files.file('speeches.mp4');
const PART_BYTES = 8 * 2 ** 20;

let visit: Visit | undefined;
/** Uncaught errors of the second tab (the first tab's are the visit's). */
const pageErrors: string[] = [];
let uploadedId: string | undefined;

/** Part number → ETag of the page's saved uploads (what a closed tab leaves behind). */
function savedEtags(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        // Whatever version the page made (upload-browser.ts); no stores yet: nothing saved.
        const open = indexedDB.open('edge-gallery-uploads');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          if (!open.result.objectStoreNames.contains('uploads')) {
            open.result.close();
            return resolve(0);
          }
          const request = open.result.transaction('uploads').objectStore('uploads').getAll();
          request.onsuccess = () => {
            open.result.close();
            const all = request.result as { etags: Record<number, string> }[];
            resolve(all.reduce((sum, upload) => sum + Object.keys(upload.etags).length, 0));
          };
        };
      }),
  );
}

describe.runIf(STRATEGY === 'presign')('a guest closes the tab mid-upload and continues', () => {
  beforeAll(() => {
    ownerPassword(); // says what to set now rather than after the upload
    // About 25 MB: four 8 MiB parts.
    makeTestVideo(VIDEO, 2);
  });

  afterAll(async () => {
    await visit?.close();
    files.remove();
    if (uploadedId) await editAsOwner('delete', [uploadedId]);
  });

  it('is offered to continue after reopening, and sends no stored part again', async () => {
    const bytes = readFileSync(VIDEO);
    const parts = Math.ceil(bytes.byteLength / PART_BYTES);
    expect(parts).toBeGreaterThanOrEqual(3);
    visit = await openVisit({ timeout: 20_000 });
    const { context, page: first } = visit;

    // Every part PUT of both tabs: sent, and answered by the store.
    const sent = new Map<number, number>();
    const stored = new Map<number, number>();
    const partOf = (url: string) => Number(new URL(url).searchParams.get('partNumber') ?? 0);
    const count = (map: Map<number, number>, part: number) =>
      map.set(part, (map.get(part) ?? 0) + 1);
    context.on('request', (request) => {
      if (request.method() === 'PUT' && partOf(request.url()) > 0)
        count(sent, partOf(request.url()));
    });
    context.on('requestfinished', async (request) => {
      const part = partOf(request.url());
      if (request.method() === 'PUT' && part > 0 && (await request.response())?.ok())
        count(stored, part);
    });
    // In the first tab the parts from 3 on never reach the store: the tab closes on them.
    let holding = true;
    await context.route(/[?&]partNumber=\d+/, (route: Route) => {
      if (!holding || partOf(route.request().url()) < 3) return route.continue();
      return new Promise<void>(() => {});
    });

    await signInAsGuest(first);
    await first.getByTestId('upload-input').setInputFiles(VIDEO);
    // Parts 1 and 2 stored and their ETags saved: then the guest closes the tab.
    await expect.poll(() => savedEtags(first), { timeout: 120_000 }).toBe(2);
    expect(Object.fromEntries(stored)).toEqual({ 1: 1, 2: 1 });
    await first.close();
    holding = false;

    // The same browser: still signed in, the unfinished upload (and its File) in IndexedDB.
    const again = await context.newPage();
    again.on('pageerror', (error) => pageErrors.push(error.message));
    await again.goto(GALLERY_URL);
    await again.locator('.grid .tile').first().waitFor();
    const offer = again.getByRole('button', { name: 'Continue 1 unfinished upload' });
    await offer.waitFor();
    // It names the file and what the bucket already holds: two 8 MiB parts.
    expect(await again.getByTestId('upload-offer-files').textContent()).toMatch(
      /^speeches\.mp4\s*17 MB of \d+ MB sent$/,
    );
    await offer.click();
    const row = again.getByTestId('upload-item');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');

    // Parts 1 and 2 went once, in the first tab; every other part was stored once, after.
    const once = Object.fromEntries(Array.from({ length: parts }, (_, i) => [i + 1, 1]));
    expect(Object.fromEntries(stored)).toEqual(once);
    expect(sent.get(1)).toBe(1);
    expect(sent.get(2)).toBe(1);

    const mine = (await (
      await again.request.get(`${GALLERY_URL}/api/uploads`)
    ).json()) as MediaPage;
    const item = mine.items.find((candidate) => candidate.title === 'speeches')!;
    expect(item).toMatchObject({ kind: 'video', state: 'pending' });
    uploadedId = item.id;
    const original = await again.request.get(item.downloadUrl);
    expect(sha256(await original.body())).toBe(sha256(bytes));
    expect(await savedEtags(again)).toBe(0);
    expect([...visit.pageErrors, ...pageErrors]).toEqual([]);
  });

  it('the waiting strip follows the owner’s approval when the guest comes back to the tab', async () => {
    const page = visit!.context.pages().at(-1)!;
    const pending = page.getByTestId('pending-item');
    await expect.poll(() => pending.count()).toBe(1);

    const [approved] = await editAsOwner('approve', [uploadedId!]);
    expect(approved!.status).toBe(200);
    // Still the old strip: nothing polls the viewer while the guest is away.
    expect(await pending.count()).toBe(1);

    // Back to the tab (the focus a tab switch gives the window).
    const listing = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/media' && response.request().method() === 'GET',
    );
    await page.evaluate(() => dispatchEvent(new Event('focus')));
    await expect.poll(() => pending.count()).toBe(0);
    await expect
      .poll(() => page.locator('.toast').textContent())
      .toBe('The owner reviewed 1 of your uploads.');
    // The grid was mounted again from the first page, which lists the approved video.
    const firstPage = (await (await listing).json()) as MediaPage;
    expect(firstPage.items.map((item) => item.id)).toContain(uploadedId);
    expect(pageErrors).toEqual([]);
  });
});
