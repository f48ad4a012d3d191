/** Logging in and out in Chromium, with and without JavaScript; the pages pass axe-core. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accessibilityProblems, launchBrowser, logIn, openPage, skipWithoutBrowser } from './harness.js';

describe('login in a browser', { skip: skipWithoutBrowser }, () => {
  let s: TestServer;
  let browser: Browser;
  before(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`logs in and out (JavaScript ${javaScriptEnabled ? 'on' : 'off'}), without console errors`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      try {
        const { page, problems } = await openPage(context);
        await page.goto(`${s.origin}/`);
        assert.equal(new URL(page.url()).pathname, '/wiki/Special:Upload');
        await logIn(page, s.origin, 'Admin', 'admin-password-123');
        await page.goto(`${s.origin}/wiki/Special:UserLogout`);
        assert.equal(await page.getByText('Logged in as').count(), 1);
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.waitForURL(/Special:UserLogin/);
        assert.equal(await page.getByText('Logged in as').count(), 0);
        const cookies = await context.cookies();
        assert.ok(
          cookies.every((c) => c.httpOnly && c.sameSite === 'Lax'),
          JSON.stringify(cookies),
        );
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  it('shows a wrong password in the page; the login page passes axe-core', async () => {
    const context = await browser.newContext();
    try {
      const { page, problems } = await openPage(context);
      await page.goto(`${s.origin}/wiki/Special:UserLogin`);
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.getByLabel('Username').fill('Admin');
      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Incorrect username or password/);
      assert.deepEqual(await accessibilityProblems(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('is usable on a phone-sized screen in dark mode', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 700 }, colorScheme: 'dark' });
    try {
      const { page } = await openPage(context);
      await page.goto(`${s.origin}/wiki/Special:UserLogin`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, 'no horizontal scrolling');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(bg, 'rgb(255, 255, 255)', 'dark background');
      assert.deepEqual(await accessibilityProblems(page), []);
    } finally {
      await context.close();
    }
  });
});
