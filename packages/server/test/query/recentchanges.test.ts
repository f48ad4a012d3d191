/**
 * list=recentchanges as MediaWiki 1.39 answers it: an upload is one `log` row carrying the revision
 * it made (no `new` row for its description page, no page-creation log row), edits are `new`/`edit`
 * rows with sizes and sha1, protections and deletions are log rows, and the filters, continuation,
 * flags and errors behave as on MediaWiki.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fillRecentChanges } from '../../src/db/migration-recent-changes.js';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { createBotPassword, UPLOAD_GRANTS } from '../helpers/server.js';
import { startWiki, type Wiki } from './setup.js';

type Row = Record<string, unknown>;

describe('list=recentchanges', () => {
  let w: Wiki;
  let admin: TestClient;
  const rc = async (q: Record<string, string | number>, c?: TestClient) =>
    (
      await (c ?? admin).get({
        action: 'query',
        list: 'recentchanges',
        formatversion: 2,
        rclimit: 50,
        ...q,
      })
    ).json;
  const rows = async (q: Record<string, string | number>) => (await rc(q)).query.recentchanges as Row[];
  const edit = async (title: string, text: string, extra: Record<string, string | number> = {}) => {
    const r = await admin.post({ action: 'edit', title, text, token: await admin.csrf(), ...extra });
    assert.equal(r.json.edit?.result, 'Success', r.text);
    return r.json.edit as { newrevid: number; oldrevid: number; pageid: number };
  };
  let uploadRev = 0;
  let overwriteRev = 0;
  let firstEdit: { newrevid: number; pageid: number };
  let secondEdit: { newrevid: number; oldrevid: number };

  before(async () => {
    w = await startWiki();
    admin = await w.admin();
    const up = await w.bot.upload(
      { filename: 'Changed.png', ignorewarnings: 1, comment: 'first' },
      png(3, 3),
    );
    assert.equal(up.json.upload.result, 'Success', up.text);
    const re = await w.bot.upload(
      { filename: 'Changed.png', ignorewarnings: 1, comment: 'second' },
      png(4, 4),
    );
    assert.equal(re.json.upload.result, 'Success', re.text);
    const revs = await admin.get({
      action: 'query',
      titles: 'File:Changed.png',
      prop: 'revisions',
      rvprop: 'ids',
      rvlimit: 10,
      formatversion: 2,
    });
    [overwriteRev, uploadRev] = (revs.json.query.pages[0].revisions as { revid: number }[]).map(
      (r) => r.revid,
    ) as [number, number];
    firstEdit = await edit('Notes', 'Hello');
    secondEdit = await edit('Notes', 'Hello, world', { minor: 1, summary: 'longer' });
  });
  after(() => w.s.close());

  it('shows an upload as one log row with the revision it made, not as a new page', async () => {
    const all = await rows({ rcprop: 'title|ids|loginfo|flags|user|sizes|comment', rcdir: 'newer' });
    const file = all.filter((r) => r.title === 'File:Changed.png');
    assert.deepEqual(
      file.map((r) => [r.type, r.logtype, r.logaction, r.revid, r.comment, r.bot, r.user]),
      [
        ['log', 'upload', 'upload', uploadRev, 'first', true, 'UploadBot'],
        ['log', 'upload', 'overwrite', overwriteRev, 'second', true, 'UploadBot'],
      ],
    );
    assert.deepEqual(Object.keys(file[0]!), [
      'type',
      'ns',
      'title',
      'pageid',
      'revid',
      'old_revid',
      'rcid',
      'user',
      'bot',
      'new',
      'minor',
      'oldlen',
      'newlen',
      'comment',
      'logid',
      'logtype',
      'logaction',
      'logparams',
    ]);
    assert.equal((file[0]!.logparams as Row).img_timestamp !== undefined, true);
    assert.equal(
      all.some((r) => r.logtype === 'create'),
      false,
    );
  });

  it('shows edits with their sizes, flags and sha1, newest first', async () => {
    const notes = await rows({ rctitle: 'Notes', rcprop: 'ids|flags|sizes|sha1|comment|timestamp' });
    assert.deepEqual(
      notes.map((r) => [r.type, r.revid, r.old_revid, r.oldlen, r.newlen, r.new, r.minor, r.bot, r.comment]),
      [
        ['edit', secondEdit.newrevid, secondEdit.oldrevid, 5, 12, false, true, false, 'longer'],
        ['new', firstEdit.newrevid, 0, 0, 5, true, false, false, 'Created page with "Hello"'],
      ],
    );
    assert.equal(notes[0]!.sha1, createHash('sha1').update('Hello, world').digest('hex'));
    // Only the page's latest revision with toponly.
    assert.deepEqual(
      (await rows({ rctitle: 'Notes', rctoponly: 1 })).map((r) => r.revid),
      [secondEdit.newrevid],
    );
  });

  it('filters by type, user, namespace and flags, and continues where it stopped', async () => {
    assert.deepEqual(new Set((await rows({ rctype: 'log' })).map((r) => r.type)), new Set(['log']));
    assert.equal((await rows({ rcuser: 'UploadBot' })).length, 2);
    assert.ok((await rows({ rcexcludeuser: 'UploadBot' })).every((r) => r.title !== 'File:Changed.png'));
    assert.deepEqual(new Set((await rows({ rcnamespace: 6 })).map((r) => r.ns)), new Set([6]));
    assert.equal((await rows({ rcshow: 'bot' })).length, 2);
    assert.ok((await rows({ rcshow: '!bot' })).every((r) => r.title !== 'File:Changed.png'));
    assert.equal((await rows({ rcshow: 'minor' })).length, 1);
    assert.equal((await rows({ rcshow: 'redirect' })).length, 0);

    const everything = (await rows({})).map((r) => r.rcid);
    const seen: unknown[] = [];
    let cont: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      const page = await rc({ rclimit: 1, ...cont });
      seen.push(...(page.query.recentchanges as Row[]).map((r) => r.rcid));
      if (!page.continue) break;
      cont = { rccontinue: page.continue.rccontinue };
    }
    assert.deepEqual(seen, everything);
    const newer = (await rows({ rcdir: 'newer' })).map((r) => r.rcid);
    assert.deepEqual(newer, [...everything].reverse());
  });

  it('shows protections and deletions, and a deleted page leaves only its log rows', async () => {
    const token = await admin.csrf();
    const p = await admin.post({ action: 'protect', title: 'Notes', protections: 'edit=sysop', token });
    assert.ok(p.json.protect, p.text);
    const d = await admin.post({ action: 'delete', title: 'Notes', reason: 'gone', token });
    assert.ok(d.json.delete, d.text);
    const notes = await rows({ rctitle: 'Notes', rcprop: 'loginfo|comment' });
    assert.deepEqual(
      notes.map((r) => [r.type, r.logtype, r.logaction]),
      [
        ['log', 'delete', 'delete'],
        ['log', 'protect', 'protect'],
      ],
    );
  });

  it('answers as formatversion 1 and as a generator', async () => {
    await edit('Second page', 'Text');
    const fv1 = await admin.get({
      action: 'query',
      list: 'recentchanges',
      rcprop: 'flags|title',
      rctitle: 'Second page',
    });
    assert.deepEqual(fv1.json.query.recentchanges, [{ type: 'new', ns: 0, title: 'Second page', new: '' }]);
    const gen = await admin.get({
      action: 'query',
      generator: 'recentchanges',
      grctype: 'new|log',
      grcnamespace: 0,
      grclimit: 1,
      formatversion: 2,
    });
    assert.deepEqual(
      gen.json.query.pages.map((p: Row) => p.title),
      ['Second page'],
      gen.text,
    );
    assert.ok(gen.json.continue.grccontinue);
  });

  it('refuses what MediaWiki refuses', async () => {
    const anon = new TestClient(w.s.api);
    const code = async (q: Record<string, string>, c?: TestClient) => (await rc(q, c)).error?.code;
    assert.equal(await code({ rcshow: 'minor|!minor' }), 'show');
    assert.equal(await code({ rcshow: 'patrolled|unpatrolled' }), 'show');
    assert.equal(await code({ rcshow: 'patrolled' }, anon), 'permissiondenied');
    assert.equal(await code({ rcprop: 'patrolled' }, anon), 'permissiondenied');
    assert.equal(await code({ rcuser: 'A', rcexcludeuser: 'B' }), 'invalidparammix');
    assert.equal(await code({ rctitle: '[[' }), 'invalidtitle');
    assert.equal(await code({ rccontinue: 'abc' }), 'badcontinue');
    assert.equal(await code({ rcstart: 'yesterday' }), 'badtimestamp');
    // Those who see patrol marks get them: the bot's upload was patrolled from the start.
    const bp = await createBotPassword(w.s, {
      user: 'Admin',
      appId: 'patrol',
      grants: [...UPLOAD_GRANTS, 'patrol'],
    });
    const patroller = new TestClient(w.s.api);
    await patroller.login(bp.lgname, bp.password);
    const answer = await rc({ rcprop: 'patrolled|title', rcuser: 'UploadBot' }, patroller);
    assert.ok(answer.query, JSON.stringify(answer));
    const marked = answer.query.recentchanges as Row[];
    assert.deepEqual(
      marked.map((r) => [r.patrolled, r.unpatrolled, r.autopatrolled]),
      [
        [true, false, true],
        [true, false, true],
      ],
    );
  });

  it('fills the same rows from the log and the revisions when a wiki from before recent changes upgrades', async () => {
    const everything = {
      rcprop: 'title|ids|user|userid|flags|sizes|timestamp|comment|loginfo|sha1',
      rcdir: 'newer',
    };
    // Within one second the log and the revisions cannot tell which came first: compare by time.
    const withoutRcid = (list: Row[]) =>
      list
        .map(({ rcid: _, ...r }) => r)
        .sort((a, b) =>
          `${a.timestamp}${JSON.stringify(a)}`.localeCompare(`${b.timestamp}${JSON.stringify(b)}`),
        );
    const live = await rows(everything);
    assert.ok(live.length >= 4, JSON.stringify(live));
    await w.s.server.db.deleteFrom('recent_changes').execute();
    assert.equal((await rows(everything)).length, 0);
    await fillRecentChanges(w.s.server.db);
    assert.deepEqual(withoutRcid(await rows(everything)), withoutRcid(live));
  });
});
