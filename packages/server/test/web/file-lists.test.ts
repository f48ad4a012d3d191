/**
 * Special:ListFiles (sorted by date, name and size, paged, by user), Special:NewFiles (a gallery of
 * the newest files, paged) and Special:Log (upload log lines, newest first, paged).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { png, pngOfSize } from '../helpers/files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { apiUser, mainOf, relLink, tableRows, textOf } from './pages-setup.js';
import { WebBrowser } from './web-client.js';

describe('file lists and the upload log', () => {
  let s: TestServer;
  let bot: TestClient;
  let other: TestClient;
  let web: WebBrowser;
  /** Name → size of the files uploaded. */
  const sizes = new Map<string, number>();

  /** The names in ListFiles' rows (second column), in order. */
  const listed = (text: string) => tableRows(mainOf(text)).map((r) => textOf(r[1]!));
  /** The names in the gallery, in order. */
  const gallery = (text: string) =>
    [...mainOf(text).matchAll(/<div class="gallerytext"><a href="\/wiki\/File:([^"]+)">/g)].map((m) =>
      m[1]!.replace(/_/g, ' '),
    );
  /** Newest first, as the API's list=allimages sorts by time. */
  const newestFirst = async () => {
    const r = await bot.get({
      action: 'query',
      list: 'allimages',
      aisort: 'timestamp',
      aidir: 'older',
      ailimit: 50,
    });
    return (r.json.query.allimages as { name: string }[]).map((f) => f.name.replace(/_/g, ' '));
  };

  before(async () => {
    s = await startTestServer();
    bot = await apiUser(s, 'UploadBot');
    other = await apiUser(s, 'OtherBot');
    web = new WebBrowser(s.origin);
    const uploads: [TestClient, string, Buffer][] = [
      [bot, 'Carrot.png', pngOfSize(3000)],
      [other, 'Apple.png', pngOfSize(5000)],
      [bot, 'Banana.png', pngOfSize(1000)],
      [other, 'Date fruit.png', pngOfSize(4000)],
      [bot, 'Elderberry.png', pngOfSize(2000)],
    ];
    for (const [client, name, data] of uploads) {
      const r = await client.upload({ filename: name, ignorewarnings: 1, comment: `about ${name}` }, data);
      assert.equal(r.json.upload?.result, 'Success', r.text);
      sizes.set(name, data.length);
    }
    // A new version: Carrot.png's upload becomes the newest.
    const r = await bot.upload(
      { filename: 'Carrot.png', ignorewarnings: 1, comment: 'carrot again' },
      png(30, 20),
    );
    assert.equal(r.json.upload?.result, 'Success', r.text);
  });
  after(() => s?.close());

  it('ListFiles: a table sorted by date, newest first, with the header links and aria-sort', async () => {
    const r = await web.get('/wiki/Special:ListFiles');
    assert.equal(r.status, 200);
    assert.match(r.csp ?? '', /script-src 'self'/);
    const main = mainOf(r.text);
    assert.deepEqual(listed(r.text), await newestFirst());
    assert.ok(
      listed(r.text).indexOf('Carrot.png') < listed(r.text).indexOf('Banana.png'),
      'by its new version',
    );
    assert.match(
      main,
      /<th scope="col" aria-sort="descending"><a href="\/wiki\/Special:ListFiles\?sort=img_timestamp&amp;asc=1">Date<\/a><\/th>/,
    );
    assert.match(
      main,
      /<th scope="col"><a href="\/wiki\/Special:ListFiles\?sort=img_name&amp;asc=1">Name<\/a><\/th>/,
    );
    assert.match(
      main,
      /<th scope="col"><a href="\/wiki\/Special:ListFiles\?sort=img_size&amp;desc=1">Size<\/a><\/th>/,
    );
    const row = tableRows(main).find((cells) => textOf(cells[1]!) === 'Apple.png')!;
    assert.match(row[1]!, /<a href="\/wiki\/File:Apple.png">Apple.png<\/a>/);
    assert.match(row[2]!, /<img [^>]*src="\/w\/images\//, 'a thumbnail');
    assert.match(row[3]!, /^\d+ KB$/);
    assert.match(row[4]!, /User:OtherBot/);
    assert.equal(row[5], 'about Apple.png');
  });

  it('ListFiles: sorts by name and by size, both ways', async () => {
    const byName = await web.get('/wiki/Special:ListFiles?sort=img_name&asc=1');
    assert.deepEqual(listed(byName.text), [
      'Apple.png',
      'Banana.png',
      'Carrot.png',
      'Date fruit.png',
      'Elderberry.png',
    ]);
    assert.match(
      byName.text,
      /<th scope="col" aria-sort="ascending"><a href="[^"]*sort=img_name&amp;desc=1">Name/,
    );
    const desc = await web.get('/wiki/Special:ListFiles?sort=img_name&desc=1');
    assert.deepEqual(listed(desc.text), [
      'Elderberry.png',
      'Date fruit.png',
      'Carrot.png',
      'Banana.png',
      'Apple.png',
    ]);
    const bySize = await web.get('/wiki/Special:ListFiles?sort=img_size&desc=1');
    const expected = [...sizes.keys()]
      .filter((n) => n !== 'Carrot.png')
      .map((n) => [n, sizes.get(n)!] as const)
      .concat([['Carrot.png', png(30, 20).length]])
      .sort((a, b) => b[1] - a[1])
      .map(([n]) => n);
    assert.deepEqual(listed(bySize.text), expected);
    assert.match(bySize.text, /aria-sort="descending"><a href="[^"]*sort=img_size&amp;asc=1">Size/);
    const small = await web.get('/wiki/Special:ListFiles?sort=img_size&asc=1');
    assert.deepEqual(listed(small.text), [...expected].reverse());
  });

  it('ListFiles: pages with limit, next and previous links', async () => {
    const first = await web.get('/wiki/Special:ListFiles?sort=img_name&asc=1&limit=2');
    assert.deepEqual(listed(first.text), ['Apple.png', 'Banana.png']);
    assert.equal(relLink(first.text, 'prev'), null);
    const second = await web.get(relLink(first.text, 'next')!);
    assert.deepEqual(listed(second.text), ['Carrot.png', 'Date fruit.png']);
    const third = await web.get(relLink(second.text, 'next')!);
    assert.deepEqual(listed(third.text), ['Elderberry.png']);
    assert.equal(relLink(third.text, 'next'), null);
    const back = await web.get(relLink(third.text, 'prev')!);
    assert.deepEqual(listed(back.text), ['Carrot.png', 'Date fruit.png']);
    const start = await web.get(relLink(back.text, 'prev')!);
    assert.deepEqual(listed(start.text), ['Apple.png', 'Banana.png']);
    assert.equal(relLink(start.text, 'prev'), null);
    // By date too: the pages together are the whole list.
    const all: string[] = [];
    let page = await web.get('/wiki/Special:ListFiles?limit=2');
    for (;;) {
      all.push(...listed(page.text));
      const next = relLink(page.text, 'next');
      if (!next) break;
      page = await web.get(next);
    }
    assert.deepEqual(all, await newestFirst());
  });

  it('ListFiles: only one user’s files with user=, from a labelled GET form', async () => {
    const form = mainOf((await web.get('/wiki/Special:ListFiles')).text);
    assert.match(form, /<form [^>]*method="get" action="\/wiki\/Special:ListFiles">/);
    assert.match(
      form,
      /<label for="mw-listfiles-user">Username<\/label>\s*<input id="mw-listfiles-user" name="user"/,
    );
    const r = await web.get('/wiki/Special:ListFiles?user=OtherBot&sort=img_name&asc=1');
    assert.deepEqual(listed(r.text), ['Apple.png', 'Date fruit.png']);
    assert.match(r.text, /value="OtherBot"/);
    const sub = await web.get('/wiki/Special:ListFiles/UploadBot?sort=img_name&asc=1');
    assert.deepEqual(listed(sub.text), ['Banana.png', 'Carrot.png', 'Elderberry.png']);
    assert.equal((await web.get('/wiki/Special:ListFiles?sort=constructor&asc=1')).status, 200);
    const nobody = await web.get('/wiki/Special:ListFiles?user=Nobody_here');
    assert.deepEqual(listed(nobody.text), []);
    assert.match(nobody.text, /User account "Nobody_here" is not registered\./);
  });

  it('NewFiles: a gallery of the newest files with name, user and date, paged', async () => {
    const r = await web.get('/wiki/Special:NewFiles');
    assert.equal(r.status, 200);
    const main = mainOf(r.text);
    assert.match(main, /<ul class="gallery[^"]*">/);
    assert.deepEqual(gallery(r.text), await newestFirst());
    const box = [...main.matchAll(/<li class="gallerybox">([\s\S]*?)<\/li>/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('File:Carrot.png'))!;
    assert.match(
      box,
      /<a href="\/wiki\/File:Carrot.png" class="image"><img [^>]*src="\/w\/images\/[^"]*Carrot.png"/,
    );
    assert.match(box, /<a href="\/wiki\/User:UploadBot"[^>]*>UploadBot<\/a>/);
    assert.match(box, /<time datetime="\d{4}-\d\d-\d\dT/);
    const first = await web.get('/wiki/Special:NewFiles?limit=3');
    const second = await web.get(relLink(first.text, 'next')!);
    assert.deepEqual([...gallery(first.text), ...gallery(second.text)], await newestFirst());
    assert.equal(relLink(second.text, 'next'), null);
    assert.deepEqual(gallery((await web.get(relLink(second.text, 'prev')!)).text), gallery(first.text));
    assert.deepEqual(gallery((await web.get('/wiki/Special:NewFiles?user=OtherBot')).text).sort(), [
      'Apple.png',
      'Date fruit.png',
    ]);
  });

  it('Log/upload: MediaWiki’s log lines, newest first, paged', async () => {
    const r = await web.get('/wiki/Special:Log/upload');
    assert.equal(r.status, 200);
    assert.match(r.text, /<h1 id="firstHeading">Upload log<\/h1>/);
    const lines = [...mainOf(r.text).matchAll(/<li data-mw-logid="(\d+)"[^>]*>([\s\S]*?)<\/li>/g)];
    assert.equal(lines.length, 6);
    const ids = lines.map((m) => Number(m[1]));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'newest first',
    );
    assert.match(
      textOf(lines[0]![2]!),
      /^\d\d:\d\d, \d+ \w+ \d{4} UploadBot uploaded a new version of File:Carrot\.png \(carrot again\)$/,
    );
    assert.match(lines[0]![2]!, /<a href="\/wiki\/File:Carrot.png">File:Carrot.png<\/a>/);
    assert.match(textOf(lines[5]![2]!), /UploadBot uploaded File:Carrot\.png \(about Carrot\.png\)$/);
    // The same through list=logevents.
    const api = await bot.get({ action: 'query', list: 'logevents', letype: 'upload', lelimit: 50 });
    assert.deepEqual(
      ids,
      (api.json.query.logevents as { logid: number }[]).map((e) => e.logid),
    );
    const first = await web.get('/wiki/Special:Log?type=upload&limit=4');
    const second = await web.get(relLink(first.text, 'next')!);
    const idsOf = (t: string) => [...mainOf(t).matchAll(/data-mw-logid="(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual([...idsOf(first.text), ...idsOf(second.text)], ids);
    assert.deepEqual(idsOf((await web.get(relLink(second.text, 'prev')!)).text), idsOf(first.text));
    const byUser = await web.get('/wiki/Special:Log?type=upload&user=OtherBot');
    assert.equal(idsOf(byUser.text).length, 2);
    assert.match(mainOf((await web.get('/wiki/Special:Log/delete')).text), /No matching items in log\./);
    assert.match(
      (await web.get('/wiki/Special:Log?type=constructor')).text,
      /<h1 id="firstHeading">All public logs<\/h1>/,
    );
  });
});
