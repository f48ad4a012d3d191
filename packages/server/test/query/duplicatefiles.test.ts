/** prop=duplicatefiles: other files with the same bytes, paged with dfcontinue, as MediaWiki answers. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png } from '../helpers/files.js';
import { startWiki, type Wiki } from './setup.js';

describe('prop=duplicatefiles', () => {
  let w: Wiki;
  before(async () => {
    w = await startWiki();
    const data = png(6, 6);
    for (const name of ['Dupe one.png', 'Dupe two.png']) {
      const r = await w.bot.upload({ filename: name, ignorewarnings: 1 }, data);
      assert.equal(r.json.upload.result, 'Success');
    }
    await w.bot.upload({ filename: 'Unique.png', ignorewarnings: 1 }, png(7, 7));
  });
  after(() => w.s.close());

  const ask = (extra: Record<string, string | number> = {}) =>
    w.bot
      .get({
        action: 'query',
        titles: 'File:Dupe one.png|File:Dupe two.png|File:Unique.png',
        prop: 'duplicatefiles',
        formatversion: 2,
        ...extra,
      })
      .then((r) => r.json);

  it('lists the other file with the same bytes for each page, none for a unique file', async () => {
    const j = await ask();
    const by = Object.fromEntries(j.query.pages.map((p: { title: string }) => [p.title, p]));
    assert.deepEqual(
      by['File:Dupe one.png'].duplicatefiles.map((d: Record<string, unknown>) => [d.name, d.shared, d.user]),
      [['Dupe_two.png', false, 'UploadBot']],
    );
    assert.equal(by['File:Dupe two.png'].duplicatefiles[0].name, 'Dupe_one.png');
    assert.equal(by['File:Unique.png'].duplicatefiles, undefined);
    assert.equal(j.batchcomplete, true);
  });

  it('pages with dflimit and dfcontinue', async () => {
    const first = await ask({ dflimit: 1 });
    assert.deepEqual(first.continue, { dfcontinue: 'Dupe_two.png|Dupe_one.png', continue: '||' });
    const second = await ask({ dflimit: 1, ...first.continue });
    const two = second.query.pages.find((p: { title: string }) => p.title === 'File:Dupe two.png');
    assert.equal(two.duplicatefiles[0].name, 'Dupe_one.png');
    assert.equal(second.continue, undefined);
    assert.equal((await ask({ dfcontinue: 'nonsense' })).error.code, 'badcontinue');
  });
});
