import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

/** Grants without `reupload-shared` (uploadfile gives upload and reupload-own only). */
const NO_SHARED_GRANTS = ['basic', 'editpage', 'createeditmovepage', 'uploadfile'];

/** Two of our wikis: `home` is the shared repository of `wiki`. */
describe('a shared file repository (ForeignAPIRepo) that is another of our wikis', () => {
  let home: TestServer;
  let wiki: TestServer;
  let homeBot: TestClient;
  let bot: TestClient;
  let plain: TestClient;
  let anon: TestClient;
  const alpha = png(40, 20);

  before(async () => {
    home = await startTestServer();
    const hb = await createBot(home, 'HomeBot', { groups: ['bot'] });
    homeBot = new TestClient(home.api);
    await homeBot.login(hb.lgname, hb.password);
    const up = await homeBot.upload(
      { filename: 'Alpha.png', comment: 'From [[home]]', text: 'Home description of [[Alpha]].' },
      alpha,
    );
    assert.equal(up.json.upload?.result, 'Success', up.text);

    wiki = await startTestServer({
      foreignFileRepos: [
        { name: 'shared', apibase: home.api, fetchDescription: true, descriptionCacheExpiry: 60 },
      ],
    });
    const b = await createBot(wiki, 'UploadBot', { groups: ['bot'] });
    bot = new TestClient(wiki.api);
    await bot.login(b.lgname, b.password);
    const p = await createBot(wiki, 'Plain', { grants: NO_SHARED_GRANTS });
    plain = new TestClient(wiki.api);
    await plain.login(p.lgname, p.password);
    anon = new TestClient(wiki.api);
  });
  after(async () => {
    await wiki?.close();
    await home?.close();
  });

  it('meta=filerepoinfo lists the shared repository first, then the local one, as MediaWiki 1.39', async () => {
    const r = await anon.get({ action: 'query', meta: 'filerepoinfo', formatversion: 2 });
    assert.deepEqual(r.json.query.repos, [
      {
        name: 'shared',
        displayname: 'a shared repository',
        rootUrl: '/w/images',
        local: false,
        url: '/w/images',
        thumbUrl: '/w/images/thumb',
        initialCapital: true,
        scriptDirUrl: `${home.origin}/w`,
        fetchDescription: true,
        descriptionCacheExpiry: 60,
        apiurl: home.api,
        articlepath: '/w/index.php/$1',
        server: home.origin,
        favicon: `${home.origin}/favicon.ico`,
        canUpload: false,
      },
      {
        name: 'local',
        displayname: 'MwUp Wiki',
        rootUrl: '/w/images',
        local: true,
        url: '/w/images',
        thumbUrl: '/w/images/thumb',
        initialCapital: true,
        scriptDirUrl: '/w',
        favicon: `${wiki.origin}/favicon.ico`,
        canUpload: true,
      },
    ]);
    // formatversion 1: false is left out, true is "".
    const v1 = await anon.get({
      action: 'query',
      meta: 'filerepoinfo',
      friprop: 'name|local|apiurl|canUpload',
    });
    assert.deepEqual(v1.json.query.repos, [
      { name: 'shared', apiurl: home.api },
      { name: 'local', local: '', canUpload: '' },
    ]);
    // friprop's values are the keys the repositories have.
    const info = await anon.get({ action: 'paraminfo', modules: 'query+filerepoinfo', formatversion: 2 });
    const prop = info.json.paraminfo.modules[0].parameters[0];
    assert.deepEqual(prop.type, [
      'apiurl',
      'articlepath',
      'canUpload',
      'descriptionCacheExpiry',
      'displayname',
      'favicon',
      'fetchDescription',
      'initialCapital',
      'local',
      'name',
      'rootUrl',
      'scriptDirUrl',
      'server',
      'thumbUrl',
      'url',
    ]);
    assert.equal(prop.default, prop.type.join('|'));
    const bad = await anon.get({ action: 'query', meta: 'filerepoinfo', friprop: 'name|nonsense' });
    assert.match(bad.json.warnings.filerepoinfo['*'], /Unrecognized value for parameter "friprop": nonsense/);
  });

  it('prop=imageinfo of a file only the shared repository has: its repository, URLs and thumbnails', async () => {
    const r = await anon.get({
      action: 'query',
      titles: 'File:Alpha.png',
      prop: 'imageinfo',
      iiprop:
        'timestamp|user|userid|comment|parsedcomment|canonicaltitle|url|size|sha1|mime|mediatype|bitdepth',
      iiurlwidth: 20,
      formatversion: 2,
    });
    const page = r.json.query.pages[0];
    assert.equal(page.imagerepository, 'shared');
    const ii = page.imageinfo[0];
    // The URLs are the home wiki's own.
    const there = await homeBot.get({
      action: 'query',
      titles: 'File:Alpha.png',
      prop: 'imageinfo',
      iiprop: 'url',
      iiurlwidth: 20,
      formatversion: 2,
    });
    const own = there.json.query.pages[0].imageinfo[0];
    assert.equal(ii.user, 'shared>HomeBot');
    assert.equal(ii.userid, 0);
    assert.equal(ii.anon, true);
    assert.equal(ii.comment, 'From [[home]]');
    // Parsed here, as MediaWiki does: links point to this wiki's pages.
    assert.match(ii.parsedcomment, /href="\/w\/index\.php\?title=Home&amp;action=edit&amp;redlink=1"/);
    assert.equal(ii.canonicaltitle, 'File:Alpha.png');
    assert.equal(ii.size, alpha.length);
    assert.equal(ii.width, 40);
    assert.equal(ii.height, 20);
    assert.equal(ii.sha1, sha1(alpha));
    assert.equal(ii.mime, 'image/png');
    assert.equal(ii.mediatype, 'BITMAP');
    assert.equal(ii.bitdepth, 0);
    assert.equal(ii.url, own.url);
    assert.ok(ii.url.startsWith(`${home.origin}/w/images/`), ii.url);
    assert.equal(ii.descriptionurl, `${home.origin}/w/index.php/File:Alpha.png`);
    assert.match(ii.descriptionshorturl, new RegExp(`^${home.origin}/w/index\\.php\\?curid=\\d+$`));
    assert.equal(ii.thumburl, own.thumburl);
    assert.match(ii.thumburl, /\/20px-Alpha\.png$/);
    assert.equal(ii.thumbwidth, 20);
    assert.equal(ii.thumbheight, 10);
    // The thumbnail is the home wiki's, and it is served there.
    const thumb = await fetch(ii.thumburl);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/png');
    // iilocalonly looks at the local repository only.
    const local = await anon.get({
      action: 'query',
      titles: 'File:Alpha.png',
      prop: 'imageinfo',
      iilocalonly: 1,
      formatversion: 2,
    });
    assert.equal(local.json.query.pages[0].imagerepository, '');
  });

  it('refuses to hide a shared file without reupload-shared (fileexists-shared-forbidden); with it the upload goes through', async () => {
    const refused = await plain.upload({ filename: 'Alpha.png' }, png(6, 6));
    assert.equal(refused.json.error?.code, 'fileexists-shared-forbidden', refused.text);
    assert.equal(
      refused.json.error.info,
      'A file with this name exists already in the shared file repository. If you still want to upload your file, please go back and use a new name. [[File:Alpha.png|thumb|center|Alpha.png]]',
    );
    assert.match(refused.json.error.filekey, /\.png$/, 'kept in the stash for another name');
    // ignorewarnings does not help: this is a refusal, not a warning.
    const again = await plain.upload({ filename: 'Alpha.png', ignorewarnings: 1 }, png(6, 6));
    assert.equal(again.json.error?.code, 'fileexists-shared-forbidden', again.text);

    // A user with reupload-shared (the bot's grants include uploadeditmovefile) gets no warning at
    // all, as MediaWiki 1.39: the local file then hides the shared one here.
    const mine = png(6, 6);
    const ok = await bot.upload({ filename: 'Alpha.png' }, mine);
    assert.equal(ok.json.upload?.result, 'Success', ok.text);
    const now = await anon.get({
      action: 'query',
      titles: 'File:Alpha.png',
      prop: 'imageinfo',
      iiprop: 'sha1',
      formatversion: 2,
    });
    assert.equal(now.json.query.pages[0].imagerepository, 'local');
    assert.equal(now.json.query.pages[0].imageinfo[0].sha1, sha1(mine));
  });

  it('warns about duplicates in the shared repository (duplicate), merged with local ones by name', async () => {
    const beta = png(5, 5);
    const home2 = await homeBot.upload({ filename: 'Beta shared.png' }, beta);
    assert.equal(home2.json.upload?.result, 'Success', home2.text);
    const local = await bot.upload({ filename: 'Beta local.png' }, beta);
    assert.deepEqual(local.json.upload?.warnings, { duplicate: ['Beta_shared.png'] }, local.text);
    const done = await bot.upload({ filename: 'Beta local.png', ignorewarnings: 1 }, beta);
    assert.equal(done.json.upload?.result, 'Success', done.text);
    const third = await bot.upload({ filename: 'Beta third.png' }, beta);
    assert.deepEqual(third.json.upload?.warnings, { duplicate: ['Beta_local.png', 'Beta_shared.png'] });

    // prop=duplicatefiles lists the shared copy as shared.
    const d = await anon.get({ action: 'query', titles: 'File:Beta local.png', prop: 'duplicatefiles' });
    const page = Object.values(d.json.query.pages)[0] as { duplicatefiles: unknown[] };
    assert.deepEqual(page.duplicatefiles, [
      {
        name: 'Beta_shared.png',
        timestamp: home2.json.upload.imageinfo.timestamp,
        shared: '',
        user: 'shared>HomeBot',
      },
    ]);
  });

  it('shows a shared file on its file page, with its description and a link to its home', async () => {
    const nowhere = await fetch(`${wiki.origin}/w/index.php/File:Nowhere.png`);
    assert.equal(nowhere.status, 404, 'in no repository');
    const up = await homeBot.upload({ filename: 'Gamma.png', text: 'Gamma lives at [[home]].' }, png(30, 30));
    assert.equal(up.json.upload?.result, 'Success', up.text);
    const page = await fetch(`${wiki.origin}/w/index.php/File:Gamma.png`);
    assert.equal(page.status, 200);
    const body = await page.text();
    assert.match(body, /class="sharedUploadNotice"/);
    assert.ok(body.includes(`href="${home.origin}/w/index.php/File:Gamma.png"`), 'links to its home');
    assert.match(body, /Gamma lives at/, 'the description fetched from its home');
    assert.ok(body.includes(`src="${home.origin}/w/images/`), 'the image comes from its home');
    assert.match(page.headers.get('content-security-policy') ?? '', new RegExp(`img-src[^;]*${home.origin}`));
  });

  it('answers action=render of a description page as the shared repository (what ForeignAPIRepo fetches)', async () => {
    const res = await fetch(`${home.origin}/w/index.php?title=Image:Alpha.png&action=render&uselang=en`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /^<div class="mw-parser-output">/);
    assert.match(body, /Home description of/);
    assert.doesNotMatch(body, /<html|<body/);
    const missing = await fetch(`${home.origin}/w/index.php?title=Image:Nope.png&action=render`);
    assert.equal(missing.status, 404);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

describe('a shared repository that cannot be reached', () => {
  it('a dead one (nothing listens): uploads, imageinfo and filerepoinfo go on without it', async () => {
    const port = await closedPort();
    const s = await startTestServer({
      foreignFileRepos: [{ name: 'dead', apibase: `http://127.0.0.1:${port}/w/api.php` }],
    });
    try {
      const p = await createBot(s, 'Plain', { grants: NO_SHARED_GRANTS });
      const c = new TestClient(s.api);
      await c.login(p.lgname, p.password);
      const up = await c.upload({ filename: 'Lonely.png' }, png(4, 4));
      assert.equal(up.json.upload?.result, 'Success', up.text);
      const ii = await c.get({
        action: 'query',
        titles: 'File:Elsewhere.png',
        prop: 'imageinfo',
        formatversion: 2,
      });
      assert.equal(ii.status, 200);
      assert.equal(ii.json.query.pages[0].imagerepository, '');
      const fri = await c.get({
        action: 'query',
        meta: 'filerepoinfo',
        friprop: 'name|apiurl|server',
        formatversion: 2,
      });
      assert.deepEqual(fri.json.query.repos, [
        { name: 'dead', apiurl: `http://127.0.0.1:${port}/w/api.php` },
        { name: 'local' },
      ]);
      const page = await fetch(`${s.origin}/w/index.php/File:Elsewhere.png`);
      assert.equal(page.status, 404);
    } finally {
      await s.close();
    }
  });

  it('a slow one (never answers): waits no longer than timeoutSeconds, then not again for a while', async () => {
    let connections = 0;
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((sock) => {
      connections++;
      sockets.add(sock);
      sock.on('error', () => {});
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    const port = (silent.address() as net.AddressInfo).port;
    const s = await startTestServer({
      foreignFileRepos: [{ name: 'slow', apibase: `http://127.0.0.1:${port}/w/api.php`, timeoutSeconds: 1 }],
    });
    try {
      const p = await createBot(s, 'Plain', { grants: NO_SHARED_GRANTS });
      const c = new TestClient(s.api);
      await c.login(p.lgname, p.password);
      const started = Date.now();
      const first = await c.upload({ filename: 'Patient.png' }, png(4, 4));
      const firstMs = Date.now() - started;
      assert.equal(first.json.upload?.result, 'Success', first.text);
      assert.ok(firstMs >= 900, `the timeout was waited for (${firstMs} ms)`);
      assert.equal(connections, 1, 'one request, then the repository counts as down');
      const second = await c.upload({ filename: 'Patient two.png' }, png(4, 4));
      assert.equal(second.json.upload?.result, 'Success', second.text);
      const ii = await c.get({
        action: 'query',
        titles: 'File:Other.png',
        prop: 'imageinfo',
        formatversion: 2,
      });
      assert.equal(ii.json.query.pages[0].imagerepository, '');
      assert.equal(connections, 1, 'not asked again while it counts as down');
    } finally {
      await s.close();
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((res) => silent.close(() => res()));
    }
  });
});

/** A foreign API that answers some requests well and others badly; it counts what it is asked. */
async function fakeRepo(): Promise<{ api: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${url.pathname}?${url.searchParams.get('titles') ?? url.searchParams.get('meta') ?? ''}`);
    if (url.pathname === '/w/index.php') {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>down</h1>');
      return;
    }
    const titles = url.searchParams.get('titles');
    if (titles === 'File:Garbage.png') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not an API</html>');
      return;
    }
    if (titles === 'File:Broken.png') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
      return;
    }
    if (titles === 'File:Odd.png') {
      const info = { timestamp: 5, user: ['x'], width: 'wide', mime: 7, url: 'javascript:alert(1)' };
      const odd = {
        query: {
          pages: [
            { ns: 6, title: 'File:Odd.png', imageinfo: [{ ...info, descriptionurl: 'javascript:alert(2)' }] },
          ],
        },
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(odd));
      return;
    }
    const body =
      titles === 'File:Fake.png'
        ? {
            query: {
              pages: [
                {
                  ns: 6,
                  title: 'File:Fake.png',
                  imagerepository: 'local',
                  imageinfo: [
                    {
                      timestamp: '2026-01-02T03:04:05Z',
                      user: 'Someone',
                      size: 123,
                      width: 10,
                      height: 10,
                      url: `http://127.0.0.1:${port}/images/Fake.png`,
                      descriptionurl: `http://127.0.0.1:${port}/wiki/File:Fake.png`,
                      sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
                      mime: 'image/png',
                      mediatype: 'BITMAP',
                    },
                  ],
                },
              ],
            },
          }
        : { query: { pages: [{ ns: 6, title: titles ?? '', missing: true, imagerepository: '' }] } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    api: `http://127.0.0.1:${port}/w/api.php`,
    asked,
    close: () => new Promise<void>((res) => srv.close(() => res())),
  };
}

describe('a shared repository that answers badly', () => {
  it('an answer that is not JSON or not 2xx is "no such file", and the repository is still asked later', async () => {
    const fake = await fakeRepo();
    const s = await startTestServer({
      foreignFileRepos: [{ name: 'odd', apibase: fake.api, fetchDescription: true }],
    });
    try {
      const c = new TestClient(s.api);
      for (const name of ['Garbage.png', 'Broken.png']) {
        const r = await c.get({
          action: 'query',
          titles: `File:${name}`,
          prop: 'imageinfo',
          formatversion: 2,
        });
        assert.equal(r.status, 200);
        assert.equal(r.json.query.pages[0].imagerepository, '', name);
      }
      const ok = await c.get({
        action: 'query',
        titles: 'File:Fake.png',
        prop: 'imageinfo',
        formatversion: 2,
      });
      assert.equal(ok.json.query.pages[0].imagerepository, 'odd', 'asked again after the bad answers');
      // Answers are kept (apiMetadataExpiry): the same question is not sent again.
      const count = () => fake.asked.filter((a) => a === '/w/api.php?File:Fake.png').length;
      const before = count();
      const again = await c.get({
        action: 'query',
        titles: 'File:Fake.png',
        prop: 'imageinfo',
        formatversion: 2,
      });
      assert.equal(again.json.query.pages[0].imagerepository, 'odd');
      assert.equal(count(), before);
      // Fields of the wrong type, and links that are not http(s), are left out.
      const odd = await c.get({
        action: 'query',
        titles: 'File:Odd.png',
        prop: 'imageinfo',
        iiprop: 'timestamp|user|size|url|mime',
        formatversion: 2,
      });
      assert.equal(odd.status, 200);
      assert.deepEqual(odd.json.query.pages[0].imageinfo, [{ user: '', size: 0, width: 0, height: 0 }]);
      const oddPage = await fetch(`${s.origin}/w/index.php/File:Odd.png`);
      assert.equal(oddPage.status, 200);
      assert.doesNotMatch(await oddPage.text(), /javascript:/);
      // Its description page cannot be fetched: the page says where to read it instead.
      const page = await fetch(`${s.origin}/w/index.php/File:Fake.png`);
      assert.equal(page.status, 200);
      const body = await page.text();
      assert.match(
        body,
        /Please see the <a [^>]*href="http:\/\/127\.0\.0\.1:\d+\/wiki\/File:Fake\.png">file description page<\/a> for further information/,
      );
      assert.ok(fake.asked.includes('/w/index.php?'), 'the description was asked for');
    } finally {
      await s.close();
      await fake.close();
    }
  });
});

describe('configuration of shared repositories', () => {
  it('names the key of a malformed entry', () => {
    assert.throws(
      () =>
        loadConfig({}, {
          foreignFileRepos: [
            { name: 'local', apibase: 'ftp://x' },
            { name: 'a', apibase: 'http://x/api.php', extra: 1 },
          ],
        } as never),
      (e: Error) =>
        e instanceof ConfigError &&
        /foreignFileRepos\[0\]\.name/.test(e.message) &&
        /foreignFileRepos\[0\]\.apibase/.test(e.message) &&
        /foreignFileRepos\[1\]\.extra: unknown key/.test(e.message),
    );
  });

  it('refuses two repositories of one name when the server starts', async () => {
    await assert.rejects(
      startTestServer({
        foreignFileRepos: [
          { name: 'twice', apibase: 'http://127.0.0.1:9/w/api.php' },
          { name: 'twice', apibase: 'http://127.0.0.1:9/w/api.php' },
        ],
      }),
      /foreignFileRepos\[1\]\.name: "twice" is used twice/,
    );
  });

  it('useInstantCommons adds Wikimedia Commons as MediaWiki does', async () => {
    const s = await startTestServer({ useInstantCommons: true });
    try {
      const c = new TestClient(s.api);
      const r = await c.get({
        action: 'query',
        meta: 'filerepoinfo',
        friprop:
          'name|displayname|rootUrl|url|thumbUrl|scriptDirUrl|fetchDescription|descriptionCacheExpiry|apiurl',
        formatversion: 2,
      });
      assert.deepEqual(r.json.query.repos[0], {
        name: 'wikimediacommons',
        displayname: 'Wikimedia Commons',
        rootUrl: 'https://upload.wikimedia.org/wikipedia/commons',
        url: 'https://upload.wikimedia.org/wikipedia/commons',
        thumbUrl: 'https://upload.wikimedia.org/wikipedia/commons/thumb',
        scriptDirUrl: 'https://commons.wikimedia.org/w',
        fetchDescription: true,
        descriptionCacheExpiry: 43200,
        apiurl: 'https://commons.wikimedia.org/w/api.php',
      });
    } finally {
      await s.close();
    }
  });
});
