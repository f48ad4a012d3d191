/**
 * The client's browser entry (`mwup/browser`, one bundled ES module) used from a plain
 * `<script type="module">` in Chromium: logs in with a bot password and uploads a Blob in chunks,
 * from a page of the wiki's own origin and from a page of another origin the wiki allows (CORS with
 * its preflight); an origin the wiki does not allow gets nothing published.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { pngOfSize } from '../helpers/files.js';
import { createBot } from '../helpers/server.js';
import { openPage, skipWithoutBrowser } from './harness.js';
import { type BrowserWiki, fileVersions, startBrowserWiki } from './wiki.js';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Uploader</title></head><body>
<script type="module">
import { MwClient } from './mwup.browser.js';
window.upload = async (api, username, password, filename, base64) => {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const client = new MwClient({ api, username, password });
  try {
    const r = await client.upload(new Blob([bytes], { type: 'image/png' }), {
      filename,
      chunkSize: 64 * 1024,
      comment: 'from a plain page',
    });
    return { result: r.result, sha1: r.imageinfo?.sha1 };
  } catch (e) {
    return { error: String(e?.code ?? e?.name), info: String(e?.message) };
  }
};
</script></body></html>`;

interface Outcome {
  result?: string;
  sha1?: string;
  error?: string;
  info?: string;
}

/** A page server of another origin: the page and the bundle, nothing else. */
async function startPageServer(bundle: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const js = req.url === '/page/mwup.browser.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(js ? bundle : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the client bundle in a plain page', { skip: skipWithoutBrowser }, () => {
  let w: BrowserWiki;
  let bot: { lgname: string; password: string };
  let bundle: string;
  let allowed: { origin: string; close: () => Promise<void> };
  let refused: { origin: string; close: () => Promise<void> };
  before(async () => {
    // The file the package's exports give browsers for `mwup/browser` (read from its package.json:
    // the test runner itself maps the name to the sources).
    const pkg = new URL('../../../client/package.json', import.meta.url);
    const { exports } = JSON.parse(await readFile(pkg, 'utf8')) as {
      exports: { './browser': { default: string } };
    };
    bundle = await readFile(fileURLToPath(new URL(exports['./browser'].default, pkg)), 'utf8');
    allowed = await startPageServer(bundle);
    refused = await startPageServer(bundle);
    w = await startBrowserWiki({ corsOrigins: [allowed.origin] });
    bot = await createBot(w.s, 'PageBot');
  });
  after(async () => {
    await w?.close();
    await allowed?.close();
    await refused?.close();
  });

  /** The page under `<origin>/page/`: the wiki's own origin has it served by the browser itself. */
  async function servePage(context: BrowserContext, origin: string): Promise<string> {
    if (origin === w.s.origin) {
      await context.route(`${origin}/page/**`, (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/page/mwup.browser.js')
          return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
        return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE });
      });
    }
    return `${origin}/page/index.html`;
  }

  async function uploadFrom(origin: string, name: string, data: Buffer): Promise<Outcome> {
    const context = await w.browser.newContext();
    try {
      const { page, problems } = await openPage(context);
      await page.goto(await servePage(context, origin));
      await page.waitForFunction(() => 'upload' in window);
      const out = (await page.evaluate(
        (args) => (window as unknown as { upload: (...a: string[]) => Promise<Outcome> }).upload(...args),
        [w.s.api, bot.lgname, bot.password, name, data.toString('base64')],
      )) as Outcome;
      if (out.result) assert.deepEqual(problems, [], 'no console errors');
      return out;
    } finally {
      await context.close();
    }
  }

  it('has no import left to resolve', () => {
    assert.doesNotMatch(bundle, /^\s*(import|export)\b[^;]*?\bfrom\s*["']/m);
    assert.doesNotMatch(bundle, /["']node:/);
  });

  for (const [label, origin] of [
    ['the wiki’s own origin', () => w.s.origin],
    ['another origin the wiki allows', () => allowed.origin],
  ] as const) {
    it(`logs in and uploads in chunks from ${label}`, async () => {
      const data = pngOfSize(200 * 1024);
      const name = `Bundle_${label.length}_${Date.now()}.png`;
      const out = await uploadFrom(origin(), name, data);
      const sha1 = createHash('sha1').update(data).digest('hex');
      assert.deepEqual(out, { result: 'Success', sha1 });
      const [v] = await fileVersions(w.bot, name);
      assert.equal(v?.sha1, sha1);
      assert.equal(v?.user, 'PageBot');
    });
  }

  it('publishes nothing for an origin the wiki does not allow', async () => {
    const name = `Bundle_refused_${Date.now()}.png`;
    const out = await uploadFrom(refused.origin, name, pngOfSize(10 * 1024));
    assert.equal(out.result, undefined, JSON.stringify(out));
    assert.ok(out.error, 'an error');
    assert.deepEqual(await fileVersions(w.bot, name), []);
  });
});
