/**
 * File pages in the skin: the file in a link to the original, "Original file (…)", the description
 * rendered from wikitext and made safe, the history with every version, the log, and the revert,
 * delete and restore forms for those allowed, working through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPath } from '../../src/files/urls.js';
import type { TestClient } from '../helpers/client.js';
import { pdf, png, sha1, svg } from '../helpers/files.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { onlyPage, publish } from '../query/setup.js';
import { apiUser, loggedIn, mainOf, plainBrowser, tableRows, textOf } from './pages-setup.js';
import { WebBrowser } from './web-client.js';

const file = (name: string) => `/w/images/${hashPath(name)}${name}`;

describe('file pages', () => {
  let s: TestServer;
  let bot: TestClient;
  const big = png(1200, 900);
  const small = png(64, 48);

  const imageinfo = async (name: string) =>
    onlyPage(
      (
        await bot.get({
          action: 'query',
          prop: 'imageinfo',
          titles: `File:${name}`,
          iiprop: 'sha1|archivename',
          iilimit: 10,
        })
      ).json,
    );

  before(async () => {
    s = await startTestServer();
    bot = await apiUser(s, 'UploadBot');
  });
  after(() => s?.close());

  it('shows the image as a thumbnail that fits, in a link to the original, and the file facts', async () => {
    await bot.upload({ filename: 'Big picture.png', ignorewarnings: 1, comment: 'big one' }, big);
    const r = await new WebBrowser(s.origin).get('/wiki/File:Big_picture.png');
    assert.equal(r.status, 200);
    assert.match(r.csp ?? '', /script-src 'self'/);
    assert.doesNotMatch(r.text, /<script|<style|style="/, 'no inline scripts or styles');
    assert.match(r.text, /<title>File:Big picture\.png - /);
    const orig = file('Big_picture.png');
    const thumb = `/w/images/thumb/${hashPath('Big_picture.png')}Big_picture.png/800px-Big_picture.png`;
    const link = new RegExp(`<a href="${orig}"[^>]*><img [^>]*src="${thumb}" width="800" height="600"`);
    assert.match(r.text, link, 'an 800 × 600 thumbnail inside a link to the original');
    assert.match(
      textOf(r.text),
      /Original file \(1,200 × 900 pixels, file size: \d+(\.\d+)? [KM]B, MIME type: image\/png\)/,
    );
    // The thumbnail URL answers with the picture.
    const t = await fetch(new URL(thumb, s.origin));
    assert.equal(t.status, 200);
    assert.equal(t.headers.get('content-type'), 'image/png');
  });

  it('lists every version in the history table and the uploads in the log', async () => {
    await bot.upload({ filename: 'Versions.png', ignorewarnings: 1, comment: 'first version' }, big);
    await bot.upload({ filename: 'Versions.png', ignorewarnings: 1, comment: 'second version' }, small);
    const r = await new WebBrowser(s.origin).get('/wiki/File:Versions.png');
    const main = mainOf(r.text);
    assert.match(main, /<h2 id="filehistory">File history<\/h2>/);
    const head = /<table class="wikitable filehistory">[\s\S]*?<thead><tr>([\s\S]*?)<\/tr><\/thead>/.exec(
      main,
    )?.[1];
    assert.deepEqual(
      [...(head ?? '').matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]),
      ['Date/Time', 'Thumbnail', 'Dimensions', 'User', 'Comment'],
      'a header row of <th>, no action column for a reader',
    );
    const rows = tableRows(main.slice(main.indexOf('filehistory')));
    assert.equal(rows.length, 2, 'one row per version');
    assert.match(rows[0]![0]!, new RegExp(`<a href="${file('Versions.png')}">`));
    assert.match(rows[0]![0]!, /\(current\)/);
    assert.match(rows[0]![2]!, /64 × 48 \(\d+ KB\)/);
    assert.match(rows[0]![3]!, /<a href="\/wiki\/User:UploadBot"[^>]*>UploadBot<\/a>/);
    assert.equal(rows[0]![4], 'second version');
    const archived = (await imageinfo('Versions.png')).imageinfo[1].archivename as string;
    assert.match(
      rows[1]![0]!,
      new RegExp(`/w/images/archive/${hashPath('Versions.png')}${archived.replace('!', '%21')}`),
    );
    assert.match(rows[1]![1]!, /<img [^>]*src="\/w\/images\/thumb\/archive\/[^"]*\/120px-Versions\.png"/);
    assert.match(rows[1]![2]!, /1,200 × 900/);
    assert.equal(rows[1]![4], 'first version');
    const log =
      /<h2 id="filelog">[\s\S]*?<ul class="mw-logevent-loglines">([\s\S]*?)<\/ul>/.exec(main)?.[1] ?? '';
    const lines = [...log.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]!));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /UploadBot uploaded a new version of File:Versions\.png \(second version\)$/);
    assert.match(lines[1]!, /UploadBot uploaded File:Versions\.png \(first version\)$/);
    assert.doesNotMatch(main, /action=revert|action=delete|wpEditToken/, 'no forms for a reader');
  });

  it('renders the description from wikitext: bold, links, lists, headings, templates as source', async () => {
    const text = [
      "'''Bold words''' and ''italic'' with a [[Main Page|link home]] and [[No such page]].",
      '== Details ==',
      '* first item',
      '* second item',
      '{{Information|description=A [[test]]|source=own}}',
      '[https://example.org/a?b=c An external site]',
    ].join('\n');
    await bot.upload(
      { filename: 'Described.png', ignorewarnings: 1, comment: 'described', text },
      png(10, 10),
    );
    const main = mainOf((await new WebBrowser(s.origin).get('/wiki/File:Described.png')).text);
    const desc = /<div id="mw-imagepage-content">([\s\S]*?)<h2 id="filehistory">/.exec(main)?.[1] ?? '';
    assert.match(desc, /<b>Bold words<\/b> and <i>italic<\/i>/);
    assert.match(desc, /<a href="\/wiki\/Main_Page"[^>]*>link home<\/a>/);
    assert.match(desc, /<a href="\/wiki\/No_such_page" class="new"[^>]*>No such page<\/a>/, 'a red link');
    assert.match(desc, /<h2 id="Details">Details<\/h2>/);
    assert.match(desc, /<ul><li>first item<\/li>\s*<li>second item<\/li><\/ul>/);
    assert.match(
      desc,
      /<code class="mw-template">\{\{Information\|description=A \[\[test\]\]\|source=own\}\}<\/code>/,
    );
    assert.match(
      desc,
      /<a rel="nofollow noopener" class="external" href="https:\/\/example\.org\/a\?b=c">An external site<\/a>/,
    );
  });

  it('neutralises hostile descriptions', async () => {
    const text = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '[javascript:alert(1) x]',
      '<span onmouseover="alert(1)" style="position:fixed">hover</span>',
      '<a href="javascript:alert(1)">a</a> [[javascript:alert(1)|j]]',
      '{{#tag:script|alert(1)}} <svg><script>alert(1)</script></svg>',
    ].join('\n');
    await bot.upload(
      { filename: 'Hostile.png', ignorewarnings: 1, comment: '<script>alert(1)</script>', text },
      png(11, 11),
    );
    const r = await new WebBrowser(s.origin).get('/wiki/File:Hostile.png');
    assert.equal(r.status, 200);
    const main = mainOf(r.text);
    assert.doesNotMatch(r.text, /<script/i, 'no script element');
    assert.doesNotMatch(main, /<img[^>]*onerror/i);
    assert.doesNotMatch(main, /<[^>]+\son\w+=/i, 'no event handler attributes');
    assert.doesNotMatch(main, /href="\s*javascript:/i);
    assert.doesNotMatch(main, /style=|<svg/i);
    assert.match(main, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'shown as text');
    assert.match(main, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(main, /<span>hover<\/span>/);
  });

  it('shows a player for audio and video, a link for other files, a raster thumbnail for SVG', async () => {
    await publish(s, 'Clip.webm', Buffer.from('not really a video'), {
      mime: 'video/webm',
      mediaType: 'VIDEO',
    });
    await publish(s, 'Tune.ogg', Buffer.from('not really a sound'), {
      mime: 'audio/ogg',
      mediaType: 'AUDIO',
    });
    await bot.upload({ filename: 'Paper.pdf', ignorewarnings: 1, comment: 'a pdf' }, pdf());
    await bot.upload({ filename: 'Drawing.svg', ignorewarnings: 1, comment: 'an svg' }, svg());
    const b = new WebBrowser(s.origin);
    const video = mainOf((await b.get('/wiki/File:Clip.webm')).text);
    assert.match(video, new RegExp(`<video controls [^>]*src="${file('Clip.webm')}"`));
    const audio = mainOf((await b.get('/wiki/File:Tune.ogg')).text);
    assert.match(audio, new RegExp(`<audio controls [^>]*src="${file('Tune.ogg')}"`));
    const paper = mainOf((await b.get('/wiki/File:Paper.pdf')).text);
    assert.match(paper, new RegExp(`<a href="${file('Paper.pdf')}" class="internal">File:Paper\\.pdf</a>`));
    assert.match(textOf(paper), /file size: \d+ bytes, MIME type: application\/pdf\)/);
    assert.doesNotMatch(paper.slice(0, paper.indexOf('filehistory')), /<img/);
    const drawing = mainOf((await b.get('/wiki/File:Drawing.svg')).text);
    const img = /<div class="fullImageLink" id="file"><a href="([^"]+)"[^>]*><img [^>]*src="([^"]+)"/.exec(
      drawing,
    );
    assert.equal(img?.[1], file('Drawing.svg'));
    assert.match(img?.[2] ?? '', /^\/w\/images\/thumb\/.*Drawing\.svg\.png$/, 'the rasterised thumbnail');
    assert.doesNotMatch(drawing, /<img [^>]*src="[^"]*\.svg"/, 'never the SVG itself');
  });

  it('lets users with the rights revert to an old version, through filerevert', async () => {
    await bot.upload({ filename: 'Revertable.png', ignorewarnings: 1, comment: 'one' }, big);
    await bot.upload({ filename: 'Revertable.png', ignorewarnings: 1, comment: 'two' }, small);
    const plain = await plainBrowser(s, 'Plain');
    const page = await plain.get('/wiki/File:Revertable.png');
    const main = mainOf(page.text);
    assert.match(main, /<th scope="col">Action<\/th>/, 'an action column');
    assert.match(
      main,
      /<form class="mw-inline-form" method="post" action="\/w\/index\.php\?title=File:Revertable\.png&amp;action=revert">/,
    );
    assert.doesNotMatch(main, /action=delete/, 'a plain user may not delete');
    const archivename = page.field('oldimage');
    assert.equal(archivename, (await imageinfo('Revertable.png')).imageinfo[1].archivename);
    // A forged token changes nothing.
    const forged = await plain.post('/w/index.php?title=File:Revertable.png&action=revert', {
      wpEditToken: 'forged+\\',
      oldimage: archivename,
    });
    assert.notEqual(forged.status, 200);
    assert.equal((await imageinfo('Revertable.png')).imageinfo.length, 2);
    const done = await plain.post('/w/index.php?title=File:Revertable.png&action=revert', {
      wpEditToken: page.field('wpEditToken'),
      oldimage: archivename,
      wpComment: page.field('wpComment'),
    });
    assert.equal(done.status, 200);
    assert.match(done.text, /has been reverted/);
    const ii = (await imageinfo('Revertable.png')).imageinfo;
    assert.equal(ii.length, 3);
    assert.equal(ii[0].sha1, sha1(big));
    // Readers see no action column.
    assert.doesNotMatch(
      mainOf((await new WebBrowser(s.origin).get('/wiki/File:Revertable.png')).text),
      /Action<\/th>/,
    );
  });

  it('lets administrators delete a file and restore it; others get no form and a permission error', async () => {
    const doomed = png(13, 9);
    await bot.upload({ filename: 'Doomed.png', ignorewarnings: 1, comment: 'soon gone' }, doomed);
    const plain = await plainBrowser(s, 'Plain2');
    assert.doesNotMatch((await plain.get('/wiki/File:Doomed.png')).text, /action=delete/);
    // A valid token of the user's session (the logout form has one): the API still says no.
    const token = (await plain.get('/wiki/Special:UserLogout')).field('wpEditToken');
    const refused = await plain.post('/w/index.php?title=File:Doomed.png&action=delete', {
      wpEditToken: token,
      wpReason: 'mine now',
    });
    assert.equal(refused.status, 403, 'the API refuses: no delete right');
    assert.ok((await imageinfo('Doomed.png')).imageinfo, 'still there');

    const admin = await loggedIn(s, 'Admin', 'admin-password-123');
    const page = await admin.get('/wiki/File:Doomed.png');
    assert.match(page.text, /<h2 id="filedelete">Delete this file<\/h2>/);
    assert.match(page.text, /<label for="wpReason">Reason<\/label>/);
    const gone = await admin.post('/w/index.php?title=File:Doomed.png&action=delete', {
      wpEditToken: page.field('wpEditToken'),
      wpReason: 'test deletion',
    });
    assert.equal(gone.status, 200);
    assert.match(gone.text, /has been deleted/);
    assert.ok('missing' in (await imageinfo('Doomed.png')), 'deleted');
    const fa = await bot.get({
      action: 'query',
      list: 'logevents',
      letype: 'delete',
      letitle: 'File:Doomed.png',
    });
    assert.equal(fa.json.query.logevents[0].comment, 'test deletion');

    // The deleted file's page: 404, the log, and a restore form for those allowed only.
    const deleted = await admin.get('/wiki/File:Doomed.png');
    assert.equal(deleted.status, 404);
    assert.match(deleted.text, /There is currently no text in this page\./);
    assert.match(textOf(mainOf(deleted.text)), /Admin deleted page File:Doomed\.png \(test deletion\)/);
    assert.match(deleted.text, /action=undelete/);
    assert.doesNotMatch((await plain.get('/wiki/File:Doomed.png')).text, /action=undelete/);
    const back = await admin.post('/w/index.php?title=File:Doomed.png&action=undelete', {
      wpEditToken: deleted.field('wpEditToken'),
      wpComment: 'was fine',
    });
    assert.equal(back.status, 200);
    assert.match(back.text, /has been restored/);
    const ii = await imageinfo('Doomed.png');
    assert.ok(!('missing' in ii), 'restored');
    assert.equal(ii.imageinfo[0].sha1, sha1(doomed));
  });

  it('keeps pages without files: text rendered, 404 with the notice for missing ones, action=raw', async () => {
    await bot.post({
      action: 'edit',
      title: 'Plain text page',
      text: "Some '''wiki''' text",
      token: await bot.csrf(),
    });
    const b = new WebBrowser(s.origin);
    const r = await b.get('/wiki/Plain_text_page');
    assert.equal(r.status, 200);
    assert.match(r.text, /Some <b>wiki<\/b> text/);
    const missing = await b.get('/wiki/File:Not_here.png');
    assert.equal(missing.status, 404);
    assert.match(missing.text, /There is currently no text in this page\./);
    const raw = await b.get('/w/index.php?title=Plain_text_page&action=raw');
    assert.equal(raw.text, "Some '''wiki''' text");
  });
});
