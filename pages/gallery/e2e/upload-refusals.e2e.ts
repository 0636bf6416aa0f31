import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import type { MediaPage } from '@edge-gallery/viewer/media-item';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchFolder } from './scratch.ts';
import { GALLERY_URL, openVisit, STRATEGY, signInAsGuest, type Visit } from './visit.ts';

// What a guest reads when the gallery refuses a file, in the page: a text file renamed
// .jpg (the viewer completes it, sniffs the first bytes, deletes it: 415), a file over
// UPLOAD_MAX_BYTES (413 before a byte is sent; a sparse file, so nothing is written to disk)
// and a file that is no photo or video at all (415 at once). Nothing of them is kept.
//
//   GALLERY_PASSWORD=... npx pnpm@10.34.9 --filter @edge-gallery/gallery e2e upload-refusals

/** The viewer's default UPLOAD_MAX_BYTES (workers/viewer/src/env.ts): 4 GiB. */
const UPLOAD_MAX_BYTES = 4 * 2 ** 30;

const files = scratchFolder('refusals');
const RENAMED = files.file('menu.jpg');
const HUGE = files.file('whole-day.mp4');
const TEXT = files.file('seating-plan.txt');

let visit: Visit | undefined;

describe.runIf(STRATEGY === 'presign')('a guest reads why a file was refused', () => {
  beforeAll(() => {
    writeFileSync(RENAMED, 'Dinner menu\n\nStarters: soup of the day\nMains: risotto\n');
    writeFileSync(TEXT, 'Table 1: the couple, parents\nTable 2: friends\n');
    // One byte over the limit, all of it a hole.
    const huge = openSync(HUGE, 'w');
    ftruncateSync(huge, UPLOAD_MAX_BYTES + 1);
    closeSync(huge);
  });

  afterAll(async () => {
    await visit?.close();
    files.remove();
  });

  it('says for each file what happened and why, and keeps none of them', async () => {
    visit = await openVisit();
    const { context, page, pageErrors } = visit;
    const puts: string[] = [];
    context.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(new URL(request.url()).pathname);
    });
    await signInAsGuest(page);

    await page.getByTestId('upload-input').setInputFiles([RENAMED, HUGE, TEXT]);
    const rows = page.getByTestId('upload-item');
    await expect.poll(() => rows.count()).toBe(3);
    const said = async () =>
      Promise.all(
        (await rows.all()).map(async (row) => [
          await row.locator('.upload-name').textContent(),
          await row.getAttribute('data-state'),
          await row.locator('.upload-status').textContent(),
        ]),
      );
    await expect
      .poll(async () => (await said()).map(([, state]) => state), { timeout: 60_000 })
      .toEqual(['refused', 'refused', 'refused']);
    expect(await said()).toEqual([
      ['menu.jpg', 'refused', 'This file is not really a photo or video, so it was not kept.'],
      ['whole-day.mp4', 'refused', 'This file is too large for the gallery.'],
      ['seating-plan.txt', 'refused', 'Only photos and videos can be added.'],
    ]);
    // Only the renamed text file was sent (its one part; the browser made no renditions of
    // it); the others were refused before a byte left the phone.
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatch(/\/uploads\/[^/]+\/original\.jpg$/);
    // Nothing waits for the owner, and the page says nothing is stored.
    const mine = (await (await page.request.get(`${GALLERY_URL}/api/uploads`)).json()) as MediaPage;
    expect(mine.items).toEqual([]);
    expect(await page.getByTestId('pending').isHidden()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
