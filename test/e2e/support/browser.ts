/**
 * Debian's chromium driven by playwright-core (never a downloaded browser), with the launch flags of
 * ../shared/research/stack.md. Every page records console errors and failed requests so a test can assert
 * that there were none; screenshots go to test-results/screens/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.DROVER_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENS_DIR = join(process.cwd(), 'test-results', 'screens');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors seen so far. */
  errors: string[];
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
}

export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'Europe/Paris',
    locale: 'en-GB',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  mkdirSync(SCREENS_DIR, { recursive: true });
  return {
    page,
    context,
    errors,
    async screenshot(name, shot = {}) {
      const path = join(SCREENS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: shot.fullPage ?? false });
      return path;
    },
  };
}
