import { stackVars } from '@edge-gallery/stack';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type BrowserOptions, launchBrowser } from './browser.ts';

// What every browser spec starts from: the running stack's address and password (the e2e
// runner sets them; a developer sets GALLERY_PASSWORD, which `npm start` prints), a fresh
// Chromium with one page whose uncaught errors are collected, and the two ways a guest gets in.

/** The page's origin (the dev or preview server, which also answers the viewer's routes). */
export const GALLERY_URL = new URL(process.env.GALLERY_URL ?? 'http://localhost:5173').origin;

/** The delivery strategy of this pass of the e2e runner (default config: presign). */
export const STRATEGY = process.env.E2E_STRATEGY ?? 'presign';

/** The guest password of the running stack; a spec without it cannot run, and says why. */
export function guestPassword(): string {
  const password = process.env.GALLERY_PASSWORD;
  if (!password) throw new Error('set GALLERY_PASSWORD (the local stack prints it on start)');
  return password;
}

/** The owner password: OWNER_PASSWORD, else the running stack's (the viewer's .dev.vars). */
export function ownerPassword(): string {
  const password = process.env.OWNER_PASSWORD ?? stackVars('viewer').get('OWNER_PASSWORD');
  if (!password) throw new Error('set OWNER_PASSWORD');
  return password;
}

/** A session cookie straight from the viewer's /login, for a spec's API calls (as a tool's). */
export async function sessionCookie(password: string): Promise<string> {
  const response = await fetch(`${GALLERY_URL}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  if (!response.ok) throw new Error(`POST /login: ${response.status}`);
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** The owner's edit of each item through the viewer's API, as the owner's page sends it: a
 * spec's setup, or its clean-up of what it uploaded (so the other specs see the seed). */
export async function editAsOwner(
  action: 'approve' | 'reject' | 'delete',
  ids: Iterable<string>,
): Promise<Response[]> {
  const cookie = await sessionCookie(ownerPassword());
  const answers: Response[] = [];
  for (const id of ids) {
    const item = `${GALLERY_URL}/api/media/${encodeURIComponent(id)}`;
    answers.push(
      await fetch(action === 'delete' ? item : `${item}/${action}`, {
        method: action === 'delete' ? 'DELETE' : 'POST',
        headers: { cookie, origin: GALLERY_URL },
      }),
    );
  }
  return answers;
}

export type Visit = {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page, in order: a spec expects none. */
  pageErrors: string[];
  /** The fresh profile (names the browser's processes, e.g. for memory measurements). */
  userDataDir: string;
  close(): Promise<void>;
};

/** A fresh browser (its own profile) and its first page; `timeout` for every wait in it. */
export async function openVisit({
  timeout = 15_000,
  ...options
}: BrowserOptions & { timeout?: number } = {}): Promise<Visit> {
  const browser = await launchBrowser(options);
  const { context } = browser;
  context.setDefaultTimeout(timeout);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors, userDataDir: browser.userDataDir, close: browser.close };
}

/** Signs in through the join link (the QR code on the tables) and waits for the grid. */
export async function signInAsGuest(page: Page, origin = GALLERY_URL): Promise<void> {
  await page.goto(`${origin}/#/join/${encodeURIComponent(guestPassword())}`);
  await page.locator('.grid .tile').first().waitFor();
}

/** Types a password on the login screen, as a guest without the link (or the owner) does. */
export async function signInWithPassword(
  page: Page,
  password: string,
  origin = GALLERY_URL,
): Promise<void> {
  await page.goto(origin);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Open the gallery' }).click();
  await page.locator('.grid .tile').first().waitFor();
}

/** The lightbox's photo once decoded: its natural size. `timeout` for a camera-size photo
 * on a busy machine. */
export async function shownPhoto(
  page: Page,
  timeout?: number,
): Promise<{ width: number; height: number }> {
  const photo = page.locator('.stage-photo');
  await expect
    .poll(
      () => photo.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)),
      timeout === undefined ? {} : { timeout },
    )
    .toBeGreaterThan(0);
  return photo.evaluate((img: HTMLImageElement) => ({
    width: img.naturalWidth,
    height: img.naturalHeight,
  }));
}
