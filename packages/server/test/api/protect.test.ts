/**
 * action=protect with upload protection: a protected file title refuses uploads from users below the
 * level with MediaWiki's recoverable protectedpage error; prop=info and the log show the protection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWiki, type Wiki } from '../query/setup.js';

describe('action=protect', () => {
  let w: Wiki;
  let admin: TestClient;
  before(async () => {
    w = await startWiki();
    admin = await w.admin();
    assert.equal(
      (await w.bot.upload({ filename: 'Guarded.png', ignorewarnings: 1 }, png(4, 4))).json.upload.result,
      'Success',
    );
  });
  after(() => w.s.close());

  const protect = async (q: Record<string, string | number>) =>
    (await admin.post({ action: 'protect', token: await admin.csrf(), formatversion: 2, ...q })).json;

  it('protects uploads of a file and refuses a re-upload below the level, keeping the file in the stash', async () => {
    const r = await protect({
      title: 'File:Guarded.png',
      protections: 'upload=sysop|edit=autoconfirmed',
      expiry: 'infinite|1 week',
    });
    assert.equal(r.protect.title, 'File:Guarded.png');
    assert.deepEqual(r.protect.protections[0], { upload: 'sysop', expiry: 'infinite' });
    assert.match(r.protect.protections[1].expiry, /^\d{4}-\d\d-\d\dT/);
    const info = await admin.get({
      action: 'query',
      titles: 'File:Guarded.png',
      prop: 'info',
      inprop: 'protection',
      formatversion: 2,
    });
    assert.deepEqual(
      info.json.query.pages[0].protection.map((p: Record<string, string>) => [p.type, p.level]),
      [
        ['edit', 'autoconfirmed'],
        ['upload', 'sysop'],
      ],
    );
    const up = await w.bot.upload({ filename: 'Guarded.png', ignorewarnings: 1 }, png(5, 5));
    assert.equal(up.json.error.code, 'protectedpage');
    assert.ok(up.json.error.filekey, 'the file is kept in the stash');
    const sysop = await admin.upload(
      { filename: 'Guarded.png', ignorewarnings: 1, token: await admin.csrf() },
      png(6, 6),
    );
    assert.equal(sysop.json.upload.result, 'Success');
  });

  it('unprotects with all, logs protect and unprotect, and lets uploads through again', async () => {
    const r = await protect({ title: 'File:Guarded.png', protections: 'upload=all|edit=all' });
    assert.deepEqual(r.protect.protections, [
      { upload: '', expiry: 'infinite' },
      { edit: '', expiry: 'infinite' },
    ]);
    const log = await admin.get({
      action: 'query',
      list: 'logevents',
      letype: 'protect',
      letitle: 'File:Guarded.png',
      formatversion: 2,
    });
    assert.deepEqual(
      log.json.query.logevents.map((e: { action: string }) => e.action),
      ['unprotect', 'protect'],
    );
    const up = await w.bot.upload({ filename: 'Guarded.png', ignorewarnings: 1 }, png(7, 7));
    assert.equal(up.json.upload.result, 'Success');
  });

  it('protects missing titles only against creation, and refuses what MediaWiki refuses', async () => {
    assert.equal(
      (await protect({ title: 'File:Future.png', protections: 'create=sysop' })).protect.protections[0]
        .create,
      'sysop',
    );
    const up = await w.bot.upload({ filename: 'Future.png', ignorewarnings: 1 }, png(8, 8));
    assert.equal(up.json.error.code, 'protectedpage');
    const codes = async (q: Record<string, string>) => (await protect(q)).error.code;
    assert.equal(
      await codes({ title: 'File:Future2.png', protections: 'upload=sysop' }),
      'missingtitle-createonly',
    );
    assert.equal(
      await codes({ title: 'File:Guarded.png', protections: 'create=sysop' }),
      'create-titleexists',
    );
    assert.equal(
      await codes({ title: 'File:Guarded.png', protections: 'bogus=sysop' }),
      'protect-invalidaction',
    );
    assert.equal(
      await codes({ title: 'File:Guarded.png', protections: 'upload=nope' }),
      'protect-invalidlevel',
    );
    assert.equal(
      await codes({
        title: 'File:Guarded.png',
        protections: 'edit=sysop|move=sysop',
        expiry: '1 week|2 weeks|3 weeks',
      }),
      'toofewexpiries',
    );
    assert.equal(
      await codes({ title: 'File:Guarded.png', protections: 'edit=sysop', expiry: 'garbage' }),
      'invalidexpiry',
    );
    assert.equal(
      await codes({ title: 'File:Guarded.png', protections: 'edit=sysop', expiry: '2001-01-01T00:00:00Z' }),
      'pastexpiry',
    );
    assert.equal(await codes({ protections: 'edit=sysop' }), 'invalidparammix');
    assert.equal(await codes({ pageid: '999999', protections: 'edit=sysop' }), 'nosuchpageid');
    const bot = await w.bot.post({
      action: 'protect',
      title: 'File:Guarded.png',
      protections: 'edit=sysop',
      token: await w.bot.csrf(),
    });
    assert.equal(bot.json.error.code, 'permissiondenied');
  });

  it('lets list=allpages filter by protection type, level and expiry, as MediaWiki does', async () => {
    const token = await admin.csrf();
    const page = await admin.post({ action: 'edit', title: 'Guarded page', text: 'x', token });
    assert.equal(page.json.edit.result, 'Success', page.text);
    const p = await protect({
      title: 'Guarded page',
      protections: 'edit=sysop|move=autoconfirmed',
      expiry: 'infinite|1 week',
    });
    assert.ok(p.protect, JSON.stringify(p));
    const titles = async (q: Record<string, string>) => {
      const r = await admin.get({ action: 'query', list: 'allpages', formatversion: 2, ...q });
      return r.json.query?.allpages.map((x: { title: string }) => x.title) ?? r.json.error.code;
    };
    assert.deepEqual(await titles({ apprtype: 'edit' }), ['Guarded page']);
    assert.deepEqual(await titles({ apprtype: 'edit', apprlevel: 'sysop' }), ['Guarded page']);
    assert.deepEqual(await titles({ apprtype: 'edit', apprlevel: 'autoconfirmed' }), []);
    assert.deepEqual(await titles({ apprtype: 'move', apprexpiry: 'definite' }), ['Guarded page']);
    assert.deepEqual(await titles({ apprtype: 'edit', apprexpiry: 'definite' }), []);
    assert.deepEqual(await titles({ apprtype: 'edit', apprfiltercascade: 'cascading' }), []);
    assert.ok((await titles({})).includes('Main Page'));
    assert.equal(await titles({ apprlevel: 'sysop' }), 'invalidparammix');
  });
});
