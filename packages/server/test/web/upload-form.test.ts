/**
 * Special:Upload without JavaScript: MediaWiki 1.39's form fields, its warning page with the three
 * buttons, its errors, all through action=upload (the file ends where an API upload ends).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { png, pngOfSize, sha1 } from '../helpers/files.js';
import { createAccount, startTestServer, type TestServer } from '../helpers/server.js';
import { loggedIn as loggedInAs } from './pages-setup.js';
import { type PageAnswer, WebBrowser } from './web-client.js';

const ACTION = '/w/index.php?title=Special:Upload';

const loggedIn = (s: TestServer, name = 'Admin', password = 'admin-password-123') =>
  loggedInAs(s, name, password);

/** The form as a browser sends it: every field of the page's form, a file part (maybe empty). */
function formData(fields: Record<string, string>, file?: { data: Uint8Array; name: string }): FormData {
  const fd = new FormData();
  fd.append('title', 'Special:Upload');
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append('wpUploadFile', new Blob([new Uint8Array(file.data)]), file.name);
  return fd;
}

/** Send the upload form of `page` with `fields` (and a file). */
function submitUpload(
  b: WebBrowser,
  page: PageAnswer,
  fields: Record<string, string>,
  file?: { data: Uint8Array; name: string },
): Promise<PageAnswer> {
  return b.post(
    ACTION,
    formData(
      { wpSourceType: 'File', wpEditToken: page.field('wpEditToken'), wpUpload: 'Upload file', ...fields },
      file,
    ),
  );
}

interface Versions {
  missing: boolean;
  versions: { sha1: string; size: number; comment: string }[];
}

async function imageinfo(s: TestServer, name: string): Promise<Versions> {
  const q = new URLSearchParams({
    action: 'query',
    titles: `File:${name}`,
    prop: 'imageinfo',
    iiprop: 'sha1|size|comment',
    iilimit: 'max',
    format: 'json',
    formatversion: '2',
  });
  const j = (await (await fetch(`${s.api}?${q}`)).json()) as {
    query: { pages: { missing?: boolean; imageinfo?: Versions['versions'] }[] };
  };
  const p = j.query.pages[0]!;
  return { missing: !!p.missing, versions: p.imageinfo ?? [] };
}

async function stashKeys(b: WebBrowser): Promise<string[]> {
  const r = await b.get('/w/api.php?action=query&list=mystashedfiles&format=json&formatversion=2');
  return (
    JSON.parse(r.text) as { query: { mystashedfiles: { filekey: string }[] } }
  ).query.mystashedfiles.map((f) => f.filekey);
}

const main = (p: PageAnswer) => /<main[\s\S]*<\/main>/.exec(p.text)?.[0] ?? '';

describe('Special:Upload without JavaScript', () => {
  let s: TestServer;
  let files: Server;
  let filesOrigin = '';
  const served = png(6, 6);

  before(async () => {
    s = await startTestServer({
      groupPermissions: { sysop: { upload_by_url: true } },
      uploads: { maxUploadSize: 1024 * 1024 },
    });
    await createAccount(s, { name: 'Plain', password: 'plain-password-123' });
    files = createServer((req, res) => {
      if (req.url === '/pic.png') res.writeHead(200, { 'content-type': 'image/png' }).end(served);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesOrigin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => files?.close(r));
    await s?.close();
  });

  it('shows MediaWiki’s form: field names, labels, the limits, data for the script', async () => {
    const b = await loggedIn(s);
    const page = await b.get('/wiki/Special:Upload');
    assert.equal(page.status, 200);
    const m = main(page);
    assert.match(
      m,
      /<form id="mw-upload-form"[^>]* method="post" enctype="multipart\/form-data" action="\/w\/index\.php\?title=Special%3AUpload">/,
    );
    for (const id of [
      'wpUploadFile',
      'wpSourceTypeFile',
      'wpSourceTypeurl',
      'wpUploadFileURL',
      'wpDestFile',
    ]) {
      assert.match(m, new RegExp(`<label for="${id}">[^<]+</label>`), `label of ${id}`);
      assert.match(m, new RegExp(`<input [^>]*id="${id}"`), id);
    }
    for (const id of ['wpUploadDescription', 'wpWatchthis', 'wpIgnoreWarning'])
      assert.match(m, new RegExp(`<label for="${id}">[^<]+</label>`), `label of ${id}`);
    assert.match(m, /<input id="wpUploadFile" name="wpUploadFile" type="file"/);
    assert.match(m, /<textarea id="wpUploadDescription" name="wpUploadDescription"/);
    assert.match(m, /name="wpSourceType" id="wpSourceTypeFile" value="File" checked/);
    assert.match(m, /<label for="wpDestFile">Destination filename:<\/label>/);
    assert.match(m, /<label for="wpWatchthis">Watch this file<\/label>/);
    assert.match(m, /<label for="wpIgnoreWarning">Ignore any warnings<\/label>/);
    assert.match(m, /name="wpWatchthis" type="checkbox" value="1" id="wpWatchthis" checked/);
    assert.equal(page.field('title'), 'Special:Upload');
    assert.match(page.field('wpEditToken'), /^[0-9a-f]+\+\\$/);
    assert.match(m, /<button type="submit" name="wpUpload" value="Upload file">Upload file<\/button>/);
    assert.match(
      m,
      /<p class="mwup-limits">.*Maximum file size: 1 MB.*Permitted file types: png, gif, jpg, jpeg, webp, svg, pdf, txt, ogg, oga, ogv, webm, tif, tiff\./,
    );
    assert.match(page.text, /<script type="module" src="\/w\/static\/uploader\.js"><\/script>/);
    assert.match(m, /<main id="content" data-api="\/w\/api\.php" data-max-size="1048576"/);
    assert.match(m, /data-extensions="png,gif,jpg,jpeg,webp,svg,pdf,txt,ogg,oga,ogv,webm,tif,tiff"/);
    assert.match(m, /data-chunk-size="5242880"/);
    assert.match(m, new RegExp(`data-token="${page.field('wpEditToken').replace(/[+\\]/g, '\\$&')}"`));
    assert.match(m, /data-can-url="1"/);
    assert.doesNotMatch(page.text, /<script>|<style>|style="/, 'no inline scripts or styles');

    // Without upload_by_url: no URL source, and the script is told so.
    const plain = await loggedIn(s, 'Plain', 'plain-password-123');
    const p = main(await plain.get('/wiki/Special:Upload?wpDestFile=Given%20name.png'));
    assert.doesNotMatch(p, /wpUploadFileURL|wpSourceType/);
    assert.match(p, /data-can-url="0"/);
    assert.match(p, /id="wpDestFile" name="wpDestFile" size="60" value="Given name.png"/);
  });

  it('asks logged-out users to log in, and refuses users without the upload right', async () => {
    const anon = await new WebBrowser(s.origin).get('/wiki/Special:Upload');
    assert.equal(anon.status, 200);
    assert.match(anon.text, /<h1 id="firstHeading">Login required<\/h1>/);
    assert.match(
      anon.text,
      /Please <a href="\/wiki\/Special:UserLogin\?returnto=Special%3AUpload">log in<\/a> to upload files\./,
    );
    assert.doesNotMatch(anon.text, /mw-upload-form/);
    // A logged-out POST is refused before anything is stored.
    const post = await new WebBrowser(s.origin).post(
      ACTION,
      formData({ wpUpload: 'Upload file', wpDestFile: 'Anon.png' }, { data: png(), name: 'a.png' }),
    );
    assert.match(post.text, /Login required/);
    assert.equal((await imageinfo(s, 'Anon.png')).missing, true);

    const t = await startTestServer({ groupPermissions: { user: { upload: false } } });
    try {
      await createAccount(t, { name: 'Nobody', password: 'nobody-password-1' });
      const b = await loggedIn(t, 'Nobody', 'nobody-password-1');
      const page = await b.get('/wiki/Special:Upload');
      assert.match(page.text, /<h1 id="firstHeading">Permission error<\/h1>/);
      assert.match(page.text, /You do not have permission to upload this file, for the following reason:/);
      assert.match(
        page.text,
        /The action you have requested is limited to users in the group: Administrators\./,
      );
      assert.doesNotMatch(page.text, /mw-upload-form/);
    } finally {
      await t.close();
    }
  });

  it('publishes a PNG and leads to its file page', async () => {
    const b = await loggedIn(s);
    const page = await b.get('/wiki/Special:Upload');
    const data = png(8, 8);
    const r = await submitUpload(
      b,
      page,
      { wpDestFile: 'Form upload.png', wpUploadDescription: 'A test picture', wpWatchthis: '1' },
      { data, name: 'local-name.png' },
    );
    assert.equal(r.status, 303, main(r));
    assert.equal(r.location, '/wiki/File:Form_upload.png');
    const info = await imageinfo(s, 'Form_upload.png');
    assert.deepEqual(
      info.versions.map((v) => [v.sha1, v.size, v.comment]),
      [[sha1(data), data.length, 'A test picture']],
    );
    // The page text is MediaWiki's: the description under "Summary".
    const raw = await fetch(`${s.origin}/w/index.php?title=File:Form_upload.png&action=raw`);
    assert.equal((await raw.text()).trimEnd(), '== Summary ==\nA test picture');

    // "Watch this file" ticked: watched; not ticked: the watchlist is left alone.
    const admin = (await s.server.services.users.byName('Admin'))!;
    const watched = (name: string) =>
      s.server.services.watchlist.entry(admin.id, 6, name, new Date().toISOString());
    assert.notEqual(await watched('Form_upload.png'), null);

    // No name given: the browser's name for the file.
    const again = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      {},
      { data: png(), name: 'Own name.png' },
    );
    assert.equal(again.location, '/wiki/File:Own_name.png');
    assert.equal(await watched('Own_name.png'), null);
  });

  it('shows the warning page for an existing name; each button does what MediaWiki’s does', async () => {
    const b = await loggedIn(s);
    const first = png(5, 5);
    const r0 = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Twice.png' },
      {
        data: first,
        name: 'x.png',
      },
    );
    assert.equal(r0.status, 303);

    const second = png(5, 5);
    const warn = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      {
        wpDestFile: 'Twice.png',
        wpUploadDescription: 'New version',
        wpWatchthis: '1',
      },
      { data: second, name: 'x.png' },
    );
    assert.equal(warn.status, 200);
    const m = main(warn);
    assert.match(m, /<h1 id="firstHeading">Upload file<\/h1>/);
    assert.match(m, /<h2>Upload warning<\/h2>/);
    assert.match(
      warn.alert ?? '',
      /^A file with this name exists already, please check File:Twice\.png if you are not sure if you want to overwrite it\.$/,
    );
    assert.match(m, /<strong><a href="\/wiki\/File:Twice\.png">File:Twice\.png<\/a><\/strong>/);
    assert.match(m, /Please modify the file description below and try again\./);
    const key = warn.field('wpSessionKey');
    assert.match(key, /\.png$/);
    assert.equal(warn.field('wpSourceType'), 'Stash');
    assert.doesNotMatch(m, /name="wpUploadFile"|name="wpIgnoreWarning"/);
    // The stashed file is shown to its owner.
    const preview = /<img src="([^"]+)" alt="" width="120" class="thumbimage">/.exec(m)?.[1];
    assert.equal(preview, `/wiki/Special:UploadStash/file/${key}`);
    const shown = await fetch(`${s.origin}${preview}`, {
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    assert.equal(shown.status, 200);
    assert.equal(sha1(new Uint8Array(await shown.arrayBuffer())), sha1(second));
    assert.match(
      m,
      /<button type="submit" name="wpUpload" value="Submit modified file description">Submit modified file description<\/button>/,
    );
    assert.match(
      m,
      /<button type="submit" name="wpUploadIgnoreWarning" value="Ignore warning and save file anyway">Ignore warning and save file anyway<\/button>/,
    );
    assert.match(
      m,
      /<button type="submit" name="wpCancelUpload" value="Cancel upload and return to the upload form">Cancel upload and return to the upload form<\/button>/,
    );
    // Nothing is published until a button is pressed.
    assert.equal((await imageinfo(s, 'Twice.png')).versions.length, 1);
    assert.ok((await stashKeys(b)).includes(key), 'stashed');

    // "Submit modified file description" with the same name: the warning again, same stashed file.
    const stashed = { wpSourceType: 'Stash', wpSessionKey: key, wpDestFile: 'Twice.png', wpWatchthis: '1' };
    const tryAgain = await b.post(ACTION, {
      ...stashed,
      wpUploadDescription: 'New version',
      wpEditToken: warn.field('wpEditToken'),
      wpUpload: 'Submit modified file description',
    });
    assert.equal(tryAgain.status, 200);
    assert.equal(tryAgain.field('wpSessionKey'), key);
    assert.equal((await imageinfo(s, 'Twice.png')).versions.length, 1);

    // "Ignore warning and save file anyway": the stashed file becomes the new version.
    const saved = await b.post(ACTION, {
      ...stashed,
      wpUploadDescription: 'New version',
      wpEditToken: warn.field('wpEditToken'),
      wpUploadIgnoreWarning: 'Ignore warning and save file anyway',
    });
    assert.equal(saved.status, 303, main(saved));
    assert.equal(saved.location, '/wiki/File:Twice.png');
    const info = await imageinfo(s, 'Twice.png');
    assert.deepEqual(
      info.versions.map((v) => v.sha1),
      [sha1(second), sha1(first)],
    );
    assert.equal(info.versions[0]!.comment, 'New version');
    assert.ok(!(await stashKeys(b)).includes(key), 'no longer stashed');
  });

  it('words the other warnings as MediaWiki does: duplicates, no change, deleted before, similar names', async () => {
    const b = await loggedIn(s);
    const data = png(7, 2);
    const first = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Original.png' },
      {
        data,
        name: 'o.png',
      },
    );
    assert.equal(first.status, 303);
    const same = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Original.png' },
      {
        data,
        name: 'o.png',
      },
    );
    assert.equal(
      same.alert,
      'A file with this name exists already, please check File:Original.png if you are not sure if you want to overwrite it.' +
        'The upload is an exact duplicate of the current version of File:Original.png.',
    );
    const copy = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Copy.png' },
      {
        data,
        name: 'o.png',
      },
    );
    assert.equal(copy.alert, 'This file is a duplicate of the following file:Original.png');
    assert.match(
      main(copy),
      /<ul class="gallery"><li class="gallerybox"><a href="\/wiki\/File:Original\.png">Original\.png<\/a><\/li><\/ul>/,
    );
    assert.equal((await imageinfo(s, 'Copy.png')).missing, true);

    const similar = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Original.PNG' },
      {
        data: png(),
        name: 'o.png',
      },
    );
    assert.equal(
      similar.alert,
      'A file with a similar name exists: \nName of the uploading file: File:Original.PNGName of the existing file: File:Original.png\nDo you perhaps want to use a more distinctive name?',
    );

    // Deleted before: the deletion log is linked.
    const page = await b.get('/wiki/Special:Upload');
    const deleted = await b.post('/w/api.php', {
      action: 'delete',
      title: 'File:Original.png',
      token: page.field('wpEditToken'),
      format: 'json',
    });
    assert.match(deleted.text, /"delete"/);
    const again = await submitUpload(b, page, { wpDestFile: 'Original.png' }, { data: png(), name: 'o.png' });
    assert.equal(
      again.alert,
      'A file of this name has been previously uploaded and subsequently deleted.\nYou should check the deletion log before proceeding to upload it again.',
    );
    assert.match(
      main(again),
      /<a href="\/wiki\/Special:Log\?type=delete&amp;page=File%3AOriginal\.png">deletion log<\/a>/,
    );
  });

  it('publishes under a changed name from the warning page', async () => {
    const b = await loggedIn(s);
    const data = png(4, 7);
    await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Taken.png' },
      { data: png(), name: 'a.png' },
    );
    const warn = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Taken.png' },
      {
        data,
        name: 'a.png',
      },
    );
    const moved = await b.post(ACTION, {
      wpSourceType: 'Stash',
      wpSessionKey: warn.field('wpSessionKey'),
      wpDestFile: 'Not taken.png',
      wpEditToken: warn.field('wpEditToken'),
      wpUpload: 'Submit modified file description',
    });
    assert.equal(moved.status, 303, main(moved));
    assert.equal(moved.location, '/wiki/File:Not_taken.png');
    assert.equal((await imageinfo(s, 'Not_taken.png')).versions[0]?.sha1, sha1(data));
  });

  it('cancel publishes nothing, removes the stashed file and shows the form again', async () => {
    const b = await loggedIn(s);
    await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Kept.png' },
      { data: png(), name: 'k.png' },
    );
    const warn = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Kept.png' },
      {
        data: png(),
        name: 'k.png',
      },
    );
    const key = warn.field('wpSessionKey');
    assert.ok((await stashKeys(b)).includes(key), 'stashed');
    // Without the form's token nothing is removed.
    const forged = await b.post(ACTION, { wpSessionKey: key, wpEditToken: 'nope', wpCancelUpload: 'x' });
    assert.match(forged.alert ?? '', /loss of session data/);
    assert.ok((await stashKeys(b)).includes(key), 'stashed');
    const cancelled = await b.post(ACTION, {
      wpSourceType: 'Stash',
      wpSessionKey: key,
      wpDestFile: 'Kept.png',
      wpUploadDescription: 'kept description',
      wpEditToken: warn.field('wpEditToken'),
      wpCancelUpload: 'Cancel upload and return to the upload form',
    });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.alert, null);
    const m = main(cancelled);
    assert.match(m, /<input id="wpUploadFile" name="wpUploadFile" type="file"/);
    assert.doesNotMatch(m, /wpSessionKey/);
    assert.match(m, /<button type="submit" name="wpUpload" value="Upload file">/);
    assert.equal(cancelled.field('wpDestFile'), 'Kept.png');
    assert.ok(!(await stashKeys(b)).includes(key), 'no longer stashed');
    assert.equal((await imageinfo(s, 'Kept.png')).versions.length, 1);
  });

  it('with "Ignore any warnings" ticked goes straight to the file page', async () => {
    const b = await loggedIn(s);
    const data = png(3, 3);
    await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Ignored.png' },
      { data: png(), name: 'i.png' },
    );
    const r = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      {
        wpDestFile: 'Ignored.png',
        wpIgnoreWarning: '1',
      },
      { data, name: 'i.png' },
    );
    assert.equal(r.status, 303, main(r));
    assert.equal(r.location, '/wiki/File:Ignored.png');
    const info = await imageinfo(s, 'Ignored.png');
    assert.equal(info.versions.length, 2);
    assert.equal(info.versions[0]!.sha1, sha1(data));
  });

  it('uploads from a URL for users with upload_by_url', async () => {
    const b = await loggedIn(s);
    const page = await b.get('/wiki/Special:Upload');
    const r = await b.post(
      ACTION,
      formData(
        {
          wpSourceType: 'url',
          wpUploadFileURL: `${filesOrigin}/pic.png`,
          wpDestFile: 'From URL.png',
          wpEditToken: page.field('wpEditToken'),
          wpUpload: 'Upload file',
        },
        { data: new Uint8Array(0), name: '' },
      ),
    );
    assert.equal(r.status, 303, main(r));
    assert.equal(r.location, '/wiki/File:From_URL.png');
    const info = await imageinfo(s, 'From_URL.png');
    assert.deepEqual(
      info.versions.map((v) => [v.sha1, v.size]),
      [[sha1(served), served.length]],
    );

    // Without the right the API refuses, as it does for action=upload&url=.
    const plain = await loggedIn(s, 'Plain', 'plain-password-123');
    const refused = await plain.post(
      ACTION,
      formData({
        wpSourceType: 'url',
        wpUploadFileURL: `${filesOrigin}/pic.png`,
        wpDestFile: 'Refused URL.png',
        wpEditToken: (await plain.get('/wiki/Special:Upload')).field('wpEditToken'),
        wpUpload: 'Upload file',
      }),
    );
    assert.match(refused.alert ?? '', /limited to users in the group/);
    assert.equal((await imageinfo(s, 'Refused_URL.png')).missing, true);
  });

  it('shows errors in an alert with the form filled in again: banned types, bad tokens', async () => {
    const b = await loggedIn(s);
    const page = await b.get('/wiki/Special:Upload');
    const banned = await submitUpload(
      b,
      page,
      { wpDestFile: 'Data.csv', wpUploadDescription: 'kept' },
      {
        data: Buffer.from('a,b\n1,2\n'),
        name: 'data.csv',
      },
    );
    assert.equal(banned.status, 200);
    assert.equal(
      banned.alert,
      '".csv" is not a permitted file type.\nPermitted file types are png, gif, jpg, jpeg, webp, svg, pdf, txt, ogg, oga, ogv, webm, tif, tiff.',
    );
    assert.match(
      main(banned),
      /<h2>Upload warning<\/h2>\n<div class="mw-message-box mw-message-box-error" role="alert"><strong>&quot;\.csv&quot;<\/strong>/,
    );
    assert.equal(banned.field('wpDestFile'), 'Data.csv');
    assert.match(main(banned), /<textarea [^>]*>kept<\/textarea>/);
    assert.match(main(banned), /<input id="wpUploadFile" name="wpUploadFile" type="file"/);
    assert.equal((await imageinfo(s, 'Data.csv')).missing, true);

    // Over the size limit: refused while it arrives, MediaWiki's words.
    const big = await submitUpload(
      b,
      page,
      { wpDestFile: 'Big.png' },
      { data: pngOfSize(1024 * 1024 + 1), name: 'big.png' },
    );
    assert.equal(big.status, 200);
    assert.equal(big.alert, 'This file is bigger than the server is configured to allow.');
    assert.equal((await imageinfo(s, 'Big.png')).missing, true);

    // The content must match the extension: the API's words.
    const mismatch = await submitUpload(
      b,
      page,
      { wpDestFile: 'Program.exe' },
      { data: png(), name: 'p.exe' },
    );
    assert.equal(
      mismatch.alert,
      'File extension ".exe" does not match the detected MIME type of the file (image/png).',
    );

    const forged = await submitUpload(
      b,
      page,
      { wpDestFile: 'Forged.png', wpEditToken: 'bad+\\' },
      {
        data: png(),
        name: 'f.png',
      },
    );
    assert.match(forged.alert ?? '', /We could not process your edit due to a loss of session data/);
    assert.equal((await imageinfo(s, 'Forged.png')).missing, true);

    // No file chosen: a browser sends an empty part with an empty file name; MediaWiki's words.
    const boundary = '----mwupformtest';
    const part = (name: string, value: string, filename?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}\r\n${filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n'}\r\n${value}\r\n`;
    const body = Buffer.from(
      part('title', 'Special:Upload') +
        part('wpSourceType', 'File') +
        part('wpUploadFile', '', '') +
        part('wpDestFile', 'Empty.png') +
        part('wpEditToken', page.field('wpEditToken')) +
        part('wpUpload', 'Upload file') +
        `--${boundary}--\r\n`,
    );
    const empty = await b.postBody(ACTION, body, `multipart/form-data; boundary=${boundary}`);
    assert.equal(empty.status, 200);
    assert.match(empty.alert ?? '', /^The file you uploaded seems to be empty\./, main(empty));
    const none = await submitUpload(b, page, { wpDestFile: 'Empty.png' });
    assert.match(none.alert ?? '', /^The file you uploaded seems to be empty\./);
    assert.equal((await imageinfo(s, 'Empty.png')).missing, true);
  });

  it('uploads a new version from the file page’s link without stopping at "exists"', async () => {
    const b = await loggedIn(s);
    await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: 'Versioned.png' },
      {
        data: png(),
        name: 'v.png',
      },
    );
    const stashedBefore = await stashKeys(b);
    const page = await b.get('/wiki/Special:Upload?wpDestFile=Versioned.png&wpForReUpload=1');
    const m = main(page);
    assert.match(m, /<input id="wpDestFile" name="wpDestFile" size="60" value="Versioned.png" readonly>/);
    assert.match(
      m,
      /<label for="wpUploadDescription">File changes:<\/label>\n<input id="wpUploadDescription"/,
    );
    assert.equal(page.field('wpForReUpload'), '1');
    const data = png();
    const r = await submitUpload(
      b,
      page,
      { wpDestFile: 'Versioned.png', wpForReUpload: '1', wpUploadDescription: 'Sharper' },
      { data, name: 'v.png' },
    );
    assert.equal(r.status, 303, main(r));
    const info = await imageinfo(s, 'Versioned.png');
    assert.deepEqual(info.versions.map((v) => [v.sha1, v.comment]).slice(0, 1), [[sha1(data), 'Sharper']]);
    assert.equal(info.versions.length, 2);
    assert.deepEqual(await stashKeys(b), stashedBefore);
  });

  it('keeps the file after a recoverable error and publishes it under a better name', async () => {
    const b = await loggedIn(s);
    const data = png(2, 9);
    const r = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      { wpDestFile: '.png' },
      {
        data,
        name: 'n.png',
      },
    );
    assert.match(main(r), /<h2>Upload error<\/h2>/);
    assert.equal(r.alert, 'Filenames must be at least one letter.');
    assert.match(main(r), /id="wpIgnoreWarning"/);
    const key = r.field('wpSessionKey');
    assert.match(main(r), /value="Submit modified file description"/);
    const fixed = await b.post(ACTION, {
      wpSourceType: 'Stash',
      wpSessionKey: key,
      wpDestFile: 'With extension.png',
      wpEditToken: r.field('wpEditToken'),
      wpUpload: 'Submit modified file description',
    });
    assert.equal(fixed.location, '/wiki/File:With_extension.png', main(fixed));
    assert.equal((await imageinfo(s, 'With_extension.png')).versions[0]?.sha1, sha1(data));
  });

  it('shows names and descriptions with markup as text', async () => {
    const b = await loggedIn(s);
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const r = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      {
        wpDestFile: `${evil}.exe`,
        wpUploadDescription: evil,
      },
      { data: png(), name: 'e.png' },
    );
    assert.equal(r.status, 200);
    const m = main(r);
    assert.doesNotMatch(m, /<script>|<img src=x/);
    assert.match(
      m,
      /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;<\/textarea>/,
    );
    assert.equal(r.field('wpDestFile'), `${evil}.exe`);

    // A name the API changes: the warning names the new one, as text.
    const w = await submitUpload(
      b,
      await b.get('/wiki/Special:Upload'),
      {
        wpDestFile: 'a<b onerror=x>.png',
      },
      { data: png(), name: 'e.png' },
    );
    assert.match(w.alert ?? '', /^Filename has been changed to "A-b onerror=x-\.png"\.$/);
    assert.doesNotMatch(main(w), /<b onerror/);
  });
});
