/**
 * axe-core (WCAG 2.1 A and AA) on every kind of page, in light and dark colours and on a phone's
 * 375 px wide screen (where no page may scroll sideways): the login page, Special:Upload with the
 * uploader (also with a file's row showing a warning) and as it is without JavaScript, the warning
 * page, a file page with its history, Special:ListFiles, Special:NewFiles and Special:Log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { png } from '../helpers/files.js';
import {
  accessibilityProblems,
  inContext,
  logIn,
  scrollsSideways,
  skipWithoutBrowser,
  withoutPageScripts,
} from './harness.js';
import { fileRow } from './uploads.js';
import { ADMIN, type BrowserWiki, startBrowserWiki } from './wiki.js';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const LONG_NAME = 'Portrait_with_a_rather_long_name_without_spaces_that_has_to_wrap_on_small_screens.png';

const MODES: { name: string; options: BrowserContextOptions }[] = [
  { name: 'light', options: { colorScheme: 'light' } },
  { name: 'dark', options: { colorScheme: 'dark' } },
  { name: 'a phone, light', options: { ...PHONE, colorScheme: 'light' } },
  { name: 'a phone, dark', options: { ...PHONE, colorScheme: 'dark' } },
];

describe('accessibility of the pages', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  before(async () => {
    w = await startBrowserWiki();
    const uploads: [string, Buffer, string][] = [
      ['Landscape.png', png(64, 48), 'A wide view'],
      ['Landscape.png', png(48, 64), 'Turned upright'],
      [LONG_NAME, png(20, 30), 'Tall'],
      ['Small.png', png(8, 8), 'Tiny'],
    ];
    for (const [filename, data, comment] of uploads) {
      const r = await w.bot.upload({ filename, comment, ignorewarnings: 1 }, data);
      assert.equal(r.json.upload?.result, 'Success', r.text);
    }
  });
  after(async () => {
    await w?.close();
  });

  for (const mode of MODES) {
    it(`has no serious or critical violations (${mode.name})`, async () => {
      const phone = mode.options.viewport?.width === 375;
      const found: string[] = [];
      const check = async (page: Page, what: string) => {
        for (const p of await accessibilityProblems(page)) found.push(`${what}: ${p}`);
        if (phone && (await scrollsSideways(page))) found.push(`${what}: scrolls sideways`);
      };

      await inContext(w.browser, mode.options, async ({ page }) => {
        await page.goto(`${w.s.origin}/wiki/Special:UserLogin`);
        await check(page, 'Special:UserLogin');
        await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
        await page.goto(`${w.s.origin}/wiki/Special:Upload`);
        await page.locator('.mwup-drop').waitFor();
        await check(page, 'Special:Upload');
        // A long name in a row (it wraps on a phone), and the row's warning and buttons.
        await page
          .locator('#wpUploadFile')
          .setInputFiles({ name: LONG_NAME, mimeType: 'image/png', buffer: png(10, 10) });
        await fileRow(page, LONG_NAME)
          .getByRole('button', { name: /Upload anyway/ })
          .waitFor();
        // A refused file: the row's error.
        await page
          .locator('#wpUploadFile')
          .setInputFiles({ name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n') });
        await fileRow(page, 'notes.csv').getByRole('alert').waitFor();
        await check(page, 'Special:Upload with a warning and an error in rows');
        for (const path of [
          '/wiki/File:Landscape.png',
          `/wiki/File:${LONG_NAME}`,
          '/wiki/Special:ListFiles',
          '/wiki/Special:NewFiles',
          '/wiki/Special:Log',
          '/wiki/Special:Log/upload',
        ]) {
          await page.goto(`${w.s.origin}${path}`);
          await check(page, path);
        }
      });

      // As without JavaScript: the plain form and its warning page.
      await inContext(w.browser, mode.options, async ({ page, context }) => {
        await withoutPageScripts(context);
        await logIn(page, w.s.origin, ADMIN.name, ADMIN.password);
        await page.goto(`${w.s.origin}/wiki/Special:Upload`);
        await check(page, 'Special:Upload without JavaScript');
        await page
          .locator('#wpUploadFile')
          .setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: png(9, 9) });
        await page.getByLabel('Destination filename:').fill('Small.png');
        await Promise.all([
          page.waitForEvent('load'),
          page.getByRole('button', { name: 'Upload file' }).click(),
        ]);
        await page.getByRole('heading', { name: 'Upload warning' }).waitFor();
        await check(page, 'the warning page');
      });
      assert.deepEqual(found, []);
    });
  }
});
