import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha1Base36 } from '../../src/util/sha1.js';
import type { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { publish, startWiki, type Wiki } from './setup.js';

type Params = Record<string, string | number>;

/** Follow `continue` until the end; returns every item of `query[key]` and the number of requests. */
async function collect(
  c: TestClient,
  params: Params,
  key: string,
): Promise<{ items: Record<string, unknown>[]; calls: number }> {
  const items: Record<string, unknown>[] = [];
  let cont: Params = {};
  for (let calls = 1; calls < 50; calls++) {
    const r = await c.get({ action: 'query', ...params, ...cont });
    assert.equal(r.json.error, undefined, r.text);
    items.push(...r.json.query[key]);
    assert.equal(r.json.batchcomplete, '', 'list continuation leaves the batch complete');
    if (!r.json.continue) return { items, calls };
    assert.equal(r.json.continue.continue, '-||');
    cont = r.json.continue;
  }
  throw new Error('no end of continuation');
}

describe('list=allimages and list=logevents', () => {
  let w: Wiki;
  const data: Record<string, Buffer> = {};
  before(async () => {
    w = await startWiki();
    // Bot uploads B, C, A (in this order, one per second of timestamp at least not guaranteed);
    // Admin publishes D.
    for (const n of ['Li b.png', 'Li c.png', 'Li a.png']) {
      data[n] = png(5, 4);
      const r = await w.bot.upload({ filename: n, ignorewarnings: 1, comment: `upload of ${n}` }, data[n]);
      assert.equal(r.json.upload.result, 'Success');
    }
    data['Li_d.png'] = png(30, 20);
    await publish(w.s, 'Li_d.png', data['Li_d.png'], { mime: 'image/png', comment: 'by admin' });
  });
  after(() => w.s.close());

  it('lists images by name with the requested properties (the reference shape)', async () => {
    const r = await w.bot.get({
      action: 'query',
      list: 'allimages',
      aiprefix: 'Li a',
      aiprop: 'timestamp|user|comment|size|dimensions|sha1|mime|mediatype|url',
    });
    assert.equal(r.json.batchcomplete, '');
    const [a, ...rest] = r.json.query.allimages;
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(a), [
      'name',
      'timestamp',
      'user',
      'size',
      'width',
      'height',
      'comment',
      'url',
      'descriptionurl',
      'descriptionshorturl',
      'sha1',
      'mime',
      'mediatype',
      'ns',
      'title',
    ]);
    assert.equal(a.name, 'Li_a.png');
    assert.equal(a.title, 'File:Li a.png');
    assert.equal(a.ns, 6);
    assert.equal(a.sha1, sha1(data['Li a.png']!));
    assert.equal(a.comment, 'upload of Li a.png');
  });

  it('pages through names with aicontinue in both directions, with from/to bounds', async () => {
    const asc = await collect(
      w.bot,
      { list: 'allimages', aiprefix: 'Li', ailimit: 1, aiprop: '' },
      'allimages',
    );
    assert.deepEqual(
      asc.items.map((i) => i.name),
      ['Li_a.png', 'Li_b.png', 'Li_c.png', 'Li_d.png'],
    );
    assert.equal(asc.calls, 4);
    const desc = await collect(
      w.bot,
      { list: 'allimages', aifrom: 'Li c.png', aidir: 'descending', ailimit: 2 },
      'allimages',
    );
    assert.deepEqual(
      desc.items.map((i) => i.name),
      ['Li_c.png', 'Li_b.png', 'Li_a.png'],
    );
    const bounded = await w.bot.get({ action: 'query', list: 'allimages', aifrom: 'li_b', aito: 'Li c.png' });
    assert.deepEqual(
      bounded.json.query.allimages.map((i: { name: string }) => i.name),
      ['Li_b.png', 'Li_c.png'],
    );
  });

  it('sorts by timestamp, filters by user, size, MIME type and SHA-1', async () => {
    const byTime = await collect(
      w.bot,
      { list: 'allimages', aisort: 'timestamp', ailimit: 2, aiprop: 'timestamp' },
      'allimages',
    );
    const times = byTime.items.map((i) => i.timestamp as string);
    assert.deepEqual([...times].sort(), times);
    assert.equal(byTime.items.length, 4);
    const older = await w.bot.get({
      action: 'query',
      list: 'allimages',
      aisort: 'timestamp',
      aidir: 'older',
      ailimit: 1,
    });
    assert.equal(older.json.query.allimages[0].name, 'Li_d.png');
    assert.match(older.json.continue.aicontinue, /^\d{14}\|Li_/);

    const byUser = await w.bot.get({
      action: 'query',
      list: 'allimages',
      aisort: 'timestamp',
      aiuser: 'Admin',
    });
    assert.deepEqual(
      byUser.json.query.allimages.map((i: { name: string }) => i.name),
      ['Li_d.png'],
    );
    const big = await w.bot.get({ action: 'query', list: 'allimages', aiminsize: data['Li_d.png']!.length });
    assert.deepEqual(
      big.json.query.allimages.map((i: { name: string }) => i.name),
      ['Li_d.png'],
    );
    const small = await w.bot.get({
      action: 'query',
      list: 'allimages',
      aimaxsize: data['Li_d.png']!.length - 1,
    });
    assert.equal(small.json.query.allimages.length, 3);
    // Pages of a size range in name order, both ways (the names are read first, then their rows).
    const lengths = Object.values(data).map((b) => b.length);
    const range = { aiminsize: Math.min(...lengths), aimaxsize: data['Li_d.png']!.length - 1 };
    for (const [aidir, names] of [
      ['ascending', ['Li_a.png', 'Li_b.png', 'Li_c.png']],
      ['descending', ['Li_c.png', 'Li_b.png', 'Li_a.png']],
    ] as const) {
      const paged = await collect(
        w.bot,
        { list: 'allimages', aiprefix: 'Li', aidir, ailimit: 2, aiprop: 'size', ...range },
        'allimages',
      );
      assert.deepEqual(
        paged.items.map((i) => i.name),
        names,
      );
      assert.equal(paged.calls, 2);
    }
    const mime = await w.bot.get({ action: 'query', list: 'allimages', aimime: 'image/jpeg' });
    assert.deepEqual(mime.json.query.allimages, []);

    const hex = sha1(data['Li b.png']!);
    const bySha = await w.bot.get({ action: 'query', list: 'allimages', aisha1: hex });
    assert.deepEqual(
      bySha.json.query.allimages.map((i: { name: string }) => i.name),
      ['Li_b.png'],
    );
    const by36 = await w.bot.get({
      action: 'query',
      list: 'allimages',
      aisha1base36: sha1Base36(hex),
      formatversion: 2,
    });
    assert.deepEqual(
      by36.json.query.allimages.map((i: { name: string }) => i.name),
      ['Li_b.png'],
    );
    assert.equal(by36.json.batchcomplete, true);

    const badSha = await w.bot.get({ action: 'query', list: 'allimages', aisha1: 'xyz' });
    assert.equal(badSha.json.error.code, 'invalidsha1hash');
    const mix = await w.bot.get({ action: 'query', list: 'allimages', aistart: '2020-01-01T00:00:00Z' });
    assert.equal(mix.json.error.code, 'invalidparammix');
    assert.equal(mix.json.error.info, 'The "aistart" parameter may only be used with "aisort=timestamp".');
    const badTs = await w.bot.get({
      action: 'query',
      list: 'allimages',
      aisort: 'timestamp',
      aistart: 'yesterday-ish',
    });
    assert.equal(badTs.json.error.code, 'badtimestamp');
  });

  it('generates pages with generator=allimages, g-prefixed parameters and gaicontinue', async () => {
    const titles: string[] = [];
    let cont: Params = {};
    for (let calls = 0; calls < 10; calls++) {
      const r = await w.bot.get({
        action: 'query',
        generator: 'allimages',
        gailimit: 2,
        gaiprefix: 'Li_',
        prop: 'imageinfo',
        iiprop: 'sha1',
        formatversion: 2,
        ...cont,
      });
      assert.equal(r.json.error, undefined, r.text);
      for (const p of r.json.query.pages) {
        titles.push(p.title);
        assert.equal(
          p.imageinfo[0].sha1,
          sha1(data[p.title.slice(5)] ?? data[p.title.slice(5).replace(/ /g, '_')]!),
        );
      }
      if (!r.json.continue) break;
      assert.equal(r.json.continue.continue, 'gaicontinue||');
      cont = { gaicontinue: r.json.continue.gaicontinue, continue: r.json.continue.continue };
    }
    assert.deepEqual(titles.sort(), ['File:Li a.png', 'File:Li b.png', 'File:Li c.png', 'File:Li d.png']);
    const mixed = await w.bot.get({ action: 'query', generator: 'allimages', titles: 'File:Li a.png' });
    assert.equal(mixed.json.error.code, 'invalidparammix');
  });

  it('lists upload log entries with their parameters (the reference shape)', async () => {
    const r = await w.bot.get({
      action: 'query',
      list: 'logevents',
      letype: 'upload',
      letitle: 'File:Li_a.png',
    });
    assert.equal(r.json.batchcomplete, '');
    const [e, ...rest] = r.json.query.logevents;
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(e), [
      'logid',
      'ns',
      'title',
      'pageid',
      'logpage',
      'params',
      'type',
      'action',
      'user',
      'timestamp',
      'comment',
    ]);
    assert.equal(e.title, 'File:Li a.png');
    assert.equal(e.type, 'upload');
    assert.equal(e.action, 'upload');
    assert.equal(e.user, 'UploadBot');
    assert.equal(e.params.img_sha1, sha1Base36(sha1(data['Li a.png']!)));
    assert.equal(e.params.img_timestamp, e.timestamp);
    assert.equal(e.pageid, e.logpage);
  });

  it('filters log entries by type, action, user and title, and continues with lecontinue', async () => {
    const creates = await w.bot.get({
      action: 'query',
      list: 'logevents',
      leaction: 'create/create',
      lelimit: 'max',
    });
    assert.deepEqual(creates.json.limits, { logevents: 5000 });
    assert.ok(creates.json.query.logevents.length >= 4);
    assert.ok(
      creates.json.query.logevents.every((e: { type: string; params: unknown }) => e.type === 'create'),
    );
    assert.deepEqual(creates.json.query.logevents[0].params, {});
    const byAdmin = await w.bot.get({
      action: 'query',
      list: 'logevents',
      leuser: 'Admin',
      letype: 'upload',
    });
    assert.deepEqual(
      byAdmin.json.query.logevents.map((e: { title: string }) => e.title),
      ['File:Li d.png'],
    );
    const all = await collect(
      w.bot,
      { list: 'logevents', letype: 'upload', lelimit: 1, leprop: 'ids|title|timestamp' },
      'logevents',
    );
    assert.equal(all.items.length, 4);
    const ids = all.items.map((e) => e.logid as number);
    assert.deepEqual(
      [...ids].sort((a, b) => b - a),
      ids,
      'newest first',
    );
    const newer = await collect(
      w.bot,
      { list: 'logevents', letype: 'upload', lelimit: 3, ledir: 'newer' },
      'logevents',
    );
    assert.deepEqual(
      newer.items.map((e) => e.logid),
      [...ids].reverse(),
    );
    const wild = await w.bot.get({
      action: 'query',
      list: 'logevents',
      leaction: 'upload/*',
      leprop: 'type|tags|userid',
    });
    assert.ok(
      wild.json.query.logevents.every(
        (e: { type: string; tags: unknown[]; userid: number }) =>
          e.type === 'upload' && Array.isArray(e.tags) && e.userid > 0,
      ),
    );
    const bad = await w.bot.get({ action: 'query', list: 'logevents', leaction: 'upload/nonsense' });
    assert.equal(bad.json.error.code, 'badvalue');
    const badType = await w.bot.get({ action: 'query', list: 'logevents', letype: 'nonsense' });
    assert.equal(badType.json.error.code, 'badvalue');
    const badTitle = await w.bot.get({ action: 'query', list: 'logevents', letitle: 'File:' });
    assert.equal(badTitle.json.error.code, 'invalidtitle');
    const badCont = await w.bot.get({ action: 'query', list: 'logevents', lecontinue: 'garbage' });
    assert.equal(badCont.json.error.code, 'badcontinue');
  });
});
