import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNetwork } from './network-log.ts';
import {
  guestPassword,
  openVisit,
  STRATEGY,
  shownPhoto,
  signInWithPassword,
  type Visit,
} from './visit.ts';

// The page on an origin that is cross-site to the viewer's own URL, as `*.pages.dev` is to
// `*.workers.dev` in the default deploy: http://127.0.0.1:5173 against the viewer at
// http://localhost:8787 (different hosts, hence different sites: a SameSite cookie set by
// one is never sent to the other). A guest still signs in, sees the grid, opens a photo and
// plays the video, because the page reaches the viewer's routes on its own origin.
// Once per e2e run (under the default strategy): the video path is the main test's subject.
//
//   GALLERY_PASSWORD=... npx pnpm@10.34.9 --filter @edge-gallery/gallery e2e cross-site

const PAGE = new URL(process.env.CROSS_SITE_URL ?? 'http://127.0.0.1:5173').origin;
const VIEWER = new URL(process.env.VIEWER_URL ?? 'http://localhost:8787').origin;
let visit: Visit;
let page: Page;
let network: ReturnType<typeof recordNetwork>;

describe.runIf(STRATEGY === 'presign')('a guest on a page cross-site to the viewer', () => {
  beforeAll(async () => {
    visit = await openVisit();
    network = recordNetwork(visit.context);
    page = visit.page;
  });

  afterAll(async () => {
    await visit?.close();
  });

  it('is on another site than the viewer’s own URL', () => {
    expect(new URL(PAGE).hostname).not.toBe(new URL(VIEWER).hostname);
  });

  it('signs in and sees the grid', async () => {
    await signInWithPassword(page, guestPassword(), PAGE);
    // Signed in for real: a reload comes back to the grid, not to the login screen.
    await page.reload();
    await page.locator('.grid .tile').first().waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
  });

  it('opens a photo full size', async () => {
    await page.locator('.grid .tile a:not(:has(.badge))').first().click();
    await page.getByRole('dialog').waitFor();
    await shownPhoto(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('plays the video', async () => {
    await page.locator('.grid .tile a:has(.badge)').first().click();
    await page.locator('video').waitFor();
    await expect
      .poll(() => page.locator('video').evaluate((video: HTMLVideoElement) => video.currentTime), {
        timeout: 30_000,
      })
      .toBeGreaterThan(1);
  });

  it('played under the page’s CSP, which stops an injected <script> and reports it', async () => {
    const response = await page.request.get(PAGE);
    const policy = response.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers()['referrer-policy']).toBe('no-referrer');
    // What an HTML injection would do: an inline script and an inline event handler.
    await page.evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        w.violations.push(event.effectiveDirective);
      });
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.injected = true');
      img.src = 'data:,not-an-image';
      document.body.append(img);
    });
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { violations: string[] }).violations))
      .toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr']));
    expect(await page.evaluate(() => 'injected' in window)).toBe(false);
  });

  it('reached the viewer only on the page’s origin, never answered 401', () => {
    const viewerCalls = network.requests.filter((r) =>
      /^\/(login|logout|auth|api\/(?!hls\/))/.test(new URL(r.url).pathname),
    );
    expect(viewerCalls.length).toBeGreaterThan(0);
    for (const call of viewerCalls) {
      expect(new URL(call.url).origin, call.url).toBe(PAGE);
      expect(call.status, call.url).not.toBe(401);
    }
    expect(network.requests.filter((r) => r.url.startsWith(VIEWER))).toEqual([]);
    expect(visit.pageErrors).toEqual([]);
  });
});
