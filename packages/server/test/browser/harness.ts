/**
 * Real-browser tests: Debian's Chromium driven by playwright-core (no browser downloads). Each
 * page keeps the console errors and uncaught exceptions it saw (a Content-Security-Policy
 * violation is a console error), and axe-core checks pages against WCAG 2.1 AA.
 */
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

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
  /** Console errors and uncaught exceptions so far. */
  problems: string[];
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  return { page, problems };
}

/** Serious and critical WCAG A/AA violations on the page, readably. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
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
