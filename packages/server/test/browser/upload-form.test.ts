/**
 * Special:Upload in Chromium with JavaScript off: the plain form publishes a file and leads to its
 * page, a second upload to the name stops at the warning page with its three buttons, and a file
 * is copied from a URL; the form works with the keyboard alone. What was published is checked
 * through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { png, sha1 } from '../helpers/files.js';
import { inContext, logIn, skipWithoutBrowser, tabTo } from './harness.js';
import { ADMIN, type BrowserWiki, fileVersions, serveFiles, startBrowserWiki } from './wiki.js';

const NO_JS = { javaScriptEnabled: false };

/** Chooses `data` as `fileName` in the form, fills the name and description, presses Upload file. */
async function sendForm(page: Page, data: Buffer, fileName: string, dest: string, description: string) {
  await page.locator('#wpUploadFile').setInputFiles({ name: fileName, mimeType: 'image/png', buffer: data });
  await page.getByLabel('Destination filename:').fill(dest);
  await page.getByLabel('Summary:').fill(description);
  // The next page (the file page, or the warning page) has loaded.
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Upload file' }).click()]);
}

describe('Special:Upload with JavaScript off', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  before(async () => {
    w = await startBrowserWiki({ groupPermissions: { sysop: { upload_by_url: true } } });
  });
  after(async () => {
    await w?.close();
  });

  it('logs in, publishes a PNG, warns before overwriting it, and "upload anyway" adds a version', async () => {
    await inContext(w.browser, NO_JS, async ({ page }) => {
      // Logged out, the page asks to log in and leads back after it.
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.getByRole('heading', { name: 'Login required' }).waitFor();
      await page.getByRole('link', { name: 'log in', exact: true }).click();
      await page.getByLabel('Username').fill(ADMIN.name);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Log in' }).click()]);
      assert.equal(new URL(page.url()).pathname, '/wiki/Special:Upload');
      assert.equal(await page.locator('.mwup-drop').count(), 0, 'the plain form, no uploader');
      const first = png(12, 9);
      await sendForm(page, first, 'holiday.png', 'Form picture.png', 'First version');
      assert.equal(new URL(page.url()).pathname, '/wiki/File:Form_picture.png');
      await page.getByRole('heading', { name: 'File:Form picture.png', level: 1 }).waitFor();
      assert.deepEqual(
        (await fileVersions(w.bot, 'Form picture.png')).map((v) => [v.sha1, v.size, v.user, v.comment]),
        [[sha1(first), first.length, 'Admin', 'First version']],
      );

      // The same name again: the warning page, the file only stashed.
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      const second = png(12, 9);
      await sendForm(page, second, 'holiday.png', 'Form picture.png', 'Second version');
      await page.getByRole('heading', { name: 'Upload warning' }).waitFor();
      assert.match(
        (await page.getByRole('alert').textContent()) ?? '',
        /A file with this name exists already, please check File:Form picture\.png/,
      );
      assert.match((await page.locator('input[name="wpSessionKey"]').inputValue()) ?? '', /\.png$/);
      for (const name of [
        'Submit modified file description',
        'Ignore warning and save file anyway',
        'Cancel upload and return to the upload form',
      ])
        assert.equal(await page.getByRole('button', { name }).count(), 1, name);
      assert.equal((await fileVersions(w.bot, 'Form picture.png')).length, 1, 'nothing published yet');

      await Promise.all([
        page.waitForURL(/\/wiki\/File:Form_picture\.png$/),
        page.getByRole('button', { name: 'Ignore warning and save file anyway' }).click(),
      ]);
      assert.deepEqual(
        (await fileVersions(w.bot, 'Form picture.png')).map((v) => [v.sha1, v.size, v.comment]),
        [
          [sha1(second), second.length, 'Second version'],
          [sha1(first), first.length, 'First version'],
        ],
      );

      // Cancel: nothing published, the form again with the name kept.
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await sendForm(page, png(), 'holiday.png', 'Form picture.png', 'Not wanted');
      await page.getByRole('button', { name: 'Cancel upload and return to the upload form' }).click();
      await page.locator('#wpUploadFile').waitFor();
      assert.equal(await page.getByLabel('Destination filename:').inputValue(), 'Form picture.png');
      assert.equal((await fileVersions(w.bot, 'Form picture.png')).length, 2);
    });
  });

  it('copies a file from a URL', async () => {
    const served = png(10, 10);
    const files = await serveFiles({ '/served.png': served });
    try {
      await inContext(w.browser, NO_JS, async ({ page }) => {
        await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
        await page.goto(`${w.s.origin}/wiki/Special:Upload`);
        await page.getByLabel('Source URL:').fill(`${files.origin}/served.png`);
        await page.locator('#wpSourceTypeurl').check();
        await page.getByLabel('Destination filename:').fill('Copied picture.png');
        await page.getByLabel('Summary:').fill('Copied from a URL');
        await Promise.all([
          page.waitForURL(/\/wiki\/File:Copied_picture\.png$/),
          page.getByRole('button', { name: 'Upload file' }).click(),
        ]);
        assert.deepEqual(
          (await fileVersions(w.bot, 'Copied picture.png')).map((v) => [v.sha1, v.size, v.comment]),
          [[sha1(served), served.length, 'Copied from a URL']],
        );
      });
    } finally {
      await files.close();
    }
  });

  it('is filled in and sent with the keyboard alone', async () => {
    await inContext(w.browser, NO_JS, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      // Waited for before the page loads: Playwright turns on catching the chooser without waiting for
      // the browser, so a key pressed at once could open the browser's own dialog instead.
      const chosen = page.waitForEvent('filechooser');
      chosen.catch(() => {});
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      const data = png(7, 7);
      // Tab to the file field; Space opens the file chooser.
      await tabTo(page, page.locator('#wpUploadFile'));
      await page.keyboard.press('Space');
      const chooser = await chosen;
      await chooser.setFiles({ name: 'keys.png', mimeType: 'image/png', buffer: data });
      await tabTo(page, page.getByLabel('Destination filename:'));
      await page.keyboard.type('Typed with keys.png');
      await tabTo(page, page.getByLabel('Summary:'));
      await page.keyboard.type('Sent with the keyboard');
      // Space toggles "Watch this file" off; Enter on the button sends the form.
      await tabTo(page, page.getByLabel('Watch this file'));
      await page.keyboard.press('Space');
      assert.equal(await page.getByLabel('Watch this file').isChecked(), false);
      await tabTo(page, page.getByRole('button', { name: 'Upload file' }));
      await Promise.all([
        page.waitForURL(/\/wiki\/File:Typed_with_keys\.png$/),
        page.keyboard.press('Enter'),
      ]);
      assert.deepEqual(
        (await fileVersions(w.bot, 'Typed with keys.png')).map((v) => [v.sha1, v.comment]),
        [[sha1(data), 'Sent with the keyboard']],
      );
    });
  });
});
