/**
 * Large files in Chromium's uploader: a file of 24 MiB goes up in 5 MiB chunks, and an upload cut
 * off by a reload continues where the wiki has it when the same file is chosen again. The chunks
 * are read from the requests the page sends; the result is checked through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { waitFor } from '../helpers/wait.js';
import { inContext, logIn, skipWithoutBrowser } from './harness.js';
import { chunksOf, fileRow, progressOf, watchUploads } from './uploads.js';
import { ADMIN, type BrowserWiki, fileVersions, startBrowserWiki } from './wiki.js';

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
/** The chunk size Special:Upload gives its script. */
const CHUNK = 5 * MiB;
const LONG = { timeout: 60_000 };

describe('chunked uploads in the browser', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  before(async () => {
    w = await startBrowserWiki();
  });
  after(async () => {
    await w?.close();
  });

  it('sends a 24 MiB file in 5 MiB chunks; the published file has its SHA-1', async () => {
    const data = pngOfSize(SIZE);
    const path = await w.file('Large picture.png', data);
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const uploads = await watchUploads(page);
      await page.locator('#wpUploadFile').setInputFiles(path);
      const row = fileRow(page, 'Large picture.png');
      await row.getByRole('link', { name: 'File:Large picture.png' }).waitFor(LONG);
      const chunks = chunksOf(uploads.sent, 'Large picture.png');
      assert.deepEqual(
        chunks.map((c) => [Number(c.fields.offset), c.fileBytes, Number(c.fields.filesize)]),
        [0, 1, 2, 3, 4].map((i) => [i * CHUNK, Math.min(CHUNK, SIZE - i * CHUNK), SIZE]),
      );
      assert.equal(chunks[0]!.fields.stash, '1');
      assert.equal(
        await progressOf(row, 'Large picture.png').evaluate((p) => (p as HTMLProgressElement).value),
        100,
      );
      assert.deepEqual(
        (await fileVersions(w.bot, 'Large picture.png')).map((v) => [v.sha1, v.size]),
        [[sha1(data), SIZE]],
      );
    });
  });

  it('continues an upload cut off by a reload when the same file is chosen again', async () => {
    const data = pngOfSize(SIZE);
    const path = await w.file('Resumed picture.png', data);
    const name = 'Resumed picture.png';
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const uploads = await watchUploads(page);
      // The third chunk never reaches the wiki: the page is reloaded while it waits.
      uploads.hold((u) => Number(u.fields.offset) >= 2 * CHUNK);
      await page.locator('#wpUploadFile').setInputFiles(path);
      await waitFor(() => uploads.held === 1, 'the third chunk is on its way', 30_000);
      const progress = progressOf(fileRow(page, name), name);
      await waitFor(
        async () => (await progress.evaluate((p) => (p as HTMLProgressElement).value)) > 0,
        'the progress bar moved',
      );
      assert.equal(chunksOf(uploads.sent, name).length, 2);

      uploads.release();
      await page.reload();
      const notice = page.getByText('An upload was interrupted. Choose the same file again');
      await notice.waitFor();
      assert.match(
        (await page.locator('.mwup-resume li').textContent()) ?? '',
        /^Resumed picture\.png \(10 MB of 24 MB\)$/,
      );
      const before = uploads.sent.length;
      await page.locator('#wpUploadFile').setInputFiles(path);
      const row = fileRow(page, name);
      await row.getByRole('link', { name: `File:${name}` }).waitFor(LONG);
      assert.equal(await notice.isVisible(), false, 'the notice is gone');

      const resumed = chunksOf(uploads.sent.slice(before), name);
      assert.deepEqual(
        resumed.map((c) => Number(c.fields.offset)),
        [2 * CHUNK, 3 * CHUNK, 4 * CHUNK],
      );
      const sentAgain = resumed.reduce((n, c) => n + c.fileBytes, 0);
      assert.equal(sentAgain, SIZE - 2 * CHUNK, 'only the bytes the wiki did not have');
      assert.deepEqual(
        (await fileVersions(w.bot, name)).map((v) => [v.sha1, v.size]),
        [[sha1(data), SIZE]],
      );
    });
  });

  it('cancels a chunked upload; Retry continues it from the last chunk the wiki has', async () => {
    const name = 'Cancelled picture.png';
    const data = pngOfSize(12 * MiB);
    const path = await w.file(name, data);
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const uploads = await watchUploads(page);
      uploads.hold((u) => Number(u.fields.offset) >= CHUNK);
      await page.locator('#wpUploadFile').setInputFiles(path);
      await waitFor(() => uploads.held === 1, 'the second chunk is on its way', 30_000);
      const row = fileRow(page, name);
      await row.getByRole('button', { name: `Cancel upload of ${name}` }).click();
      await row.getByText('Upload cancelled.').waitFor();
      assert.deepEqual(await fileVersions(w.bot, name), []);

      uploads.release();
      const before = uploads.sent.length;
      await row.getByRole('button', { name: `Retry upload of ${name}` }).click();
      await row.getByRole('link', { name: `File:${name}` }).waitFor(LONG);
      assert.deepEqual(
        chunksOf(uploads.sent.slice(before), name).map((c) => Number(c.fields.offset)),
        [CHUNK, 2 * CHUNK],
      );
      assert.deepEqual(
        (await fileVersions(w.bot, name)).map((v) => [v.sha1, v.size]),
        [[sha1(data), data.length]],
      );
    });
  });

  it('keeps a chunked upload stopped at a warning across a reload; "Upload anyway" publishes it', async () => {
    const name = 'Chunked warned.png';
    const old = pngOfSize(2000);
    assert.equal((await w.bot.upload({ filename: name }, old)).json.upload?.result, 'Success');
    const data = pngOfSize(7 * MiB);
    const path = await w.file(name, data);
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const uploads = await watchUploads(page);
      await page.locator('#wpUploadFile').setInputFiles(path);
      const row = fileRow(page, name);
      const anyway = row.getByRole('button', { name: `Upload anyway: ${name}` });
      await anyway.waitFor(LONG);
      assert.equal(chunksOf(uploads.sent, name).length, 2);
      assert.equal((await fileVersions(w.bot, name)).length, 1, 'nothing published yet');

      // After a reload the same file brings the warning back from the stash: nothing is sent again.
      await page.reload();
      await page.getByText('An upload was interrupted').waitFor();
      await page.locator('#wpUploadFile').setInputFiles(path);
      await anyway.waitFor(LONG);
      assert.match(
        (await row.locator('.mwup-warnings').textContent()) ?? '',
        /"Chunked warned\.png" already exists/,
      );
      await anyway.click();
      await row.getByRole('link', { name: `File:${name}` }).waitFor(LONG);
      assert.equal(uploads.sent.length, 2, 'published from the stash');
      assert.deepEqual(
        (await fileVersions(w.bot, name)).map((v) => v.sha1),
        [sha1(data), sha1(old)],
      );
    });
  });
});
