import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  editAsOwner,
  GALLERY_URL,
  guestPassword,
  openVisit,
  ownerPassword,
  STRATEGY,
  sessionCookie,
  signInWithPassword,
  type Visit,
} from './visit.ts';

// The owner's review queue when a wedding's guests have sent more than one page: the viewer
// answers 100 at a time (GET /api/review, oldest first, with a cursor), the sheet shows the
// first 100 with "Show more", and the rest come with it. The uploads are made through the
// real API (create, the part PUT to the presigned URL, complete), as a guest's page makes
// them, and rejected by the owner in bulk at the end.
//
//   GALLERY_PASSWORD=... npx pnpm@10.34.9 --filter @edge-gallery/gallery e2e review-paging

const UPLOADS = 103;

let visit: Visit | undefined;
const ids: string[] = [];

async function uploadAsGuest(cookie: string, name: string, bytes: Blob): Promise<string> {
  const headers = { cookie, 'Content-Type': 'application/json', origin: GALLERY_URL };
  const created = (await (
    await fetch(`${GALLERY_URL}/api/uploads`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name, type: 'image/jpeg', size: bytes.size }),
    })
  ).json()) as { uploadId: string; parts: { partNumber: number; url: string }[] };
  const stored = await fetch(created.parts[0]!.url, { method: 'PUT', body: bytes });
  expect(stored.status).toBe(200);
  const done = await fetch(`${GALLERY_URL}/api/uploads/${created.uploadId}/complete`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ parts: [{ partNumber: 1, etag: stored.headers.get('etag') }] }),
  });
  expect(done.status).toBe(200);
  return created.uploadId;
}

describe.runIf(STRATEGY === 'presign')('the owner’s review queue, more than a page', () => {
  beforeAll(async () => {
    ownerPassword(); // says what to set now rather than after the uploads
    const guest = await sessionCookie(guestPassword());
    const photo = new Blob([
      new Uint8Array(
        await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8a6' } })
          .jpeg()
          .toBuffer(),
      ),
    ]);
    // One after another: this test is about paging, not parts sent at once. Those are safe
    // against dev S3 now (it retries the local R2's SQLITE_BUSY and answers 503 SlowDown,
    // never 500: tools/dev-s3 README, "Parts sent at once"), but a completion, written by the
    // viewer's process, can still meet the same lock and answer 503 with Retry-After.
    for (let i = 1; i <= UPLOADS; i++) {
      ids.push(await uploadAsGuest(guest, `table-${String(i).padStart(3, '0')}.jpg`, photo));
    }
  }, 300_000);

  afterAll(async () => {
    await visit?.close();
    // Whatever the test did not reject (it failed half-way): gone, so other specs see the seed.
    await editAsOwner('reject', ids);
  });

  it('shows the first 100, then the rest with Show more; all of them are rejected at once', async () => {
    visit = await openVisit({ timeout: 30_000 });
    const { page, pageErrors } = visit;
    await signInWithPassword(page, ownerPassword());
    await page.getByTestId('review-button').click();
    const sheet = page.getByTestId('review-panel');
    const rows = sheet.getByTestId('review-item');
    await expect.poll(() => rows.count()).toBe(100);
    expect(await sheet.locator('#review-title').textContent()).toBe('Waiting for review (100+)');
    const more = sheet.getByTestId('review-more');
    expect(await more.isVisible()).toBe(true);

    await more.click();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(UPLOADS);
    expect(await more.isHidden()).toBe(true);
    const shown = await rows.evaluateAll((items) => items.map((item) => item.dataset.id));
    // Every one of ours, once (the queue may hold others' pending items too).
    for (const id of ids) expect(shown.filter((candidate) => candidate === id)).toHaveLength(1);

    await sheet.getByLabel('Select all').check();
    await sheet.getByRole('button', { name: 'Reject selected' }).click();
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(0);
    expect(await sheet.locator('#review-title').textContent()).toBe('Waiting for review (0)');
    expect(pageErrors).toEqual([]);
  });
});
