/**
 * Takes the README's screenshots of the web interface (docs/screenshots/*.png) in Chromium, on a
 * fresh test wiki with a few pictures: `npm run build && node --import tsx scripts/screenshots.ts`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { CHROMIUM, launchBrowser, logIn } from '../packages/server/test/browser/harness.js';
import { fileRow, watchUploads } from '../packages/server/test/browser/uploads.js';
import { TestClient } from '../packages/server/test/helpers/client.js';
import { pngChunk } from '../packages/server/test/helpers/files.js';
import { createBot, startTestServer } from '../packages/server/test/helpers/server.js';
import { waitFor } from '../packages/server/test/helpers/wait.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const ADMIN = { name: 'Admin', password: 'admin-password-123' };
const MiB = 1024 * 1024;

if (!CHROMIUM) throw new Error('No Chromium found (apt-get install chromium, or set MWUP_CHROMIUM).');
if (!existsSync(join(ROOT, 'packages/server/dist/web-assets/uploader.js')))
  throw new Error('Build first: npm run build');

/** A landscape picture: a sky from `top` to `bottom`, a sun, hills and water. */
function landscape(top: string, bottom: string, sun: string, width = 640, height = 420): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#sky)"/>
<circle cx="${width * 0.68}" cy="${height * 0.5}" r="${height * 0.12}" fill="${sun}"/>
<path d="M0 ${height * 0.62} Q ${width * 0.25} ${height * 0.42} ${width * 0.5} ${height * 0.6} T ${width} ${height * 0.55} V ${height} H 0 Z" fill="#2f4f3a"/>
<rect y="${height * 0.72}" width="100%" height="${height * 0.28}" fill="#24476b" opacity="0.9"/>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A PNG of about `size` bytes: a picture and a private chunk of padding (for a long upload). */
async function largePng(size: number): Promise<Buffer> {
  const base = await landscape('#0b1d3a', '#f28c38', '#ffd86b');
  const iend = base.subarray(base.length - 12);
  const padding = pngChunk('prVt', Buffer.alloc(size - base.length - 12, 7));
  return Buffer.concat([base.subarray(0, base.length - 12), padding, iend]);
}

/** Waits until the pictures in view have loaded (thumbnails are rendered when first asked for). */
async function picturesShown(page: Page): Promise<void> {
  await waitFor(
    () =>
      page.evaluate(() =>
        [...document.images]
          .filter((i) => i.getBoundingClientRect().top < window.innerHeight)
          .every((i) => i.complete && i.naturalWidth > 0),
      ),
    'the pictures are shown',
  );
}

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await picturesShown(page);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage, animations: 'disabled' });
  console.log(`docs/screenshots/${name}.png`);
}

/** A screenshot of the page from the top of `from` to the bottom of `to`. */
async function shootRegion(page: Page, name: string, from: string, to: string): Promise<void> {
  await picturesShown(page);
  const [top, bottom] = await page.evaluate(
    ([a, b]) => [
      document.querySelector(a!)!.getBoundingClientRect().top + window.scrollY - 16,
      document.querySelector(b!)!.getBoundingClientRect().bottom + window.scrollY + 16,
    ],
    [from, to],
  );
  const width = page.viewportSize()!.width;
  await page.screenshot({
    path: join(OUT, `${name}.png`),
    fullPage: true,
    clip: { x: 0, y: top!, width, height: bottom! - top! },
    animations: 'disabled',
  });
  console.log(`docs/screenshots/${name}.png`);
}

const s = await startTestServer({ siteName: 'Example Wiki' });
const dir = await mkdtemp(join(tmpdir(), 'mwup-screenshots-'));
const browser = await launchBrowser();
try {
  await mkdir(OUT, { recursive: true });
  const clients: Record<string, TestClient> = {};
  for (const name of ['Alice', 'Bob']) {
    const b = await createBot(s, name);
    clients[name] = new TestClient(s.api);
    await clients[name].login(b.lgname, b.password);
  }
  const uploads: [string, string, Buffer, string][] = [
    ['Alice', 'Harbour at dusk.png', await landscape('#1d2b53', '#f6a15b', '#ffe08a'), 'The harbour at dusk'],
    [
      'Bob',
      'Mountain lake.png',
      await landscape('#5aa0e6', '#d8ecfa', '#fff7c2'),
      'Early morning at the lake',
    ],
    ['Alice', 'Old town square.png', await landscape('#7d5ba6', '#f3c1a5', '#ffd1dc'), 'Market day'],
    ['Bob', 'Lighthouse.png', await landscape('#0f3057', '#00587a', '#e7e7de'), 'The lighthouse at night'],
    ['Bob', 'Harbour at dusk.png', await landscape('#2b1d53', '#f67b5b', '#ffc26b'), 'Warmer colours'],
    ['Alice', 'Harbour at dusk.png', await landscape('#162447', '#e43f5a', '#ffd56b'), 'Cropped the pier'],
  ];
  for (const [user, filename, data, comment] of uploads) {
    const r = await clients[user]!.upload({ filename, comment, text: comment, ignorewarnings: 1 }, data);
    if (r.json.upload?.result !== 'Success') throw new Error(r.text);
  }

  const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  const page = await context.newPage();
  await logIn(page, s.origin, ADMIN.name, ADMIN.password);

  // The uploader mid-upload: one file published, one with a warning, a large one under way.
  await page.goto(`${s.origin}/wiki/Special:Upload`);
  await page.locator('.mwup-drop').waitFor();
  const requests = await watchUploads(page);
  requests.hold((u) => Number(u.fields.offset) >= 10 * MiB);
  const large = join(dir, 'Night sky over the bay.png');
  await writeFile(large, await largePng(24 * MiB));
  await page.getByLabel('Summary:').fill('Photos from the summer trip');
  await page.locator('#wpUploadFile').setInputFiles([
    {
      name: 'Beach huts.png',
      mimeType: 'image/png',
      buffer: await landscape('#4fc3f7', '#e1f5fe', '#fff59d'),
    },
    {
      name: 'Lighthouse.png',
      mimeType: 'image/png',
      buffer: await landscape('#102a43', '#486581', '#f0f4f8'),
    },
  ]);
  await page.locator('#wpUploadFile').setInputFiles(large);
  await fileRow(page, 'Beach huts.png').getByRole('link').waitFor();
  await fileRow(page, 'Lighthouse.png')
    .getByRole('button', { name: /Upload anyway/ })
    .waitFor();
  await waitFor(() => requests.held > 0, 'the large file is under way', 30_000);
  await page.locator('#wpUploadDescription').blur();
  await shootRegion(page, 'uploader', '.mwup-drop', '.mwup-files');

  await page.goto(`${s.origin}/wiki/File:Harbour_at_dusk.png`);
  await shoot(page, 'file-page', true);
  await page.goto(`${s.origin}/wiki/Special:ListFiles`);
  await shoot(page, 'list-files');
  await context.close();

  // The warning page, as without JavaScript.
  const plain = await browser.newContext({
    viewport: { width: 1000, height: 820 },
    javaScriptEnabled: false,
  });
  const p2 = await plain.newPage();
  await logIn(p2, s.origin, ADMIN.name, ADMIN.password);
  await p2.goto(`${s.origin}/wiki/Special:Upload`);
  await p2.locator('#wpUploadFile').setInputFiles({
    name: 'harbour.png',
    mimeType: 'image/png',
    buffer: await landscape('#0d1b2a', '#ee6c4d', '#ffd166'),
  });
  await p2.getByLabel('Destination filename:').fill('Harbour at dusk.png');
  await p2.getByLabel('Summary:').fill('Another evening');
  await Promise.all([p2.waitForEvent('load'), p2.getByRole('button', { name: 'Upload file' }).click()]);
  await shootRegion(p2, 'upload-warning', 'main h2', '#mw-upload-form');
  await plain.close();

  // A phone in dark mode.
  const phone = await browser.newContext({
    viewport: { width: 375, height: 760 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    colorScheme: 'dark',
  });
  const p3 = await phone.newPage();
  await p3.goto(`${s.origin}/wiki/File:Harbour_at_dusk.png`);
  await shoot(p3, 'file-page-phone-dark');
  await phone.close();
} finally {
  await browser.close();
  await s.close();
  await rm(dir, { recursive: true, force: true });
}
