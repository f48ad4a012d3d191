/**
 * pywikibot 11.7.0's own tests (kept unchanged in pywikibot-tests/, see its README) against this
 * server: every test of the chosen modules that passes against MediaWiki 1.39 (the reference wiki,
 * configured as `../shared/refwiki`) passes here too, except those of modules this server does not
 * have (listed with the reason in pywikibot-tests/not-implemented-here.json).
 * The server is set up as the reference wiki: the same accounts, rights and bot passwords.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { createAccount, createBotPassword, startTestServer, type TestServer } from '../helpers/server.js';
import { writePywikibotConfig } from './pywikibot/config.js';
import { findPython } from './pywikibot/find-python.js';

const run = promisify(execFile);
const python = findPython();
const SUITE = join(import.meta.dirname, 'pywikibot-tests');

/** The modules run: what pywikibot tests of the API surface, the site, login, pages and generators. */
const MODULES = [
  'api_tests',
  'paraminfo_tests',
  'siteinfo_tests',
  'token_tests',
  'login_tests',
  'basesite_tests',
  'site_tests',
  'site_generators_tests',
  'site_login_logout_tests',
  'page_tests',
  'user_tests',
  'uploadbot_tests',
  // Left out: upload_tests, file_tests and most of edit_tests are bound to test.wikipedia.org or
  // Commons (they need the internet); the rest of pywikibot's tests are about scripts or other sites.
];

const GRANTS = 'basic,highvolume,editpage,createeditmovepage,uploadfile,uploadeditmovefile,delete'.split(',');

describe("pywikibot's own tests", {
  skip: python === null && 'pywikibot is not installed (set MWUP_PYWIKIBOT_PYTHON)',
}, () => {
  let s: TestServer;
  let dir: string;
  before(async () => {
    s = await startTestServer({
      siteName: 'RefWiki',
      uploads: {
        fileExtensions: ['png', 'gif', 'jpg', 'jpeg', 'webp', 'pdf', 'svg', 'txt', 'bin', 'ogg', 'webm'],
      },
      groupPermissions: { user: { upload_by_url: true } },
    });
    await createAccount(s, { name: 'UploadBot', password: 'UploadBotPass-2026!', groups: ['bot'] });
    await createAccount(s, { name: 'Plainuser', password: 'PlainuserPass-2026!' });
    const bot = await createBotPassword(s, { user: 'UploadBot', appId: 'bot', grants: GRANTS });
    await createBotPassword(s, { user: 'Admin', appId: 'bot', grants: GRANTS });
    await createBotPassword(s, { user: 'Plainuser', appId: 'bot', grants: ['basic', 'editpage'] });
    // The bot has uploaded files (its log events are what user_tests reads), as on the reference wiki.
    const client = new TestClient(s.api);
    await client.login('UploadBot@bot', bot.password);
    for (const [i, data] of [png(5, 5), png(6, 6)].entries()) {
      const up = await client.upload({ filename: `Pwb suite ${i}.png`, ignorewarnings: 1 }, data);
      assert.equal(up.json.upload?.result, 'Success', up.text);
    }
    // The suite writes its API cache beside itself: run a copy.
    dir = await mkdtemp(join(tmpdir(), 'mwup-pwb-suite-'));
    await cp(SUITE, join(dir, 'suite'), { recursive: true });
    await writePywikibotConfig(dir, {
      api: s.api,
      family: 'tw',
      user: 'UploadBot',
      botName: 'bot',
      botPassword: bot.password,
    });
  });
  after(async () => {
    await s?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pass here as they pass on MediaWiki 1.39', async () => {
    const { stdout } = await run(
      python!,
      [join(dir, 'suite', 'run_ids.py'), ...MODULES.map((m) => `tests.${m}`)],
      {
        cwd: join(dir, 'suite'),
        env: {
          ...process.env,
          PYWIKIBOT_DIR: dir,
          PYWIKIBOT_TEST_LOGOUT: '1',
          PYTHONPATH: join(dir, 'suite'),
        },
        timeout: 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const outcomes = new Map<string, string>();
    for (const line of stdout.trim().split('\n')) {
      const o = JSON.parse(line) as { id: string; outcome: string };
      outcomes.set(o.id, o.outcome);
    }
    const expected = JSON.parse(await readFile(join(SUITE, 'passes-on-mediawiki-1.39.json'), 'utf8')) as {
      passing: string[];
    };
    // Tests of modules this server does not have (pywikibot-tests/not-implemented-here.json).
    const notHere = JSON.parse(await readFile(join(SUITE, 'not-implemented-here.json'), 'utf8')) as {
      modules: Record<string, { reason: string; tests: string[] }>;
    };
    const excused = new Set(Object.values(notHere.modules).flatMap((m) => m.tests));
    const failing = expected.passing
      .filter((id) => !excused.has(id) && outcomes.get(id) !== 'ok')
      .map((id) => `${id}: ${outcomes.get(id) ?? 'did not run'}`);
    assert.deepEqual(failing, [], failing.join('\n\n'));
    // What pywikibot checks of the modules we have must not shrink to nothing unnoticed.
    const passed = expected.passing.filter((id) => outcomes.get(id) === 'ok').length;
    assert.equal(passed, expected.passing.length - excused.size, 'every test not excused passes');
    assert.ok(passed >= 144, `${passed} of pywikibot's tests pass`);
  });
});
