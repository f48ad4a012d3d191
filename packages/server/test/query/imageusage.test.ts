/**
 * list=imageusage: the pages whose latest text uses a file ([[File:]], [[Image:]], [[Media:]],
 * <gallery>; not [[:File:]] links), by namespace and page id with iucontinue, as MediaWiki lists them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileLinksOf } from '../../src/db/file-links-parse.js';
import type { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWiki, type Wiki } from './setup.js';

describe('list=imageusage', () => {
  let w: Wiki;
  let admin: TestClient;
  const edit = async (title: string, text: string) => {
    const r = await admin.post({ action: 'edit', title, text, token: await admin.csrf() });
    assert.equal(r.json.edit?.result, 'Success', r.text);
  };
  const usage = async (q: Record<string, string | number>) =>
    (
      await admin.get({
        action: 'query',
        list: 'imageusage',
        iutitle: 'File:Used one.png',
        formatversion: 2,
        ...q,
      })
    ).json;
  before(async () => {
    w = await startWiki();
    admin = await w.admin();
    assert.equal(
      (await w.bot.upload({ filename: 'Used one.png', ignorewarnings: 1 }, png(3, 3))).json.upload.result,
      'Success',
    );
    await edit('Usage one', 'See [[File:Used one.png|thumb]] and [[Image:Used_one.png]]');
    await edit('User:Usage two', '<gallery>\nUsed one.png|caption\n</gallery>\n[[Media:Used one.png]]');
    await edit('Talk:Usage three', '[[:File:Used one.png]] is only a link');
  });
  after(() => w.s.close());

  it('lists the pages that use the file, by namespace, with continuation and namespace filters', async () => {
    const all = await usage({});
    assert.deepEqual(
      all.query.imageusage.map((p: { ns: number; title: string }) => [p.ns, p.title]),
      [
        [0, 'Usage one'],
        [2, 'User:Usage two'],
      ],
    );
    const first = await usage({ iulimit: 1 });
    assert.match(first.continue.iucontinue, /^2\|\d+$/);
    const rest = await usage({ iulimit: 1, ...first.continue });
    assert.deepEqual(
      rest.query.imageusage.map((p: { title: string }) => p.title),
      ['User:Usage two'],
    );
    assert.deepEqual((await usage({ iunamespace: 2 })).query.imageusage.length, 1);
    assert.deepEqual(
      (await usage({ iudir: 'descending' })).query.imageusage.map((p: { ns: number }) => p.ns),
      [2, 0],
    );
  });

  it('follows edits: a page that stops using the file leaves the list', async () => {
    await edit('Usage one', 'No file here any more.');
    assert.deepEqual(
      (await usage({})).query.imageusage.map((p: { title: string }) => p.title),
      ['User:Usage two'],
    );
  });

  it('refuses titles that are not files and needs a title or page id', async () => {
    assert.equal((await usage({ iutitle: 'Foo' })).error.code, 'bad_image_title');
    const none = await admin.get({ action: 'query', list: 'imageusage' });
    assert.equal(none.json.error.code, 'missingparam');
    const gone = await admin.get({ action: 'query', list: 'imageusage', iupageid: 999999 });
    assert.equal(gone.json.error.code, 'nosuchpageid');
  });

  it('reads file uses from wikitext as MediaWiki records them', () => {
    assert.deepEqual(
      fileLinksOf(
        '[[file: a_b.png|x]] [[:File:No.png]] [[Image:c.jpg]]\n<gallery>\nFile:d.gif|cap\ne.svg\n</gallery>',
      ),
      ['A_b.png', 'C.jpg', 'D.gif', 'E.svg'],
    );
  });
});
