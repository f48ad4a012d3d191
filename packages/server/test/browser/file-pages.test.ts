/**
 * File pages and the lists in Chromium: a file page after a re-upload (the picture linking to the
 * original, the history table, revert and delete), Special:ListFiles sorted by name and filtered by
 * user, the Special:NewFiles gallery and Special:Log/upload. Results are checked through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { createBot } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { inContext, logIn, skipWithoutBrowser } from './harness.js';
import { ADMIN, type BrowserWiki, fileVersions, startBrowserWiki, uploadLog } from './wiki.js';

/** The text of each cell of each body row of `table`. */
const bodyCells = (table: Locator): Promise<string[][]> =>
  table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent?.trim() ?? '')),
    );

/** Whether every image `images` matches has loaded (decoded, not broken). */
const allLoaded = (images: Locator): Promise<boolean> =>
  images.evaluateAll((list) =>
    list.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
  );

/** The current files' names from list=allimages, in its order. */
async function allImages(bot: TestClient, params: Record<string, string>): Promise<string[]> {
  const r = await bot.get({ action: 'query', list: 'allimages', ailimit: 'max', ...params });
  return (r.json.query.allimages as { name: string }[]).map((f) => f.name.replace(/_/g, ' '));
}

async function openLoggedIn(page: Page, origin: string, path: string): Promise<void> {
  await logIn(page, origin, ADMIN.name, ADMIN.password);
  await page.goto(`${origin}${path}`);
}

describe('file pages and lists in the browser', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  let other: TestClient;
  const first = png(40, 30);
  const second = png(30, 40);

  before(async () => {
    w = await startBrowserWiki();
    const b = await createBot(w.s, 'ListBot');
    other = new TestClient(w.s.api);
    await other.login(b.lgname, b.password);
    const up = async (c: TestClient, filename: string, data: Buffer, comment: string) => {
      const r = await c.upload({ filename, comment, ignorewarnings: 1 }, data);
      assert.equal(r.json.upload?.result, 'Success', r.text);
    };
    await up(w.bot, 'Sunrise.png', first, 'The first light');
    await up(other, 'Sunrise.png', second, 'Brighter');
    await up(w.bot, 'Cherry.png', png(8, 8), 'A cherry');
    await up(other, 'Apple.png', png(9, 9), 'An apple');
    await up(w.bot, 'Banana.png', png(10, 10), 'A banana');
  });
  after(async () => {
    await w?.close();
  });

  it('shows a re-uploaded file: the picture links to the original, one history row per version', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await openLoggedIn(page, w.s.origin, '/wiki/File:Sunrise.png');
      const picture = page.locator('#file a.image');
      await waitFor(() => allLoaded(picture.locator('img')), 'the picture is shown');
      const original = await page.request.get(
        new URL((await picture.getAttribute('href'))!, w.s.origin).href,
      );
      assert.equal(original.headers()['content-type'], 'image/png');
      assert.equal(sha1(await original.body()), sha1(second));

      const history = page.locator('table.filehistory');
      assert.deepEqual(await history.locator('thead tr th').allTextContents(), [
        'Date/Time',
        'Thumbnail',
        'Dimensions',
        'User',
        'Comment',
        'Action',
      ]);
      const rows = await bodyCells(history);
      assert.equal(rows.length, 2);
      assert.deepEqual(
        rows.map((r) => [r[2], r[3], r[4]]),
        [
          ['30 × 40 (4 KB)', 'ListBot', 'Brighter'],
          ['40 × 30 (4 KB)', 'CheckBot', 'The first light'],
        ],
      );
      assert.match(rows[0]![0]!, /\(current\)$/);
      await waitFor(() => allLoaded(history.locator('img')), 'the history thumbnails are shown');

      // Revert to the first version, then delete the file.
      await history.getByRole('button', { name: 'revert' }).click();
      await page.getByText('has been reverted to an old version').waitFor();
      const versions = await fileVersions(w.bot, 'Sunrise.png');
      assert.deepEqual(
        versions.map((v) => [v.sha1, v.user]),
        [
          [sha1(first), 'Admin'],
          [sha1(second), 'ListBot'],
          [sha1(first), 'CheckBot'],
        ],
      );
      await page.goto(`${w.s.origin}/wiki/File:Sunrise.png`);
      assert.equal(await page.locator('table.filehistory tbody tr').count(), 3);
      await page.getByLabel('Reason').fill('No longer needed');
      await page.getByRole('button', { name: 'Delete' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /deleted/ })
        .waitFor();
      assert.deepEqual(await fileVersions(w.bot, 'Sunrise.png'), []);
    });
  });

  it('Special:ListFiles lists the files, sorts them by name and shows one user’s', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await openLoggedIn(page, w.s.origin, '/wiki/Special:ListFiles');
      const table = page.locator('table.mw-listfiles');
      const names = async () => (await bodyCells(table)).map((r) => r[1]);
      assert.deepEqual(await names(), await allImages(w.bot, { aisort: 'timestamp', aidir: 'older' }));
      await Promise.all([
        page.waitForURL(/sort=img_name/),
        table.getByRole('link', { name: 'Name' }).click(),
      ]);
      const byName = await allImages(w.bot, { aisort: 'name' });
      assert.ok(byName.includes('Apple.png') && byName.includes('Cherry.png'));
      assert.deepEqual(await names(), byName);
      assert.equal(await table.locator('th[aria-sort="ascending"]').textContent(), 'Name');
      await Promise.all([page.waitForURL(/desc=1/), table.getByRole('link', { name: 'Name' }).click()]);
      assert.deepEqual(await names(), byName.reverse());

      await page.getByLabel('Username').fill('ListBot');
      await Promise.all([page.waitForURL(/user=ListBot/), page.getByRole('button', { name: 'Go' }).click()]);
      const rows = await bodyCells(table);
      const mine = await allImages(w.bot, { aisort: 'timestamp', aidir: 'older', aiuser: 'ListBot' });
      assert.ok(mine.includes('Apple.png') && !mine.includes('Cherry.png'));
      assert.deepEqual(
        rows.map((r) => r[1]),
        mine,
      );
      assert.ok(rows.every((r) => r[4] === 'ListBot'));
      assert.equal(rows.find((r) => r[1] === 'Apple.png')?.[5], 'An apple');
      await waitFor(() => allLoaded(table.locator('img')), 'the thumbnails are shown');
    });
  });

  it('Special:NewFiles shows the gallery; Special:Log/upload the uploads', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await openLoggedIn(page, w.s.origin, '/wiki/Special:NewFiles');
      const newest = await allImages(w.bot, { aisort: 'timestamp', aidir: 'older' });
      const gallery = page.locator('ul.gallery');
      assert.deepEqual(
        await gallery.locator('.gallerytext a[href^="/wiki/File:"]').allTextContents(),
        newest,
      );
      await waitFor(() => allLoaded(gallery.locator('img')), 'the gallery’s pictures are shown');
      await Promise.all([
        page.waitForURL(/\/wiki\/File:Apple\.png$/),
        gallery.getByRole('link', { name: 'Apple.png', exact: true }).click(),
      ]);

      await page.goto(`${w.s.origin}/wiki/Special:Log/upload`);
      const lines = await page.locator('ul.mw-logevent-loglines li').allTextContents();
      const log = await uploadLog(w.bot);
      assert.equal(lines.length, log.length);
      for (const [i, e] of log.entries()) {
        const what = { upload: 'uploaded', overwrite: 'uploaded a new version of', revert: 'reverted' }[
          e.action
        ];
        assert.ok(lines[i]!.includes(`${e.user} ${what} ${e.title}`), `${lines[i]} (${JSON.stringify(e)})`);
      }
    });
  });
});
