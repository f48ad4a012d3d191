/** list=allpages (and generator=allpages): pages of a namespace by title, with apcontinue, as MediaWiki lists them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png } from '../helpers/files.js';
import { startWiki, type Wiki } from './setup.js';

describe('list=allpages', () => {
  let w: Wiki;
  before(async () => {
    w = await startWiki();
    for (const n of ['Ap b.png', 'Ap a.png', 'Ap c.png']) {
      assert.equal(
        (await w.bot.upload({ filename: n, ignorewarnings: 1 }, png(3, 3))).json.upload.result,
        'Success',
      );
    }
  });
  after(() => w.s.close());

  it('lists file pages by title with continuation and a prefix', async () => {
    const first = await w.bot.get({
      action: 'query',
      list: 'allpages',
      apnamespace: 6,
      apprefix: 'Ap ',
      aplimit: 2,
      formatversion: 2,
    });
    assert.deepEqual(
      first.json.query.allpages.map((p: { ns: number; title: string }) => [p.ns, p.title]),
      [
        [6, 'File:Ap a.png'],
        [6, 'File:Ap b.png'],
      ],
    );
    assert.deepEqual(first.json.continue, { apcontinue: 'Ap_c.png', continue: '-||' });
    const next = await w.bot.get({
      action: 'query',
      list: 'allpages',
      apnamespace: 6,
      apprefix: 'Ap ',
      aplimit: 2,
      ...first.json.continue,
      formatversion: 2,
    });
    assert.deepEqual(
      next.json.query.allpages.map((p: { title: string }) => p.title),
      ['File:Ap c.png'],
    );
    const desc = await w.bot.get({
      action: 'query',
      list: 'allpages',
      apnamespace: 6,
      apfrom: 'Ap b.png',
      apdir: 'descending',
      formatversion: 2,
    });
    assert.deepEqual(
      desc.json.query.allpages.map((p: { title: string }) => p.title),
      ['File:Ap b.png', 'File:Ap a.png'],
    );
    const redirects = await w.bot.get({
      action: 'query',
      list: 'allpages',
      apnamespace: 6,
      apfilterredir: 'redirects',
      formatversion: 2,
    });
    assert.deepEqual(redirects.json.query.allpages, []);
  });

  it('generates pages for prop modules', async () => {
    const r = await w.bot.get({
      action: 'query',
      generator: 'allpages',
      gapnamespace: 6,
      gapprefix: 'Ap ',
      prop: 'imageinfo',
      formatversion: 2,
    });
    assert.equal(r.json.query.pages.length, 3);
    assert.ok(r.json.query.pages.every((p: { imageinfo?: unknown[] }) => p.imageinfo?.length === 1));
  });
});
