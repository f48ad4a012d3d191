/**
 * Markup in file names and descriptions stays text in Chromium: names and descriptions holding
 * `<script>`, `<img onerror>`, quotes that would end an attribute and `javascript:` links are sent
 * through the form (warning page) and the uploader (its row), then shown on the file pages, the
 * lists and the log. Each payload would set `window.xssRan`; no page may run one, open a dialog,
 * report a Content-Security-Policy violation, or hold an element the payload would have made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { png } from '../helpers/files.js';
import { inContext, logIn, skipWithoutBrowser } from './harness.js';
import { fileRow } from './uploads.js';
import { ADMIN, type BrowserWiki, fileVersions, serveFiles, startBrowserWiki } from './wiki.js';

/** A name with markup that titles cannot hold (the wiki changes it and warns). */
const TAG_NAME = '<script>window.xssRan=1</script><img src=x onerror=window.xssRan=2>.png';
/** A name titles can hold: quotes and apostrophes that would end an attribute. */
const QUOTE_NAME = `Quote" onmouseover="window.xssRan=3" x='y' & z.png`;
/** Uploaded through the API before the tests: in the lists whatever the other tests did. */
const BOT_NAME = `Bot's "quoted" onmouseover="window.xssRan=10" name.png`;
const DESCRIPTION = [
  '<script>window.xssRan=4</script>',
  '<img src=x onerror="window.xssRan=5">',
  '<svg onload=window.xssRan=6></svg>',
  '[javascript:window.xssRan=7 a link]',
  '[[:File:X.png|<img src=x onerror=window.xssRan=8>]]',
  '" onfocus="window.xssRan=9',
  '<img src=x onerror=alert(document.domain)>',
].join(' ');

/** Asserts that nothing of the payloads became markup or ran in `page`. */
async function assertInert(page: Page, where: string): Promise<void> {
  const found = await page.evaluate(() => ({
    ran: (window as unknown as { xssRan?: unknown }).xssRan ?? null,
    handlers: [...document.querySelectorAll('*')]
      .filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on')))
      .map((e) => e.outerHTML.slice(0, 120)),
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    injected: document.querySelectorAll('img[src="x"], svg[onload]').length,
    scriptLinks: [...document.querySelectorAll('a[href]')]
      .map((a) => a.getAttribute('href') ?? '')
      .filter((h) => /^\s*javascript:/i.test(h)),
  }));
  assert.deepEqual(
    found,
    { ran: null, handlers: [], inlineScripts: 0, injected: 0, scriptLinks: [] },
    `no markup of the payloads on ${where}`,
  );
}

describe('markup in names and descriptions', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  let files: Awaited<ReturnType<typeof serveFiles>>;
  /** The names the wiki published. */
  const published: string[] = [];

  before(async () => {
    w = await startBrowserWiki({ groupPermissions: { sysop: { upload_by_url: true } } });
    files = await serveFiles({ '/evil.png': png(6, 6) });
    const r = await w.bot.upload({ filename: BOT_NAME, comment: DESCRIPTION, text: DESCRIPTION }, png(4, 4));
    assert.equal(r.json.upload?.result, 'Success', r.text);
    published.push(r.json.upload.filename);
  });
  after(async () => {
    await files?.close();
    await w?.close();
  });

  it('stays text on the warning page and the file page (the form, JavaScript on)', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      // Copying from a URL stays the form's own, with the script running in the page.
      await page.getByLabel('Source URL:').fill(`${files.origin}/evil.png`);
      await page.locator('#wpSourceTypeurl').check();
      await page.getByLabel('Destination filename:').fill(TAG_NAME);
      await page.getByLabel('Summary:').fill(DESCRIPTION);
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Upload file' }).click(),
      ]);
      await page.getByRole('heading', { name: 'Upload warning' }).waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /Filename has been changed to/);
      assert.equal(await page.getByLabel('Summary:').inputValue(), DESCRIPTION);
      await assertInert(page, 'the warning page');

      await Promise.all([
        page.waitForURL(/\/wiki\/File:/),
        page.getByRole('button', { name: 'Ignore warning and save file anyway' }).click(),
      ]);
      const name = decodeURIComponent(new URL(page.url()).pathname.slice('/wiki/File:'.length));
      assert.equal((await fileVersions(w.bot, name)).length, 1);
      published.push(name);
      assert.ok(
        (await page.locator('#mw-imagepage-content').textContent())?.includes('<script>window.xssRan=4'),
      );
      await assertInert(page, 'the file page');
    });
  });

  it('stays text in the uploader’s row and on the file page it links to', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
      await page.goto(`${w.s.origin}/wiki/Special:Upload`);
      await page.locator('.mwup-drop').waitFor();
      await page.getByLabel('Summary:').fill(DESCRIPTION);
      for (const name of [`Row ${TAG_NAME}`, QUOTE_NAME]) {
        await page.locator('#wpUploadFile').setInputFiles({ name, mimeType: 'image/png', buffer: png(5, 7) });
        const row = fileRow(page, name);
        await row.waitFor();
        assert.equal(await row.getByLabel(`Destination file name for ${name}`).inputValue(), name);
        // The changed name is a warning; the quoted one is a valid title and is published at once.
        if (name !== QUOTE_NAME) {
          await row.getByRole('button', { name: `Upload anyway: ${name}` }).waitFor();
          assert.match((await row.locator('.mwup-warnings').textContent()) ?? '', /changed/i);
          await assertInert(page, 'the row with a warning');
          await row.getByRole('button', { name: `Upload anyway: ${name}` }).click();
        }
        const link = row.getByRole('link', { name: /^File:/ });
        await link.waitFor();
        await assertInert(page, 'the finished row');
        const title = decodeURIComponent((await link.getAttribute('href'))!.slice('/wiki/File:'.length));
        assert.equal((await fileVersions(w.bot, title)).length, 1, title);
        published.push(title);
      }
      assert.ok(published.includes(QUOTE_NAME.replace(/ /g, '_')), JSON.stringify(published));
      await page.getByRole('link', { name: `File:${QUOTE_NAME}` }).click();
      await page.getByRole('heading', { name: `File:${QUOTE_NAME}`, level: 1 }).waitFor();
      await assertInert(page, 'the file page of the quoted name');
    });
  });

  it('stays text in the lists and the log', async () => {
    await inContext(w.browser, {}, async ({ page }) => {
      for (const path of [
        '/wiki/Special:ListFiles',
        '/wiki/Special:ListFiles?sort=img_name&asc=1&user=CheckBot',
        '/wiki/Special:NewFiles',
        '/wiki/Special:Log/upload',
        '/wiki/Special:Log',
      ]) {
        await page.goto(`${w.s.origin}${path}`);
        const text = (await page.locator('main').textContent()) ?? '';
        assert.ok(text.includes(BOT_NAME), `${path} shows the quoted name`);
        await assertInert(page, path);
      }
      for (const name of published) {
        await page.goto(`${w.s.origin}/wiki/File:${encodeURIComponent(name)}`);
        await page.getByRole('heading', { name: `File:${name.replace(/_/g, ' ')}`, level: 1 }).waitFor();
        await assertInert(page, `the file page of ${name}`);
      }
    });
  });
});
