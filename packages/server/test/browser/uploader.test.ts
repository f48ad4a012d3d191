/**
 * Special:Upload's multi-file uploader in Chromium: several files chosen at once, files dropped onto
 * the page, a warning in a file's row decided with "Upload anyway" — by mouse and by keyboard. What
 * was published is checked through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, sha1 } from '../helpers/files.js';
import { inContext, logIn, skipWithoutBrowser, tabTo } from './harness.js';
import { dropFiles, fileRow, progressOf, watchUploads } from './uploads.js';
import { ADMIN, type BrowserWiki, fileVersions, startBrowserWiki } from './wiki.js';

describe('the multi-file uploader', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  before(async () => {
    w = await startBrowserWiki();
  });
  after(async () => {
    await w?.close();
  });

  it('uploads several files chosen at once, each in a row that ends linking to its file page', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      assert.equal(await page.locator('#wpUploadFile').getAttribute('multiple'), '');
      const files = ['Alpha one.png', 'Beta two.png', 'Gamma three.png'].map((name, i) => ({
        name,
        mimeType: 'image/png',
        buffer: png(5 + i, 5),
      }));
      await page.getByLabel('Summary:').fill('One of three');
      await page.locator('#wpUploadFile').setInputFiles(files);
      assert.equal(await page.locator('.mwup-page-status').textContent(), '3 files added.');
      for (const f of files) {
        const row = fileRow(page, f.name);
        assert.equal(await progressOf(row, f.name).count(), 1, `progress bar of ${f.name}`);
        const link = row.getByRole('link', { name: `File:${f.name}` });
        await link.waitFor();
        assert.equal(await link.getAttribute('href'), `/wiki/File:${f.name.replace(/ /g, '_')}`);
        assert.equal(await progressOf(row, f.name).evaluate((p) => (p as HTMLProgressElement).value), 100);
        assert.match((await row.getByRole('status').textContent()) ?? '', /^Upload complete:/);
        assert.deepEqual(
          (await fileVersions(w.bot, f.name)).map((v) => [v.sha1, v.size, v.comment]),
          [[sha1(f.buffer), f.buffer.length, 'One of three']],
        );
      }
      // The link leads to the file page.
      await Promise.all([
        page.waitForURL(/\/wiki\/File:Beta_two\.png$/),
        page.getByRole('link', { name: 'File:Beta two.png' }).click(),
      ]);
      await page.getByRole('heading', { name: 'File:Beta two.png', level: 1 }).waitFor();
    });
  });

  it('uploads files dropped onto the page', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const dropped = [
        { name: 'Dropped first.png', data: png(4, 6) },
        { name: 'Dropped second.png', data: png(6, 4) },
      ];
      const zone = page.locator('.mwup-drop');
      await dropFiles(page, dropped, {
        // While files are over the page, the drop zone shows it.
        whileOver: async () => assert.match((await zone.getAttribute('class')) ?? '', /mwup-dragging/),
      });
      assert.doesNotMatch((await zone.getAttribute('class')) ?? '', /mwup-dragging/);
      for (const f of dropped) {
        await fileRow(page, f.name)
          .getByRole('link', { name: `File:${f.name}` })
          .waitFor();
        assert.deepEqual(
          (await fileVersions(w.bot, f.name)).map((v) => [v.sha1, v.size]),
          [[sha1(f.data), f.data.length]],
        );
      }
      assert.equal(await page.locator('li.mwup-file').count(), 2);
    });
  });

  it('shows a warning in the row; "Upload anyway" publishes the new version', async () => {
    const old = png(3, 3);
    assert.equal((await w.bot.upload({ filename: 'Warned picture.png' }, old)).json.upload.result, 'Success');
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const data = png(3, 4);
      // The name typed in the form is the one file's destination.
      await page.getByLabel('Destination filename:').fill('Warned picture.png');
      await page
        .locator('#wpUploadFile')
        .setInputFiles({ name: 'my photo.png', mimeType: 'image/png', buffer: data });
      const row = fileRow(page, 'my photo.png');
      assert.equal(
        await row.getByLabel('Destination file name for my photo.png').inputValue(),
        'Warned picture.png',
      );
      const anyway = row.getByRole('button', { name: /Upload anyway/ });
      await anyway.waitFor();
      assert.match(
        (await row.locator('.mwup-warnings').textContent()) ?? '',
        /A file named "Warned picture\.png" already exists/,
      );
      assert.equal((await fileVersions(w.bot, 'Warned picture.png')).length, 1, 'nothing published yet');
      await anyway.click();
      await row.getByRole('link', { name: 'File:Warned picture.png' }).waitFor();
      assert.deepEqual(
        (await fileVersions(w.bot, 'Warned picture.png')).map((v) => v.sha1),
        [sha1(data), sha1(old)],
      );
    });
  });

  it('refuses a file type the wiki does not take before sending anything', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const uploads = await watchUploads(page);
      const table = Buffer.from('a,b\n1,2\n');
      await page
        .locator('#wpUploadFile')
        .setInputFiles({ name: 'table.csv', mimeType: 'text/csv', buffer: table });
      const row = fileRow(page, 'table.csv');
      assert.match(
        (await row.getByRole('alert').textContent()) ?? '',
        /^\.csv is not a permitted file type\./,
      );
      assert.equal((await row.getByRole('status').textContent())?.trim(), 'Not uploaded.');
      // Another name, and Retry: only now is the file sent.
      await row.getByLabel('Destination file name for table.csv').fill('table.txt');
      await row.getByRole('button', { name: 'Retry upload of table.csv' }).click();
      await row.getByRole('link', { name: 'File:Table.txt' }).waitFor();
      assert.deepEqual(
        uploads.sent.map((u) => u.fields.filename),
        ['table.txt'],
      );
      assert.deepEqual(
        (await fileVersions(w.bot, 'Table.txt')).map((v) => v.sha1),
        [sha1(table)],
      );
    });
  });

  it('is used with the keyboard alone: choosing a file, deciding on its warning', async () => {
    const old = png(2, 2);
    assert.equal((await w.bot.upload({ filename: 'Keyboard.png' }, old)).json.upload.result, 'Success');
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      // Waited for before the page loads: Playwright turns on catching the chooser without waiting for
      // the browser, so a key pressed at once could open the browser's own dialog instead.
      const chosen = page.waitForEvent('filechooser');
      chosen.catch(() => {});
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      await tabTo(page, page.getByLabel('Summary:'));
      await page.keyboard.type('Chosen with keys');
      // Back to the file field (Shift+Tab), where Space opens the file chooser.
      const input = page.locator('#wpUploadFile');
      for (let i = 0; i < 10 && !(await input.evaluate((e) => e === document.activeElement)); i++)
        await page.keyboard.press('Shift+Tab');
      const data = png(2, 3);
      await page.keyboard.press('Space');
      const chooser = await chosen;
      assert.equal(chooser.isMultiple(), true);
      await chooser.setFiles({ name: 'Keyboard.png', mimeType: 'image/png', buffer: data });
      const row = fileRow(page, 'Keyboard.png');
      const anyway = row.getByRole('button', { name: 'Upload anyway: Keyboard.png' });
      await anyway.waitFor();
      await tabTo(page, anyway);
      await page.keyboard.press('Enter');
      await row.getByRole('link', { name: 'File:Keyboard.png' }).waitFor();
      const versions = await fileVersions(w.bot, 'Keyboard.png');
      assert.deepEqual(
        versions.map((v) => [v.sha1, v.comment]),
        [
          [sha1(data), 'Chosen with keys'],
          [sha1(old), ''],
        ],
      );
    });
  });
});
