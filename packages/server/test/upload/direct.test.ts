import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { gif, jpeg, pdf, png, sha1 } from '../helpers/files.js';
import {
  createAccount,
  createBot,
  createBotPassword,
  startTestServer,
  startWithBot,
  type TestServer,
} from '../helpers/server.js';

describe('action=upload with a file', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    ({ s, bot } = await startWithBot());
  });
  after(() => s.close());

  it('publishes a file and answers Success with imageinfo', async () => {
    const data = png(12, 7);
    const r = await bot.upload({ filename: 'direct one.png', ignorewarnings: 1, comment: 'first' }, data);
    assert.equal(r.json.upload.result, 'Success');
    assert.equal(r.json.upload.filename, 'Direct_one.png');
    const ii = r.json.upload.imageinfo;
    assert.equal(ii.sha1, sha1(data));
    assert.equal(ii.size, data.length);
    assert.equal(ii.width, 12);
    assert.equal(ii.height, 7);
    assert.equal(ii.mime, 'image/png');
    assert.equal(ii.user, 'UploadBot');
    assert.equal(ii.comment, 'first');
  });

  it('publishes a PDF, a GIF and a JPEG with their MIME types', async () => {
    for (const [name, data, mime] of [
      ['Direct doc.pdf', pdf(), 'application/pdf'],
      ['Direct dot.gif', gif(), 'image/gif'],
      ['Direct photo.jpg', jpeg(), 'image/jpeg'],
    ] as const) {
      const r = await bot.upload({ filename: name, ignorewarnings: 1 }, data);
      assert.equal(r.json.upload?.result, 'Success', `${name}: ${r.text}`);
      assert.equal(r.json.upload.imageinfo.mime, mime);
      assert.equal(r.json.upload.imageinfo.sha1, sha1(data));
    }
  });

  it('refuses an upload without a token, with a bad token, and over GET', async () => {
    const c = bot;
    const noToken = await c.post(
      { action: 'upload', filename: 'x.png' },
      { files: { file: { data: png() } } },
    );
    assert.equal(noToken.json.error.code, 'missingparam');
    assert.equal(noToken.json.error.info, 'The "token" parameter must be set.');
    const bad = await c.post(
      { action: 'upload', filename: 'x.png', token: '0123456789abcdef0123456789abcdef+\\' },
      { files: { file: { data: png() } } },
    );
    assert.equal(bad.json.error.code, 'badtoken');
    assert.equal(bad.headers.get('mediawiki-api-error'), 'badtoken');
    const get = await c.get({ action: 'upload', filename: 'x.png', token: await c.csrf() });
    assert.equal(get.json.error.code, 'mustpostparams');
    const getNoToken = await c.get({ action: 'upload', filename: 'x.png' });
    assert.equal(getNoToken.json.error.code, 'missingparam');
  });

  it('needs a logged-in user with the upload right (or grant)', async () => {
    const anon = new TestClient(s.api);
    const r = await anon.upload({ filename: 'anon.png', ignorewarnings: 1 }, png());
    assert.equal(r.json.error.code, 'mustbeloggedin');
    await createAccount(s, { name: 'Plainuser', password: 'plain-password-1' });
    const bp = await createBotPassword(s, {
      user: 'Plainuser',
      appId: 'noupload',
      grants: ['basic', 'editpage'],
    });
    const plain = new TestClient(s.api);
    await plain.login(bp.lgname, bp.password);
    const r2 = await plain.upload({ filename: 'plain.png', ignorewarnings: 1 }, png());
    assert.equal(r2.json.error.code, 'permissiondenied');
    assert.match(r2.json.error.info, /limited to users in one of the groups/);
  });

  it('validates the source parameters as MediaWiki does', async () => {
    const none = await bot.post({ action: 'upload', filename: 'a.png', token: await bot.csrf() });
    assert.equal(none.json.error.code, 'missingparam');
    assert.equal(none.json.error.info, 'One of the parameters "filekey", "file" and "url" is required.');
    const two = await bot.post(
      { action: 'upload', filename: 'a.png', url: 'http://example.org/a.png', token: await bot.csrf() },
      { files: { file: { data: png() } } },
    );
    assert.equal(two.json.error.code, 'invalidparammix');
    const noName = await bot.upload({ ignorewarnings: 1 }, png());
    assert.equal(noName.json.error.code, 'nofilename');
    const urlencoded = await bot.post({
      action: 'upload',
      filename: 'a.png',
      file: 'not a file',
      token: await bot.csrf(),
    });
    assert.equal(urlencoded.json.error.code, 'badupload');
    const asyncFile = await bot.upload({ filename: 'a.png', async: 1 }, png());
    assert.equal(asyncFile.json.error.code, 'cannot-async-upload-file');
  });

  it('refuses empty files and files over the size limit, keeping nothing', async () => {
    const empty = await bot.upload({ filename: 'empty.png', ignorewarnings: 1 }, Buffer.alloc(0));
    assert.equal(empty.json.error.code, 'empty-file');
    const small = await startTestServer({ uploads: { maxUploadSize: 1000 } });
    try {
      const b = await createBot(small);
      const c = new TestClient(small.api);
      await c.login(b.lgname, b.password);
      const r = await c.upload({ filename: 'big.png', ignorewarnings: 1 }, png(40, 40));
      assert.equal(r.json.error.code, 'file-too-large');
      const blobs = [];
      for await (const x of small.server.services.blobs.list('upload/')) blobs.push(x);
      assert.deepEqual(blobs, [], 'no blob left behind');
    } finally {
      await small.close();
    }
  });

  it('answers Warning with a filekey for exists, and publishes the stashed file with ignorewarnings', async () => {
    const a = png(6, 5);
    const b = png(7, 5);
    await bot.upload({ filename: 'Versions.png', ignorewarnings: 1, comment: 'v1' }, a);
    const w = await bot.upload({ filename: 'Versions.png', comment: 'v2' }, b);
    assert.equal(w.json.upload.result, 'Warning');
    assert.deepEqual(Object.keys(w.json.upload.warnings), ['exists']);
    assert.equal(w.json.upload.warnings.exists, 'Versions.png');
    assert.equal(w.json.upload.filekey, w.json.upload.sessionkey);
    const cur = await s.server.services.files.current('Versions.png');
    assert.equal(cur?.sha1, sha1(a), 'a warned upload does not replace the file');
    const c = await bot.post({
      action: 'upload',
      filename: 'Versions.png',
      filekey: w.json.upload.filekey,
      ignorewarnings: 1,
      comment: 'v2',
      token: await bot.csrf(),
    });
    assert.equal(c.json.upload.result, 'Success');
    assert.deepEqual(Object.keys(c.json.upload.warnings), ['exists'], 'warnings are still reported');
    const history = await s.server.services.files.history('Versions.png');
    assert.equal(history.length, 1);
    assert.equal(history[0]!.sha1, sha1(a));
    assert.match(history[0]!.archiveName, /^\d{14}!Versions\.png$/);
    const again = await bot.post({
      action: 'upload',
      filename: 'Versions.png',
      filekey: w.json.upload.filekey,
      token: await bot.csrf(),
    });
    assert.equal(again.json.error.code, 'uploadstash-file-not-found', 'a file key is used once');
  });

  it('reports nochange, and refuses it with fileexists-no-change even with ignorewarnings', async () => {
    const a = png(6, 6);
    await bot.upload({ filename: 'Same.png', ignorewarnings: 1 }, a);
    const w = await bot.upload({ filename: 'Same.png' }, a);
    assert.deepEqual(Object.keys(w.json.upload.warnings).sort(), ['exists', 'nochange']);
    assert.match(w.json.upload.warnings.nochange.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const e = await bot.upload({ filename: 'Same.png', ignorewarnings: 1 }, a);
    assert.equal(e.json.error.code, 'fileexists-no-change');
    assert.ok(Array.isArray(e.json.error.stasherrors));
  });

  it('reports duplicateversions when an old version has the bytes', async () => {
    const a = png(6, 7);
    await bot.upload({ filename: 'Dupver.png', ignorewarnings: 1 }, a);
    await bot.upload({ filename: 'Dupver.png', ignorewarnings: 1 }, png(6, 7));
    const w = await bot.upload({ filename: 'Dupver.png' }, a);
    assert.deepEqual(Object.keys(w.json.upload.warnings).sort(), ['duplicateversions', 'exists']);
    assert.equal(w.json.upload.warnings.duplicateversions.length, 1);
  });

  it('reports duplicate (other names with the same bytes) and page-exists', async () => {
    const a = png(8, 5);
    await bot.upload({ filename: 'Dup a.png', ignorewarnings: 1 }, a);
    const w = await bot.upload({ filename: 'Dup b.png' }, a);
    assert.deepEqual(w.json.upload.warnings, { duplicate: ['Dup_a.png'] });
  });

  it('reports exists-normalized, thumb-name, thumb and bad-prefix', async () => {
    await bot.upload({ filename: 'Norm.png', ignorewarnings: 1 }, png(4, 4));
    const upper = await bot.upload({ filename: 'Norm.PNG' }, png(4, 4));
    assert.deepEqual(upper.json.upload.warnings, { 'exists-normalized': 'Norm.png' });
    await bot.upload({ filename: 'Pic.jpg', ignorewarnings: 1 }, jpeg());
    const jpegName = await bot.upload({ filename: 'Pic.jpeg' }, jpeg());
    assert.deepEqual(jpegName.json.upload.warnings, { 'exists-normalized': 'Pic.jpg' });
    const thumbName = await bot.upload({ filename: '40px-Nothere.png' }, png(4, 4));
    assert.deepEqual(thumbName.json.upload.warnings, { 'thumb-name': '40px-Nothere.png' });
    const thumb = await bot.upload({ filename: '40px-Norm.png' }, png(4, 4));
    assert.deepEqual(thumb.json.upload.warnings, { thumb: '40px-Norm.png' });
    const prefix = await bot.upload({ filename: 'DSC_0001.png' }, png(4, 4));
    assert.deepEqual(prefix.json.upload.warnings, { 'bad-prefix': 'DSC_0001.png' });
  });

  it('checks change tags before publishing', async () => {
    const r = await bot.upload({ filename: 'Tagged.png', tags: 'NoSuchTag', ignorewarnings: 1 }, png(4, 4));
    assert.equal(r.json.error.code, 'badtags');
    assert.deepEqual(r.json.error.disallowedtags, ['NoSuchTag']);
    assert.equal(await s.server.services.files.current('Tagged.png'), null);
    const tagged = await startTestServer({ changeTags: [{ name: 'mytag', active: true }] });
    try {
      const b = await createBot(tagged);
      const c = new TestClient(tagged.api);
      await c.login(b.lgname, b.password);
      const ok = await c.upload({ filename: 'Tagged.png', tags: 'mytag', ignorewarnings: 1 }, png(4, 4));
      assert.equal(ok.json.upload.result, 'Success');
      const rows = await tagged.server.db.selectFrom('change_tags').selectAll().execute();
      assert.equal(rows.length, 1, 'the tag is on the log entry and the revision (one row with both ids)');
      assert.ok(rows[0]!.log_id && rows[0]!.rev_id);
    } finally {
      await tagged.close();
    }
  });

  it('writes the file page with text (or the comment), the upload log and the watchlist', async () => {
    await bot.upload(
      { filename: 'Paged.png', ignorewarnings: 1, comment: 'c1', text: 'Page text' },
      png(4, 4),
    );
    await bot.upload(
      { filename: 'Commented.png', ignorewarnings: 1, comment: 'only comment', watchlist: 'nochange' },
      png(4, 4),
    );
    const db = s.server.db;
    const page = await db
      .selectFrom('pages')
      .selectAll()
      .where('namespace', '=', 6)
      .where('title', '=', 'Paged.png')
      .executeTakeFirstOrThrow();
    const rev = await db
      .selectFrom('revisions')
      .selectAll()
      .where('id', '=', page.latest_rev_id)
      .executeTakeFirstOrThrow();
    assert.equal(rev.content, 'Page text');
    const p2 = await db
      .selectFrom('pages')
      .selectAll()
      .where('title', '=', 'Commented.png')
      .executeTakeFirstOrThrow();
    const r2 = await db
      .selectFrom('revisions')
      .selectAll()
      .where('id', '=', p2.latest_rev_id)
      .executeTakeFirstOrThrow();
    assert.equal(r2.content, 'only comment');
    const log = await db
      .selectFrom('logging')
      .selectAll()
      .where('type', '=', 'upload')
      .where('title', '=', 'Paged.png')
      .execute();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.action, 'upload');
    const watched = await db.selectFrom('watchlist').select('title').where('namespace', '=', 6).execute();
    const titles = watched.map((w) => w.title);
    assert.ok(titles.includes('Paged.png'), 'default preferences watch uploads');
    assert.ok(!titles.includes('Commented.png'), 'watchlist=nochange');
  });

  it('reports the deprecated watch parameter and unknown parameters as API warnings', async () => {
    const r = await bot.upload(
      { filename: 'Watch1.png', watch: 1, ignorewarnings: 1, bogus: 'x' },
      png(4, 4),
    );
    assert.equal(r.json.upload.result, 'Success');
    assert.equal(r.json.warnings.upload['*'], 'The parameter "watch" has been deprecated.');
    assert.match(r.json.warnings.main['*'], /Unrecognized parameter: bogus\./);
  });

  it('leaves no blob behind for an upload that failed verification', async () => {
    const before = [];
    for await (const x of s.server.services.blobs.list('upload/')) before.push(x.key);
    const r = await bot.upload({ filename: 'Mismatch.jpg', ignorewarnings: 1 }, png(4, 4));
    assert.equal(r.json.error.code, 'verification-error');
    const after = [];
    for await (const x of s.server.services.blobs.list('upload/')) after.push(x.key);
    assert.deepEqual(after.sort(), before.sort());
  });

  it('checks the content before the name, as MediaWiki does', async () => {
    const up = (filename: string, data: Uint8Array) => bot.upload({ filename, ignorewarnings: 1 }, data);
    // A PNG called .exe: the content check speaks first (MIME mismatch), not the banned extension.
    const exe = await up('Picture.png.exe', png(4, 4));
    assert.equal(exe.json.error.code, 'verification-error');
    assert.deepEqual(exe.json.error.details, ['filetype-mime-mismatch', 'exe', 'image/png']);
    // Text with an extension that is not allowed: banned (nothing in the content contradicts it).
    const bmp = await up('Notes.xyz', Buffer.from('just some words in a text file\n'));
    assert.equal(bmp.json.error.code, 'verification-error');
    assert.deepEqual(bmp.json.error.details, ['filetype-mime-mismatch', 'xyz', 'text/plain']);
    const banned = await up('Real.bmp', Buffer.from('424d', 'hex'));
    assert.equal(banned.json.error.code, 'filetype-banned');
    assert.equal(banned.json.error.filetype, 'bmp');
    // HTML is refused whatever it is called; so is script in an SVG.
    const html = await up('Page.txt', Buffer.from('<html><body><script>alert(1)</script></body></html>'));
    assert.equal(html.json.error.code, 'verification-error');
    assert.deepEqual(html.json.error.details, ['filetype-badmime', 'text/html']);
    const svg = await up(
      'Drawing.svg',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    );
    assert.equal(svg.json.error.code, 'verification-error');
    assert.deepEqual(svg.json.error.details, ['uploadscripted']);
    const onload = await up(
      'Handler.svg',
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>',
      ),
    );
    assert.equal(onload.json.error.code, 'verification-error');
    assert.equal(onload.json.error.details[0], 'uploaded-event-handler-on-svg');
    // A clean SVG gets its dimensions from the drawing.
    const clean = await up(
      'Clean drawing.svg',
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="5" height="5"/></svg>',
      ),
    );
    assert.equal(clean.json.upload.result, 'Success');
    assert.equal(clean.json.upload.imageinfo.mime, 'image/svg+xml');
    assert.equal(clean.json.upload.imageinfo.width, 30);
    assert.equal(clean.json.upload.imageinfo.height, 20);
    assert.equal(clean.json.upload.imageinfo.mediatype, 'DRAWING');
  });

  it("lists the user's own stash with list=mystashedfiles", async () => {
    const data = png(6, 5);
    const st = await bot.upload({ filename: 'Stashed for list.png', stash: 1 }, data);
    const key = st.json.upload.filekey as string;
    const r = await bot.get({ action: 'query', list: 'mystashedfiles', msfprop: 'size|type', msflimit: 500 });
    const mine = (r.json.query.mystashedfiles as Record<string, unknown>[]).find((e) => e.filekey === key);
    assert.deepEqual(mine, {
      filekey: key,
      status: 'finished',
      size: data.length,
      width: 6,
      height: 5,
      bits: 8,
      mimetype: 'image/png',
      mediatype: 'BITMAP',
    });
    const other = new TestClient(s.api);
    await createAccount(s, { name: 'StashNosy', password: 'nosy-password-1234' });
    await other.login('StashNosy', 'nosy-password-1234');
    const theirs = await other.get({ action: 'query', list: 'mystashedfiles' });
    assert.deepEqual(theirs.json.query.mystashedfiles, []);
    const anon = await new TestClient(s.api).get({ action: 'query', list: 'mystashedfiles' });
    assert.equal(anon.json.error.code, 'stashnotloggedin');
  });
});
