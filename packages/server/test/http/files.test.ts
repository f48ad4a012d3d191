import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { hashPath } from '../../src/files/urls.js';
import { png, sha1, svg } from '../helpers/files.js';
import { onlyPage, publish, startWiki, type Wiki } from '../query/setup.js';

describe('file serving, thumbnails, description pages and the upload stash', () => {
  let w: Wiki;
  let origin: string;
  const v1 = png(64, 48);
  const v2 = png(80, 40);
  let url: string;
  let archiveUrl: string;

  const get = (u: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(u, { headers, method });

  before(async () => {
    w = await startWiki();
    origin = w.s.origin;
    await w.bot.upload({ filename: 'Served.png', ignorewarnings: 1, comment: 'first' }, v1);
    await w.bot.upload({ filename: 'Served.png', ignorewarnings: 1, comment: 'second' }, v2);
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Served.png',
      iiprop: 'url',
      iilimit: 2,
    });
    const ii = onlyPage(r.json).imageinfo;
    url = ii[0].url;
    archiveUrl = ii[1].url;
  });
  after(() => w.s.close());

  it('serves the current version with its type, validators and caching headers', async () => {
    assert.equal(url, `${origin}/w/images/${hashPath('Served.png')}Served.png`);
    const r = await get(url);
    assert.equal(r.status, 200);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), v2);
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.equal(r.headers.get('content-length'), String(v2.length));
    assert.equal(r.headers.get('etag'), `"${sha1(v2)}"`);
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('last-modified'));
    assert.match(r.headers.get('cache-control') ?? '', /public/);
    const head = await get(url, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(v2.length));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('answers conditional requests with 304', async () => {
    const etag = `"${sha1(v2)}"`;
    const r = await get(url, { 'if-none-match': etag });
    assert.equal(r.status, 304);
    assert.equal((await r.arrayBuffer()).byteLength, 0);
    assert.equal((await get(url, { 'if-none-match': `W/"nope", ${etag}` })).status, 304);
    assert.equal((await get(url, { 'if-none-match': '"other"' })).status, 200);
    const lm = (await get(url, {}, 'HEAD')).headers.get('last-modified')!;
    assert.equal((await get(url, { 'if-modified-since': lm })).status, 304);
    assert.equal((await get(url, { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status, 200);
  });

  it('serves single byte ranges (206), refuses unsatisfiable ones (416) and honours If-Range', async () => {
    const r = await get(url, { range: 'bytes=10-19' });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes 10-19/${v2.length}`);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), v2.subarray(10, 20));
    const suffix = await get(url, { range: 'bytes=-5' });
    assert.equal(suffix.status, 206);
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), v2.subarray(v2.length - 5));
    const open = await get(url, { range: `bytes=${v2.length - 3}-` });
    assert.deepEqual(Buffer.from(await open.arrayBuffer()), v2.subarray(v2.length - 3));
    const bad = await get(url, { range: `bytes=${v2.length}-` });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), `bytes */${v2.length}`);
    const stale = await get(url, { range: 'bytes=0-3', 'if-range': '"stale"' });
    assert.equal(stale.status, 200);
    assert.equal((await stale.arrayBuffer()).byteLength, v2.length);
    const fresh = await get(url, { range: 'bytes=0-3', 'if-range': `"${sha1(v2)}"` });
    assert.equal(fresh.status, 206);
  });

  it('serves old versions from the archive path', async () => {
    assert.match(archiveUrl, /\/w\/images\/archive\/[0-9a-f]\/[0-9a-f]{2}\/\d{14}%21Served\.png$/);
    const r = await get(archiveUrl);
    assert.equal(r.status, 200);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), v1);
    assert.equal(r.headers.get('etag'), `"${sha1(v1)}"`);
  });

  it('answers 404 (never 500) for missing files and hostile paths', async () => {
    const bad = [
      `/w/images/${hashPath('Nope.png')}Nope.png`,
      '/w/images/0/00/Served.png',
      '/w/images/a/ab/%2e%2e%2fetc%2fpasswd',
      `/w/images/${hashPath('Served.png')}..%2FServed.png`,
      `/w/images/${hashPath('Served.png')}Served.png%00.html`,
      '/w/images/archive/0/00/nonsense',
      `/w/images/thumb/${hashPath('Served.png')}Served.png/40px-Other.png`,
      `/w/images/thumb/${hashPath('Served.png')}Served.png/abcpx-Served.png`,
      `/w/images/${'x/'.repeat(400)}`,
      `/w/images/a/ab/${'%E2%82%AC'.repeat(700)}`,
      '/w/images/',
      '/w/images/thumb/archive',
    ];
    for (const p of bad) {
      const r = await get(origin + p);
      assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status}`);
      assert.notEqual(r.headers.get('content-type'), 'image/png', p);
      await r.arrayBuffer();
    }
    const missing = await get(`${origin}/w/images/${hashPath('Nope.png')}Nope.png`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await missing.text(), /Not Found/);
  });

  it('renders thumbnails on demand at the requested width and stores them once', async () => {
    const thumbUrl = `${origin}/w/images/thumb/${hashPath('Served.png')}Served.png/40px-Served.png`;
    const [a, b] = await Promise.all([get(thumbUrl), get(thumbUrl)]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(a.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await a.arrayBuffer());
    assert.deepEqual(Buffer.from(await b.arrayBuffer()), bytes);
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.width, 40);
    assert.equal(meta.height, 20);
    const db = w.s.server.db;
    const rows = await db
      .selectFrom('thumbnails')
      .selectAll()
      .where('key', 'like', `${sha1(v2)}/%`)
      .execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.key, `${sha1(v2)}/40px.png`);
    const again = await get(thumbUrl);
    assert.deepEqual(Buffer.from(await again.arrayBuffer()), bytes);
    const rowsAfter = await db
      .selectFrom('thumbnails')
      .select('created_ms')
      .where('key', '=', `${sha1(v2)}/40px.png`)
      .execute();
    assert.equal(rowsAfter[0]!.created_ms, rows[0]!.created_ms, 'served from the stored thumbnail');
    const cond = await get(thumbUrl, { 'if-none-match': a.headers.get('etag')! });
    assert.equal(cond.status, 304);
    const tooBig = await get(`${origin}/w/images/thumb/${hashPath('Served.png')}Served.png/200px-Served.png`);
    assert.equal(tooBig.status, 400);
    await tooBig.arrayBuffer();
    const oldThumb = await get(
      archiveUrl.replace('/w/images/archive/', '/w/images/thumb/archive/') + '/32px-Served.png',
    );
    assert.equal(oldThumb.status, 200);
    assert.equal((await sharp(Buffer.from(await oldThumb.arrayBuffer())).metadata()).width, 32);
  });

  it('serves SVG with a script-free policy and rasterises it for thumbnails', async () => {
    const data = svg();
    await publish(w.s, 'Drawing.svg', data, { mime: 'image/svg+xml' });
    const base = `${origin}/w/images/${hashPath('Drawing.svg')}Drawing.svg`;
    const r = await get(base);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/svg+xml');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(r.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), data);
    const t = await get(
      `${origin}/w/images/thumb/${hashPath('Drawing.svg')}Drawing.svg/300px-Drawing.svg.png`,
    );
    assert.equal(t.status, 200);
    assert.equal(t.headers.get('content-type'), 'image/png');
    const meta = await sharp(Buffer.from(await t.arrayBuffer())).metadata();
    assert.equal(meta.width, 300);
    assert.equal(meta.height, 150);
    const wrongName = await get(
      `${origin}/w/images/thumb/${hashPath('Drawing.svg')}Drawing.svg/300px-Drawing.svg`,
    );
    assert.equal(wrongName.status, 404);
    await wrongName.arrayBuffer();
  });

  it('never serves a type a browser would run: such files are downloads', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    await publish(w.s, 'Page.html', html, { mime: 'text/html', mediaType: 'TEXT' });
    const r = await get(`${origin}/w/images/${hashPath('Page.html')}Page.html`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename\*=UTF-8''Page\.html$/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    await r.arrayBuffer();
  });

  it('serves the generic file icon that imageinfo gives for files without a handler', async () => {
    const r = await get(`${origin}/w/resources/assets/file-type-icons/fileicon.png`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.equal((await sharp(Buffer.from(await r.arrayBuffer())).metadata()).width, 120);
  });

  it('shows a description page with the file, its history and the log', async () => {
    const r = await get(`${origin}/w/index.php/File:Served.png`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=UTF-8/);
    const html = await r.text();
    assert.match(html, /<title>File:Served\.png - /);
    assert.match(html, /File history/);
    assert.match(html, /<thead><tr><th scope="col">Date\/Time<\/th>/);
    assert.equal(/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1]?.match(/<tr[ >]/g)?.length, 2, 'two versions');
    assert.ok(html.includes(`/w/images/${hashPath('Served.png')}Served.png`));
    assert.ok(html.includes('upload/overwrite'));
    const byQuery = await get(`${origin}/w/index.php?title=File:Served.png`);
    assert.equal(byQuery.status, 200);
    await byQuery.arrayBuffer();
    const pageid = onlyPage((await w.bot.get({ action: 'query', titles: 'File:Served.png' })).json).pageid;
    const short = await get(`${origin}/w/index.php?curid=${pageid}`);
    assert.equal(short.status, 200);
    await short.arrayBuffer();
    const missing = await get(`${origin}/w/index.php/File:Missing_file.png`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /There is currently no text in this page/);
    await w.bot.post({
      action: 'edit',
      title: 'Escaped',
      text: '<script>alert(1)</script>',
      token: await w.bot.csrf(),
    });
    const esc = await (await get(`${origin}/w/index.php/Escaped`)).text();
    assert.ok(!esc.includes('<script>'));
    assert.ok(esc.includes('&lt;script&gt;'));
    const raw = await get(`${origin}/w/index.php?title=Escaped&action=raw`);
    assert.match(raw.headers.get('content-type') ?? '', /^text\/x-wiki/);
    assert.equal(await raw.text(), '<script>alert(1)</script>');
  });

  it('serves stashed uploads to their owner only', async () => {
    const data = png(12, 8);
    const up = await w.bot.upload({ filename: 'Stashed view.png', stash: 1 }, data);
    const key = up.json.upload.filekey as string;
    const stashUrl = `${origin}/w/index.php/Special:UploadStash/file/${key}`;
    const cookie = [...w.bot.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const mine = await get(stashUrl, { cookie });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await mine.arrayBuffer()), data);
    const anon = await get(stashUrl);
    assert.equal(anon.status, 403);
    await anon.arrayBuffer();
    const other = await w.admin();
    const theirs = await get(stashUrl, {
      cookie: [...other.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    });
    assert.equal(theirs.status, 403);
    await theirs.arrayBuffer();
    const unknown = await get(`${origin}/w/index.php/Special:UploadStash/file/aaaaaa.bbbbbb.1.png`, {
      cookie,
    });
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
    const thumb = await get(`${origin}/w/index.php/Special:UploadStash/thumb/${key}/6px-${key}`, { cookie });
    assert.equal(thumb.status, 200);
    assert.equal((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width, 6);
  });
});
