/**
 * The wiki the browser tests use: a test server with Chromium, and an API client (a bot) that checks
 * through the API what the pages did; files on disk and a small file server for URL uploads.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Config, DeepPartial } from '../../src/config.js';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { launchBrowser } from './harness.js';

/** The administrator every test server has. */
export const ADMIN = { name: 'Admin', password: 'admin-password-123' } as const;

export interface BrowserWiki {
  s: TestServer;
  browser: Browser;
  /** An API client of a bot (bot group, upload grants). */
  bot: TestClient;
  /** A directory for files to choose in the browser. */
  dir: string;
  /** Writes `data` to `<dir>/<name>` and returns its path. */
  file(name: string, data: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowserWiki(overrides?: DeepPartial<Config>): Promise<BrowserWiki> {
  const s = await startTestServer(overrides);
  const dir = await mkdtemp(join(tmpdir(), 'mwup-browser-'));
  try {
    const b = await createBot(s, 'CheckBot', { groups: ['bot'] });
    const bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
    const browser = await launchBrowser();
    let n = 0;
    return {
      s,
      browser,
      bot,
      dir,
      async file(name, data) {
        // A directory per file: the same name may be written twice with different bytes.
        const sub = join(dir, String(++n));
        await mkdir(sub);
        await writeFile(join(sub, name), data);
        return join(sub, name);
      },
      async close() {
        await browser.close();
        await s.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await s.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

export interface Version {
  sha1: string;
  size: number;
  user: string;
  comment: string;
}

/** Every version of `File:<name>`, newest first, from prop=imageinfo; [] when there is no file. */
export async function fileVersions(bot: TestClient, name: string): Promise<Version[]> {
  const r = await bot.get({
    action: 'query',
    titles: `File:${name}`,
    prop: 'imageinfo',
    iiprop: 'sha1|size|user|comment',
    iilimit: 'max',
    formatversion: 2,
  });
  assert.equal(r.status, 200, r.text);
  const page = r.json.query.pages[0];
  return (page.imageinfo ?? []) as Version[];
}

/** The uploads of the log (list=logevents), newest first: title, action and user. */
export async function uploadLog(bot: TestClient): Promise<{ title: string; action: string; user: string }[]> {
  const r = await bot.get({
    action: 'query',
    list: 'logevents',
    letype: 'upload',
    lelimit: 'max',
    formatversion: 2,
  });
  return r.json.query.logevents;
}

/** An HTTP server on loopback answering `path` with its bytes (for uploads by URL). */
export async function serveFiles(
  files: Record<string, Uint8Array>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const data = files[req.url ?? ''];
    if (data) res.writeHead(200, { 'content-type': 'image/png' }).end(data);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
