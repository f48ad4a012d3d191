/**
 * pywikibot 11, unchanged, uploads to the server: direct, chunked, chunked with asynchronous=True,
 * from a URL, and a re-upload with ignore_warnings (with the Python `findPython` finds).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { png, sha1 } from '../helpers/files.js';
import {
  createAccount,
  createBotPassword,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';
import { writePywikibotConfig } from './pywikibot/config.js';
import { findPython } from './pywikibot/find-python.js';

const run = promisify(execFile);

const python = findPython();

describe('pywikibot uploads unchanged', {
  skip: python === null && 'pywikibot is not installed (set MWUP_PYWIKIBOT_PYTHON)',
}, () => {
  let s: TestServer;
  let dir: string;
  before(async () => {
    s = await startTestServer({
      uploads: { fileExtensions: ['png'], asyncUploads: true },
      copyUploads: { enabled: true, allowAddresses: ['127.0.0.0/8', '::1/128'] },
      groupPermissions: { user: { upload_by_url: true } },
    });
    await createAccount(s, { name: 'PwbBot', password: 'PwbBot-main-password-1', groups: ['bot'] });
    const bp = await createBotPassword(s, { user: 'PwbBot', appId: 'pwb', grants: UPLOAD_GRANTS });
    dir = await mkdtemp(join(tmpdir(), 'mwup-pwb-'));
    await writePywikibotConfig(dir, {
      api: s.api,
      family: 'mwup',
      user: 'PwbBot',
      botName: 'pwb',
      botPassword: bp.password,
    });
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const upload = async (mode: string, data: Buffer | null, title: string, url?: string) => {
    const file = join(dir, `${mode}.png`);
    if (data) await writeFile(file, data);
    const { stdout } = await run(
      python!,
      [join(import.meta.dirname, 'pywikibot', 'upload.py'), mode, file, title, ...(url ? [url] : [])],
      { env: { ...process.env, PYWIKIBOT_DIR: dir }, timeout: 120_000 },
    );
    const last = stdout.trim().split('\n').pop()!;
    return JSON.parse(last) as { ok: boolean; sha1: string | null; error: string | null };
  };

  it('direct upload', async () => {
    const data = png(11, 7);
    const r = await upload('direct', data, 'File:Pwb direct.png');
    assert.deepEqual(r, { ok: true, sha1: sha1(data), error: null });
  });

  it('a re-upload over an existing file with ignore_warnings', async () => {
    const data = png(7, 11);
    const r = await upload('reupload', data, 'File:Pwb direct.png');
    assert.deepEqual(r, { ok: true, sha1: sha1(data), error: null });
  });

  it('chunked upload', async () => {
    const data = Buffer.concat([png(12, 12), Buffer.alloc(200_000, 3)]);
    const r = await upload('chunked', data, 'File:Pwb chunked.png');
    assert.deepEqual(r, { ok: true, sha1: sha1(data), error: null });
  });

  it('chunked upload with asynchronous=True', async () => {
    const data = Buffer.concat([png(13, 13), Buffer.alloc(150_000, 4)]);
    const r = await upload('async', data, 'File:Pwb async.png');
    assert.deepEqual(r, { ok: true, sha1: sha1(data), error: null });
  });

  it('upload from a URL', async () => {
    const data = png(14, 14);
    const src = await upload('direct', data, 'File:Pwb url source.png');
    assert.equal(src.ok, true);
    const info = await (
      await fetch(
        `${s.api}?action=query&titles=File:Pwb_url_source.png&prop=imageinfo&iiprop=url&format=json&formatversion=2`,
      )
    ).json();
    const url = info.query.pages[0].imageinfo[0].url as string;
    const r = await upload('url', null, 'File:Pwb from url.png', url);
    assert.deepEqual(r, { ok: true, sha1: sha1(data), error: null });
  });
});
