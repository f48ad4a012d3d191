/**
 * Special:Upload's uploader in Chromium with `uploads.webProtocol: "tus"`: a file larger than a
 * chunk goes to /w/tus/ in PATCH requests of 5 MiB (no chunk through api.php), and an upload cut off
 * by a reload continues from the offset the wiki has when the same file is chosen again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { waitFor } from '../helpers/wait.js';
import { inContext, logIn, skipWithoutBrowser } from './harness.js';
import { fileRow, watchUploads } from './uploads.js';
import { ADMIN, type BrowserWiki, fileVersions, startBrowserWiki } from './wiki.js';

const MiB = 1024 * 1024;
const CHUNK = 5 * MiB;
const LONG = { timeout: 60_000 };

/** The tus requests the page sends (method and `Upload-Offset`); PATCHes matching `hold` wait forever. */
async function watchTus(page: Page) {
  const sent: { method: string; offset: number | null }[] = [];
  const held: Route[] = [];
  let hold: ((offset: number) => boolean) | null = null;
  await page.route('**/w/tus/**', async (route) => {
    const r = route.request();
    const h = r.headers();
    const offset = h['upload-offset'] === undefined ? null : Number(h['upload-offset']);
    if (r.method() === 'PATCH' && offset !== null && hold?.(offset)) {
      held.push(route);
      return;
    }
    sent.push({ method: r.method(), offset });
    return route.continue();
  });
  return {
    sent,
    patches: () => sent.filter((q) => q.method === 'PATCH').map((q) => q.offset),
    hold(match: (offset: number) => boolean) {
      hold = match;
    },
    get held() {
      return held.length;
    },
    release() {
      hold = null;
    },
  };
}

describe('the uploader over tus in the browser', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  before(async () => {
    w = await startBrowserWiki({ uploads: { webProtocol: 'tus' } });
  });
  after(async () => {
    await w?.close();
  });

  it('sends a 12 MiB file over tus, continues it after a reload, and publishes it', async () => {
    const name = 'Tus picture.png';
    const size = 12 * MiB + 5;
    const data = pngOfSize(size);
    const path = await w.file(name, data);
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      const api = await watchUploads(page);
      const tus = await watchTus(page);
      // The third PATCH never reaches the wiki: the page is reloaded while it waits.
      tus.hold((offset) => offset >= 2 * CHUNK);
      await page.locator('#wpUploadFile').setInputFiles(path);
      await waitFor(() => tus.held === 1, 'the third PATCH is on its way', 30_000);
      assert.equal(tus.sent[0]?.method, 'POST');
      assert.deepEqual(tus.patches(), [0, CHUNK]);

      tus.release();
      await page.reload();
      await page.getByText('An upload was interrupted. Choose the same file again').waitFor();
      const tusAgain = await watchTus(page);
      const apiAgain = await watchUploads(page);
      await page.locator('#wpUploadFile').setInputFiles(path);
      await fileRow(page, name)
        .getByRole('link', { name: `File:${name}` })
        .waitFor(LONG);
      assert.equal(tusAgain.sent[0]?.method, 'HEAD', 'asks the wiki where the upload is');
      assert.deepEqual(tusAgain.patches(), [2 * CHUNK], 'only the bytes the wiki did not have');
      assert.ok(!tusAgain.sent.some((q) => q.method === 'POST'));
      assert.deepEqual([...api.sent, ...apiAgain.sent], [], 'no chunk through api.php');
      assert.deepEqual(
        (await fileVersions(w.bot, name)).map((v) => [v.sha1, v.size]),
        [[sha1(data), size]],
      );
    });
  });
});
