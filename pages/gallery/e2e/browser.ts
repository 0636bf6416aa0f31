import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '@edge-gallery/stack';
import { type BrowserContext, chromium } from 'playwright-core';

// Debian's chromium (`apt-get install -y chromium`), never a downloaded browser,
// with a fresh profile each run. CHROMIUM_PATH, when set, is the only candidate.
export const CHROMIUM =
  findExecutable(process.env.CHROMIUM_PATH ?? ['chromium', 'chromium-browser']) ??
  'chromium (not found on PATH)';

/** The flags every run passes (CI's, and the benches' own browsers). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What a test or bench may set beyond the defaults (a phone: viewport, density, touch). */
export type BrowserOptions = {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  isMobile?: boolean;
  hasTouch?: boolean;
};

export async function launchBrowser(options: BrowserOptions = {}): Promise<{
  context: BrowserContext;
  /** The fresh profile (names the browser's processes, e.g. for memory measurements). */
  userDataDir: string;
  close(): Promise<void>;
}> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'edge-gallery-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    ...options,
  });
  return {
    context,
    userDataDir,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
