/** action=filerevert: an old version becomes current again, logged and answered as MediaWiki does. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { startWiki, type Wiki } from '../query/setup.js';

describe('action=filerevert', () => {
  let w: Wiki;
  let admin: TestClient;
  const v0 = png(4, 4);
  const v1 = png(5, 5);
  let archivename: string;
  before(async () => {
    w = await startWiki();
    admin = await w.admin();
    for (const [d, c] of [
      [v0, 'v0'],
      [v1, 'v1'],
    ] as const) {
      const r = await admin.upload(
        { filename: 'Reverted.png', ignorewarnings: 1, comment: c, token: await admin.csrf() },
        d,
      );
      assert.equal(r.json.upload.result, 'Success');
    }
    const ii = await admin.get({
      action: 'query',
      titles: 'File:Reverted.png',
      prop: 'imageinfo',
      iiprop: 'archivename|sha1',
      iilimit: 5,
      formatversion: 2,
    });
    archivename = ii.json.query.pages[0].imageinfo[1].archivename;
  });
  after(() => w.s.close());

  it('makes the old version current, keeps the history and logs an overwrite', async () => {
    const r = await admin.post({
      action: 'filerevert',
      filename: 'Reverted.png',
      archivename,
      comment: 'back',
      token: await admin.csrf(),
    });
    assert.deepEqual(r.json, { filerevert: { result: 'Success' } });
    const ii = await admin.get({
      action: 'query',
      titles: 'File:Reverted.png',
      prop: 'imageinfo',
      iiprop: 'sha1|comment',
      iilimit: 5,
      formatversion: 2,
    });
    assert.deepEqual(
      ii.json.query.pages[0].imageinfo.map((v: { sha1: string; comment: string }) => [v.sha1, v.comment]),
      [
        [sha1(v0), 'back'],
        [sha1(v1), 'v1'],
        [sha1(v0), 'v0'],
      ],
    );
    const url = (
      await admin.get({
        action: 'query',
        titles: 'File:Reverted.png',
        prop: 'imageinfo',
        iiprop: 'url',
        formatversion: 2,
      })
    ).json.query.pages[0].imageinfo[0].url;
    assert.equal(
      sha1(Buffer.from(await (await fetch(url)).arrayBuffer())),
      sha1(v0),
      'the file served is the old version',
    );
    const log = await admin.get({
      action: 'query',
      list: 'logevents',
      letitle: 'File:Reverted.png',
      formatversion: 2,
    });
    // Newest first; as on MediaWiki, the page creation is logged after the first upload.
    assert.deepEqual(
      log.json.query.logevents.map((e: { type: string; action: string }) => `${e.type}/${e.action}`),
      ['upload/overwrite', 'upload/overwrite', 'create/create', 'upload/upload'],
    );
  });

  it('answers Failure when that version is current already, and errors for unknown versions and files', async () => {
    const again = await admin.post({
      action: 'filerevert',
      filename: 'Reverted.png',
      archivename,
      token: await admin.csrf(),
    });
    assert.equal(again.json.filerevert.result, 'Failure');
    assert.equal(again.json.filerevert.errors[0].code, 'fileexists-no-change');
    const bad = await admin.post({
      action: 'filerevert',
      filename: 'Reverted.png',
      archivename: 'bogus',
      token: await admin.csrf(),
    });
    assert.equal(bad.json.error.code, 'filerevert-badversion');
    const none = await admin.post({
      action: 'filerevert',
      filename: 'Nothing.png',
      archivename,
      token: await admin.csrf(),
    });
    assert.equal(none.json.error.code, 'missingtitle');
  });
});
