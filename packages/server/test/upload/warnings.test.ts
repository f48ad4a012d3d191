import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import {
  createBot,
  createBotPassword,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';

/** Warnings and refusals that need deletion, other users, rights or configuration. */
describe('upload warnings and refusals around deletion, rights and limits', () => {
  let s: TestServer;
  let bot: TestClient;
  let sysop: TestClient;
  before(async () => {
    s = await startTestServer({ uploads: { sizeWarning: 2000 } });
    const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
    const a = await createBotPassword(s, {
      user: 'Admin',
      appId: 'ops',
      grants: [...UPLOAD_GRANTS, 'delete'],
    });
    sysop = new TestClient(s.api);
    await sysop.login(a.lgname, a.password);
  });
  after(() => s.close());

  const del = async (c: TestClient, title: string) =>
    c.post({ action: 'delete', title, reason: 'test', token: await c.csrf() });

  it('reports was-deleted and duplicate-archive after a deletion (the name only to those who may see it)', async () => {
    const data = png(5, 5);
    const up = await bot.upload({ filename: 'Gone.png', ignorewarnings: 1 }, data);
    assert.equal(up.json.upload.result, 'Success');
    const d = await del(sysop, 'File:Gone.png');
    assert.equal(d.json.delete?.title, 'File:Gone.png', d.text);

    // Same name, other bytes: the name was deleted before.
    const again = await bot.upload({ filename: 'Gone.png' }, png(5, 5));
    assert.deepEqual(again.json.upload.warnings, { 'was-deleted': 'Gone.png' });
    // Other name, the deleted bytes: a bot (no deletedhistory) learns only that such a file was deleted.
    const dupBot = await bot.upload({ filename: 'Back.png' }, data);
    assert.deepEqual(dupBot.json.upload.warnings, { 'duplicate-archive': '' });
    const dupSysop = await sysop.upload({ filename: 'Back.png' }, data);
    assert.deepEqual(dupSysop.json.upload.warnings, { 'duplicate-archive': 'Gone.png' });
  });

  it("refuses to overwrite another user's file without the reupload right (fileexists-forbidden)", async () => {
    const own = await createBot(s, 'OwnOnly', {
      grants: ['basic', 'editpage', 'createeditmovepage', 'uploadfile'],
    });
    const c = new TestClient(s.api);
    await c.login(own.lgname, own.password);
    const theirs = await bot.upload({ filename: 'Theirs.png', ignorewarnings: 1 }, png(4, 4));
    assert.equal(theirs.json.upload?.result, 'Success', theirs.text);
    const r = await c.upload({ filename: 'Theirs.png', ignorewarnings: 1 }, png(4, 4));
    assert.equal(r.json.error.code, 'fileexists-forbidden');
    assert.match(r.json.error.filekey, /\.png$/, 'the file is kept in the stash for another name');
    // MediaWiki gives reupload-own to no group by default, so not even their own file.
    const first = await c.upload({ filename: 'Mine.png', ignorewarnings: 1 }, png(4, 4));
    assert.equal(first.json.upload?.result, 'Success', first.text);
    const mine = await c.upload({ filename: 'Mine.png', ignorewarnings: 1 }, png(4, 4));
    assert.equal(mine.json.error?.code, 'fileexists-forbidden', mine.text);
  });

  it('warns about a file over the size warning threshold (large-file)', async () => {
    const big = png(40, 40);
    assert.ok(big.length > 2000);
    const r = await bot.upload({ filename: 'Big one.png' }, big);
    assert.deepEqual(r.json.upload.warnings, { 'large-file': [2000, big.length] });
  });
});

describe('upload limits from configuration', () => {
  it('rate-limits users without noratelimit (ratelimited), not sysops', async () => {
    const s = await startTestServer({ uploads: { rateLimitPerMinute: 2 } });
    try {
      const u = await createBot(s, 'Limited');
      const c = new TestClient(s.api);
      await c.login(u.lgname, u.password);
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await c.upload({ filename: `Limited ${i}.png`, ignorewarnings: 1 }, png(4, 4));
        codes.push(r.json.upload?.result ?? r.json.error?.code ?? r.text);
      }
      assert.deepEqual(codes, ['Success', 'Success', 'ratelimited']);
      const b = await createBot(s, 'Fast', { groups: ['sysop'], grants: [...UPLOAD_GRANTS] });
      const fast = new TestClient(s.api);
      await fast.login(b.lgname, b.password);
      for (let i = 0; i < 3; i++) {
        const r = await fast.upload({ filename: `Fast ${i}.png`, ignorewarnings: 1 }, png(4, 4));
        assert.equal(r.json.upload?.result, 'Success', r.text);
      }
    } finally {
      await s.close();
    }
  });

  it('warns about an extension outside the list when the list is not strict (filetype-unwanted-type)', async () => {
    const s = await startTestServer({
      uploads: { strictFileExtensions: false, fileExtensions: ['png', 'gif'] },
    });
    try {
      const u = await createBot(s);
      const c = new TestClient(s.api);
      await c.login(u.lgname, u.password);
      const r = await c.upload({ filename: 'Notes.txt' }, Buffer.from('plain words\n'));
      assert.deepEqual(r.json.upload.warnings, { 'filetype-unwanted-type': ['txt', 'png, gif', 2] });
    } finally {
      await s.close();
    }
  });

  it('reads watchlistexpiry as MediaWiki does: relative or absolute, refusing garbage and the past', async () => {
    const s = await startTestServer({ watchlistExpiry: true });
    try {
      const u = await createBot(s);
      const c = new TestClient(s.api);
      await c.login(u.lgname, u.password);
      const bad = await c.upload(
        { filename: 'Exp.png', watchlistexpiry: 'soonish', ignorewarnings: 1 },
        png(4, 4),
      );
      assert.equal(bad.json.error?.code, 'badexpiry', bad.text);
      assert.equal(bad.json.error.info, 'Invalid value "soonish" for expiry parameter "watchlistexpiry".');
      const past = await c.upload(
        { filename: 'Exp.png', watchlistexpiry: '2001-01-01T00:00:00Z', ignorewarnings: 1 },
        png(4, 4),
      );
      assert.equal(past.json.error?.code, 'badexpiry-past', past.text);
      assert.equal(await s.server.services.files.current('Exp.png'), null);
      const ok = await c.upload(
        { filename: 'Exp.png', watchlistexpiry: '1 week', ignorewarnings: 1 },
        png(4, 4),
      );
      assert.equal(ok.json.upload?.result, 'Success', ok.text);
      const row = await s.server.db
        .selectFrom('watchlist')
        .selectAll()
        .where('title', '=', 'Exp.png')
        .executeTakeFirstOrThrow();
      const days = (Date.parse(String(row.expiry)) - Date.now()) / 86400000;
      assert.ok(days > 6.9 && days <= 7, `expiry ${row.expiry}`);
    } finally {
      await s.close();
    }
  });
});
