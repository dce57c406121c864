// A real browser for the console's tests: Debian's Chromium (/usr/bin/chromium, installed by `npm test`) driven by
// playwright-core, headless, with a fresh profile, and flags that keep it off every network but loopback (no
// background services, updates or sync). Screenshots go to test-artifacts/console/ for a person to look at.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.REGATTA_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/console/', import.meta.url));

export interface TestBrowser {
  browser: Browser;
  page: Page;
  /** Saves a full-page PNG as test-artifacts/console/NN-name.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Errors the page threw or logged: a console that works logs none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // A refused request (a wrong token, say) is logged by Chromium itself; the page shows it and goes on.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(msg.text());
  });
  // This run's pictures only: an earlier run's would be mistaken for them.
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  let shot = 0;
  return {
    browser,
    page,
    pageErrors,
    screenshot: async (name) => {
      const path = join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => browser.close(),
  };
}
