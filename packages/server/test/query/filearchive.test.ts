/** list=filearchive: deleted file versions, paged, filtered, with MediaWiki's rights and field types. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { startWiki, type Wiki } from './setup.js';

describe('list=filearchive', () => {
  let w: Wiki;
  const data = { a: png(5, 3), b: png(3, 5) };
  before(async () => {
    w = await startWiki();
    const admin = await w.admin();
    for (const [n, d] of [
      ['Fa a.png', data.a],
      ['Fa b.png', data.b],
    ] as const) {
      assert.equal(
        (await w.bot.upload({ filename: n, ignorewarnings: 1, comment: `about ${n}` }, d)).json.upload.result,
        'Success',
      );
      const del = await admin.post({
        action: 'delete',
        title: `File:${n}`,
        reason: 'gone',
        token: await admin.csrf(),
      });
      assert.ok(del.json.delete, del.text);
    }
  });
  after(() => w.s.close());

  it('lists deleted files by name with continuation, sizes and dimensions as strings like MediaWiki', async () => {
    const admin = await w.admin();
    const first = await admin.get({
      action: 'query',
      list: 'filearchive',
      falimit: 1,
      faprop: 'sha1|size|dimensions|description|user|mime',
      formatversion: 2,
    });
    const [a] = first.json.query.filearchive;
    assert.equal(a.name, 'Fa_a.png');
    assert.equal(a.title, 'File:Fa a.png');
    assert.equal(a.sha1, sha1(data.a));
    assert.equal(a.size, String(data.a.length));
    assert.deepEqual([a.width, a.height], ['5', '3']);
    assert.equal(a.description, 'about Fa a.png');
    assert.equal(a.user, 'UploadBot');
    assert.match(first.json.continue.facontinue, /^Fa_b\.png\|\d{14}\|\d+$/);
    const second = await admin.get({
      action: 'query',
      list: 'filearchive',
      falimit: 1,
      ...first.json.continue,
      formatversion: 2,
    });
    assert.deepEqual(
      second.json.query.filearchive.map((f: { name: string }) => f.name),
      ['Fa_b.png'],
    );
    const bySha = await admin.get({
      action: 'query',
      list: 'filearchive',
      fasha1: sha1(data.b),
      formatversion: 2,
    });
    assert.deepEqual(
      bySha.json.query.filearchive.map((f: { name: string }) => f.name),
      ['Fa_b.png'],
    );
  });

  it('lists names to anyone, descriptions only to those with deletedhistory', async () => {
    const anon = new TestClient(w.s.api);
    const r = await anon.get({ action: 'query', list: 'filearchive', formatversion: 2 });
    assert.equal(r.json.query.filearchive.length, 2);
    const d = await anon.get({ action: 'query', list: 'filearchive', faprop: 'description' });
    assert.equal(d.json.error.code, 'permissiondenied');
    assert.equal(
      (await anon.get({ action: 'query', list: 'filearchive', fasha1: 'xyz' })).json.error.code,
      'invalidsha1hash',
    );
    assert.equal(
      (await anon.get({ action: 'query', list: 'filearchive', fasha1base36: 'xyz' })).json.error.code,
      'invalidsha1base36hash',
    );
  });
});
