/**
 * The statements a small direct upload costs (`action=upload` with `file`, a new name,
 * `ignorewarnings`): the name is read once for the checks and once under its lock in the
 * publishing transaction, a new description page is written with its revision in two statements,
 * and the answer reads nothing the transaction wrote. And what those statements write and answer
 * is what separate ones did: ids in order, the page's latest revision, the log, the answer's
 * description of the page as it was before the upload.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWithBot, type TestServer } from '../helpers/server.js';
import { recordStatements, type StatementRecorder } from '../helpers/statements.js';

/**
 * The most statements a small new-file upload may run on SQLite: the session with its user,
 * groups and grants (1), the name's file, page and protections (1), the warnings' look-ups (2), and the transaction
 * (10: begin, the name again, file, page, revision, edit count, both log entries, recent change,
 * watchlist, commit). PostgreSQL adds the name's lock.
 */
const MAX_STATEMENTS = 14;

describe('the statements of a small direct upload', () => {
  let s: TestServer;
  let bot: TestClient;
  let postgres = false;
  let statements: StatementRecorder | undefined;
  before(async () => {
    statements = recordStatements();
    ({ s, bot } = await startWithBot());
    postgres = s.server.services.dialect === 'postgres';
    // Statements prepared, token fetched: what is counted is the upload alone.
    const warm = await bot.upload({ filename: 'Dq warm-up.png', ignorewarnings: 1 }, png(3, 3));
    assert.equal(warm.json.upload?.result, 'Success', warm.text);
  });
  after(async () => {
    statements?.stop();
    await s?.close();
  });

  const statementsOf = (fn: () => Promise<void>) => statements!.of(fn);

  it(`a new file costs at most ${MAX_STATEMENTS} statements, none of them a repeated read`, async () => {
    const statements = await statementsOf(async () => {
      const r = await bot.upload({ filename: 'Dq counted.png', ignorewarnings: 1 }, png(4, 4));
      assert.equal(r.json.upload?.result, 'Success', r.text);
      assert.equal(r.json.upload.filename, 'Dq_counted.png');
    });
    const all = statements.join('\n');
    const max = MAX_STATEMENTS + (postgres ? 1 : 0);
    assert.ok(statements.length <= max, `${statements.length} statements, at most ${max}:\n${all}`);

    const begin = statements.findIndex((q) => /^begin\b/i.test(q));
    const commit = statements.findIndex((q) => /^commit\b/i.test(q));
    assert.ok(begin > 0 && commit > begin, `one transaction:\n${all}`);
    // The current version of the name, alone or with its page.
    const readsName = (q: string) =>
      /^select\b/.test(q) && /"images"\."name" = |from "images" where "name" = /.test(q);
    const readsPage = (q: string) => /^select\b/.test(q) && /"pages"/.test(q);
    const checks = statements.slice(0, begin);
    const inTransaction = statements.slice(begin, commit);
    assert.equal(checks.filter(readsName).length, 1, `the checks read the name once:\n${all}`);
    assert.equal(checks.filter(readsPage).length, 1, `the checks read the page once:\n${all}`);
    assert.equal(inTransaction.filter(readsName).length, 1, `the transaction reads it once:\n${all}`);
    assert.equal(inTransaction.filter(readsPage).length, 1, `the transaction reads the page once:\n${all}`);
    assert.deepEqual(
      inTransaction.filter((q) => /^update "pages"/.test(q)),
      [],
      `the new page is written with its latest revision:\n${all}`,
    );
    assert.deepEqual(statements.slice(commit + 1), [], `nothing is read after the commit:\n${all}`);
  });

  it('writes the page, its revision and the log entries as separate statements did', async () => {
    const first = await bot.upload(
      { filename: 'Dq ids one.png', ignorewarnings: 1, text: 'first [[File:Dq warm-up.png]]' },
      png(5, 5),
    );
    assert.equal(first.json.upload?.result, 'Success', first.text);
    // A page edit takes the next revision id as usual, after the one the upload's page took.
    const token = await bot.csrf();
    const edit = await bot.post({ action: 'edit', title: 'Dq edited page', text: 'edited', token });
    assert.equal(edit.json.edit?.result, 'Success', edit.text);
    const second = await bot.upload({ filename: 'Dq ids two.png', ignorewarnings: 1 }, png(6, 6));
    assert.equal(second.json.upload?.result, 'Success', second.text);

    const r = await bot.get({
      action: 'query',
      prop: 'info|revisions',
      rvprop: 'ids|content',
      rvslots: 'main',
      titles: 'File:Dq ids one.png|Dq edited page|File:Dq ids two.png',
      formatversion: 2,
    });
    const byTitle = new Map<string, { pageid: number; lastrevid: number; new: boolean; revisions: [] }>(
      r.json.query.pages.map((p: { title: string }) => [p.title, p]),
    );
    const revIds: number[] = [];
    for (const [title, content] of [
      ['File:Dq ids one.png', 'first [[File:Dq warm-up.png]]'],
      ['Dq edited page', 'edited'],
      ['File:Dq ids two.png', ''],
    ] as const) {
      const p = byTitle.get(title);
      assert.ok(p, `${title}: ${r.text}`);
      assert.equal(p.new, true, title);
      const revs = p.revisions as { revid: number; parentid: number; slots: { main: { content: string } } }[];
      assert.equal(revs.length, 1, title);
      assert.equal(revs[0]!.revid, p.lastrevid, `${title}: the page's latest revision is its revision`);
      assert.equal(revs[0]!.parentid, 0, title);
      assert.equal(revs[0]!.slots.main.content, content, title);
      revIds.push(p.lastrevid);
    }
    assert.ok(revIds[0]! < revIds[1]! && revIds[1]! < revIds[2]!, `revision ids in order: ${revIds}`);
    // The uploaded page's text links the file it names.
    const usage = await bot.get({ action: 'query', list: 'imageusage', iutitle: 'File:Dq warm-up.png' });
    assert.deepEqual(
      usage.json.query.imageusage.map((u: { title: string }) => u.title),
      ['File:Dq ids one.png'],
    );

    // MediaWiki's log of an upload that creates its page: upload/upload, then create/create.
    const log = await bot.get({
      action: 'query',
      list: 'logevents',
      letitle: 'File:Dq ids two.png',
      ledir: 'newer',
      formatversion: 2,
    });
    const entries = log.json.query.logevents as {
      logid: number;
      type: string;
      action: string;
      pageid: number;
    }[];
    assert.deepEqual(
      entries.map((e) => `${e.type}/${e.action}`),
      ['upload/upload', 'create/create'],
    );
    assert.ok(entries[0]!.logid < entries[1]!.logid);
    const pageTwo = byTitle.get('File:Dq ids two.png')!.pageid;
    assert.deepEqual(
      entries.map((e) => e.pageid),
      [pageTwo, pageTwo],
    );
    // Recent changes show the upload's entry (with its revision), not the page creation.
    const rc = await bot.get({
      action: 'query',
      list: 'recentchanges',
      rctitle: 'File:Dq ids two.png',
      rcprop: 'ids|loginfo',
      formatversion: 2,
    });
    const changes = rc.json.query.recentchanges as { logid: number; revid: number; logtype: string }[];
    assert.deepEqual(
      changes.map((c) => [c.logtype, c.logid, c.revid]),
      [['upload', entries[0]!.logid, byTitle.get('File:Dq ids two.png')!.lastrevid]],
    );
  });

  it("describes the page in the answer as it was before the upload (MediaWiki's imageinfo)", async () => {
    // A new page: no short URL, the thumbnail of the file.
    const fresh = await bot.upload({ filename: 'Dq answer.png', ignorewarnings: 1 }, png(7, 7));
    assert.equal(fresh.json.upload?.result, 'Success', fresh.text);
    assert.equal(fresh.json.upload.imageinfo.descriptionshorturl, undefined);
    assert.match(fresh.json.upload.imageinfo.html, /class="thumbimage"/);

    // A new version: the page existed (its id in the short URL).
    const again = await bot.upload({ filename: 'Dq answer.png', ignorewarnings: 1 }, png(8, 8));
    assert.equal(again.json.upload?.result, 'Success', again.text);
    const info = await bot.get({ action: 'query', titles: 'File:Dq answer.png', formatversion: 2 });
    const pageId = info.json.query.pages[0].pageid as number;
    assert.equal(again.json.upload.imageinfo.descriptionshorturl, `${s.origin}/w/index.php?curid=${pageId}`);
    assert.match(again.json.upload.imageinfo.html, /class="thumbimage"/);

    // A page written before its first file: MediaWiki looked the file up before it existed.
    const token = await bot.csrf();
    const edit = await bot.post({ action: 'edit', title: 'File:Dq page first.png', text: 'about', token });
    assert.equal(edit.json.edit?.result, 'Success', edit.text);
    const first = await bot.upload({ filename: 'Dq page first.png', ignorewarnings: 1 }, png(9, 9));
    assert.equal(first.json.upload?.result, 'Success', first.text);
    assert.deepEqual(first.json.upload.warnings, { 'page-exists': 'Dq_page_first.png' });
    assert.equal(
      first.json.upload.imageinfo.descriptionshorturl,
      `${s.origin}/w/index.php?curid=${edit.json.edit.pageid}`,
    );
    assert.match(first.json.upload.imageinfo.html, /style="width:182px;".*class="new"/s);
  });
});
