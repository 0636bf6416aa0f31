import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GALLERY_URL, guestPassword, openVisit, STRATEGY, type Visit } from './visit.ts';

// Links that carry the guest in: a join link signs in without typing and leaves no trace
// of the password in the address bar or the history; a shared item's link signs in first
// and then shows the item. Fresh browser profiles, headless Chromium, the running stack.
// Strategy-independent: the e2e runner's other strategy passes skip it (logins are rate-limited).

let visit: Visit;
let context: BrowserContext;
let page: Page;
let password: string;
const requestUrls: string[] = [];

beforeAll(async () => {
  password = guestPassword();
  visit = await openVisit();
  ({ context, page } = visit);
  context.on('request', (request) => {
    requestUrls.push(request.url(), request.headers().referer ?? '');
  });
});

afterAll(async () => {
  await visit?.close();
});

/** Every URL this tab's history holds (the address bar's list, Back and Forward). */
async function historyUrls(): Promise<string[]> {
  const cdp = await context.newCDPSession(page);
  const { entries } = (await cdp.send('Page.getNavigationHistory')) as {
    entries: { url: string }[];
  };
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

/** What the Share test hands to the next guest. */
const shared = { id: '', title: '', link: '' };

const joinLink = (password: string) => `${GALLERY_URL}/#/join/${encodeURIComponent(password)}`;

describe.skipIf(STRATEGY !== 'presign')('a join link', () => {
  it('with a wrong or outdated password lands on the login page, saying why', async () => {
    await page.goto('about:blank');
    await page.goto(joinLink('an-old-password'));
    await page.getByLabel('Password').waitFor();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/join link didn’t work|Too many tries/);
    expect(new URL(page.url()).hash).toBe('#/');
    expect((await historyUrls()).filter((url) => url.includes('an-old-password'))).toEqual([]);
  });

  it('signs the guest in with no typing, and no history entry keeps the password', async () => {
    await page.goto('about:blank');
    await page.goto(joinLink(password));
    await page.locator('.grid .tile').first().waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect(page.url()).toBe(`${GALLERY_URL}/#/`);
    const history = await historyUrls();
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history.filter((url) => url.includes(encodeURIComponent(password)))).toEqual([]);
    expect(history.filter((url) => url.includes('/join/'))).toEqual([]);
    // Back leaves the gallery (about:blank); Forward returns to the grid, not to the link.
    await page.goBack();
    await page.goForward();
    await page.locator('.grid .tile').first().waitFor();
    expect(page.url()).toBe(`${GALLERY_URL}/#/`);
    // The fragment is never sent: no request URL or Referer carried the password.
    expect(requestUrls.filter((url) => url.includes(password))).toEqual([]);
    expect(visit.pageErrors).toEqual([]);
  });
});

describe.skipIf(STRATEGY !== 'presign')('a shared item’s link', () => {
  it('is the item’s #/media/<id> link (copied where there is no share sheet)', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: GALLERY_URL });
    const photo = page.locator('.grid .tile a:not(:has(.badge))').first();
    shared.id = (await photo.getAttribute('data-id'))!;
    await photo.click();
    await page.getByRole('dialog').waitFor();
    shared.title = (await page.locator('.lightbox-title').textContent())!;
    await page.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => page.getByRole('status').last().textContent()).toMatch(/Link copied/);
    shared.link = await page.evaluate(() => navigator.clipboard.readText());
    expect(shared.link).toBe(`${GALLERY_URL}/#/media/${encodeURIComponent(shared.id)}`);
    await page.keyboard.press('Escape');
  });

  it('asks a signed-out guest for the password first, then shows the item', async () => {
    const other = await openVisit();
    try {
      const guest = other.page;
      await guest.goto(shared.link);
      await guest.getByLabel('Password').fill(password);
      await guest.getByRole('button', { name: 'Open the gallery' }).click();
      await guest.getByRole('dialog').waitFor();
      expect(guest.url()).toBe(shared.link);
      await expect.poll(() => guest.locator('.lightbox-title').textContent()).toBe(shared.title);
    } finally {
      await other.close();
    }
  });
});
