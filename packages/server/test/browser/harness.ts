/**
 * Real-browser tests: Debian's Chromium driven by playwright-core (no browser downloads). Each
 * page keeps the console errors, uncaught exceptions and dialogs it saw (a Content-Security-Policy
 * violation is a console error), and axe-core checks pages against WCAG 2.1 AA.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser binary: `MWUP_CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.MWUP_CHROMIUM ?? CANDIDATES.find((p) => existsSync(p));

/** Why the browser tests cannot run here, as a `skip` option. */
export const skipWithoutBrowser: string | false = CHROMIUM
  ? false
  : 'no Chromium here (apt-get install chromium, or set MWUP_CHROMIUM)';

export function launchBrowser(): Promise<Browser> {
  // As root (CI) Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A page that remembers what went wrong in it. */
export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions and dialogs (alert, confirm, prompt) so far. */
  problems: string[];
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  // No page of the wiki opens a dialog: one that appears is injected script (or a bug).
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return { page, problems };
}

/**
 * Runs `body` on a watched page of a new context with `options`, then asserts that the page saw no
 * console error, exception, Content-Security-Policy violation or dialog; the context is closed.
 */
export async function inContext(
  browser: Browser,
  options: BrowserContextOptions,
  body: (w: WatchedPage & { context: BrowserContext }) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext(options);
  try {
    const w = await openPage(context);
    await body({ ...w, context });
    assert.deepEqual(w.problems, [], 'no console errors, exceptions or dialogs');
  } finally {
    await context.close();
  }
}

/**
 * The pages as a browser without JavaScript shows them, in a context that runs scripts (axe-core
 * needs them): the wiki's own scripts are answered with an empty module.
 */
export async function withoutPageScripts(context: BrowserContext): Promise<void> {
  await context.route('**/w/static/*.js', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }),
  );
}

/** Whether the page scrolls sideways (it should not, down to a phone's 375 px). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.locator('html').evaluate((e) => e.scrollWidth > e.clientWidth);
}

/** Presses Tab until `target` has the focus (at most `max` times); fails if it never does. */
export async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((e) => e === document.activeElement)) return;
  }
  assert.fail(`Tab never reached ${target}`);
}

/** Serious and critical WCAG A/AA violations on the page, readably. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // The wiki's pages have no frames: axe runs in the page itself (legacy mode), without the extra
  // blank page per run that collecting results from frames needs — three times as fast.
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .setLegacyMode(true)
    .analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Log in through Special:UserLogin as a person would. */
export async function logIn(page: Page, origin: string, name: string, password: string): Promise<void> {
  await page.goto(`${origin}/wiki/Special:UserLogin`);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith('UserLogin')),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
}
