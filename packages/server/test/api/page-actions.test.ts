/** action=watch and action=purge answer per page as MediaWiki 1.39 does. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWiki, type Wiki } from '../query/setup.js';

describe('action=watch and action=purge', () => {
  let w: Wiki;
  let admin: TestClient;
  before(async () => {
    w = await startWiki();
    admin = await w.admin();
    const r = await w.bot.upload({ filename: 'Watched.png', ignorewarnings: 1 }, png(4, 4));
    assert.equal(r.json.upload.result, 'Success');
  });
  after(() => w.s.close());

  const watched = async (title: string) =>
    (await admin.get({ action: 'query', titles: title, prop: 'info', inprop: 'watched', formatversion: 2 }))
      .json.query.pages[0].watched;

  it('watches and unwatches pages, in MediaWiki order: invalid, missing, existing', async () => {
    const token = await admin.token('watch');
    const r = await admin.post({ action: 'watch', titles: 'File:Watched.png|Nowhere|Bad<title', token });
    assert.deepEqual(r.json, {
      batchcomplete: '',
      watch: [
        {
          title: 'Bad<title',
          invalidreason: 'The requested page title contains invalid characters: "<".',
          invalid: '',
        },
        { title: 'Nowhere', ns: 0, watched: '', missing: '' },
        { title: 'File:Watched.png', ns: 6, watched: '' },
      ],
    });
    assert.equal(await watched('File:Watched.png'), true);
    const un = await admin.post({
      action: 'watch',
      titles: 'File:Watched.png',
      unwatch: 1,
      token,
      formatversion: 2,
    });
    assert.deepEqual(un.json.watch, [{ title: 'File:Watched.png', ns: 6, unwatched: true }]);
    assert.equal(await watched('File:Watched.png'), false);
  });

  it('needs the watch token and the editmywatchlist right', async () => {
    assert.equal(
      (await admin.post({ action: 'watch', titles: 'A', token: await admin.csrf() })).json.error.code,
      'badtoken',
    );
    // The bot's password has no watchlist grant.
    const r = await w.bot.post({ action: 'watch', titles: 'A', token: await w.bot.token('watch') });
    assert.equal(r.json.error.code, 'permissiondenied');
  });

  it('purges existing pages and says which are missing, special or invalid; only by POST', async () => {
    const r = await w.bot.post({ action: 'purge', titles: 'File:Watched.png|Nowhere|Special:Foo|Bad<title' });
    assert.deepEqual(
      r.json.purge.map((p: Record<string, unknown>) => [p.title, p.purged ?? p.missing ?? p.invalid]),
      [
        ['Bad<title', ''],
        ['Special:Foo', ''],
        ['Nowhere', ''],
        ['File:Watched.png', ''],
      ],
    );
    assert.equal(r.json.purge[3].purged, '');
    assert.equal((await w.bot.get({ action: 'purge', titles: 'A' })).json.error.code, 'mustbeposted');
  });
});
