import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { hashPath } from '../../src/files/urls.js';
import { png, sha1 } from '../helpers/files.js';
import { ihdr, PNG_SIG, pngChunk } from '../media/helpers.js';
import { onlyPage, startWiki, type Wiki } from '../query/setup.js';

/** A PNG that declares `w`×`h` pixels but holds only a few bytes of image data. */
const hugePng = (w: number, h: number) =>
  Buffer.concat([
    PNG_SIG,
    ihdr(w, h),
    pngChunk('IDAT', deflateSync(Buffer.concat([Buffer.from([0]), randomBytes(3000)]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);

const AREA_ERROR = 'Error creating thumbnail: File with dimensions greater than 12.5 MP';

describe('thumbnail limits: files over $wgMaxImageArea are refused from their header, never decoded', () => {
  let w: Wiki;
  before(async () => {
    w = await startWiki();
  });
  after(() => w.s.close());

  const thumbUrl = (name: string, width: number) =>
    `${w.s.origin}/w/images/thumb/${hashPath(name)}${name}/${width}px-${name}`;
  const rows = (bytes: Buffer) =>
    w.s.server.db
      .selectFrom('thumbnails')
      .selectAll()
      .where('key', 'like', `${sha1(bytes)}/%`)
      .execute();

  for (const [name, side] of [
    ['Huge_16000.png', 16000],
    ['Huge_100000.png', 100000],
  ] as const) {
    it(`answers thumberror in imageinfo and 400 on the thumb URL for a ${side}×${side} PNG`, async () => {
      const bytes = hugePng(side, side);
      const up = await w.bot.upload({ filename: name, ignorewarnings: 1 }, bytes);
      assert.equal(up.json.upload.result, 'Success');
      assert.deepEqual([up.json.upload.imageinfo.width, up.json.upload.imageinfo.height], [side, side]);
      const r = await w.bot.get({
        action: 'query',
        prop: 'imageinfo',
        titles: `File:${name}`,
        iiprop: 'url|size',
        iiurlwidth: 40,
      });
      const ii = onlyPage(r.json).imageinfo[0];
      assert.equal(ii.thumberror, AREA_ERROR);
      assert.equal(ii.thumburl, undefined);
      assert.equal(ii.responsiveUrls, undefined);
      assert.match(ii.url, /\/w\/images\//);

      const t = await fetch(thumbUrl(name, 40));
      assert.equal(t.status, 400);
      assert.match(t.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(t.headers.get('cache-control'), 'no-cache');
      const html = await t.text();
      assert.match(html, /<title>Error generating thumbnail<\/title>/);
      assert.ok(html.includes(AREA_ERROR), html);
      assert.deepEqual(await rows(bytes), [], 'nothing was rendered');
      assert.deepEqual(w.s.server.app.thumbnails.load, { active: 0, waiting: 0 });
      // The original is still served as it is.
      const orig = await fetch(ii.url);
      assert.equal(orig.status, 200);
      assert.deepEqual(Buffer.from(await orig.arrayBuffer()), bytes);
    });
  }

  it('still renders ordinary thumbnails', async () => {
    const bytes = png(120, 90);
    await w.bot.upload({ filename: 'Ordinary.png', ignorewarnings: 1 }, bytes);
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ordinary.png',
      iiprop: 'url',
      iiurlwidth: 40,
    });
    const ii = onlyPage(r.json).imageinfo[0];
    assert.equal(ii.thumberror, undefined);
    assert.equal(ii.thumburl, thumbUrl('Ordinary.png', 40));
    const t = await fetch(ii.thumburl);
    assert.equal(t.status, 200);
    const meta = await sharp(Buffer.from(await t.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 40, 30]);
    assert.equal((await rows(bytes)).length, 1);
  });
});

describe('thumbnail limits are configurable', () => {
  let w: Wiki;
  before(async () => {
    w = await startWiki({ thumbnails: { maxImageArea: 1000 } });
  });
  after(() => w.s.close());

  it('applies thumbnails.maxImageArea ($wgMaxImageArea) to imageinfo and the thumb URL', async () => {
    await w.bot.upload({ filename: 'Small limit.png', ignorewarnings: 1 }, png(64, 48));
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Small limit.png',
      iiprop: 'url',
      iiurlwidth: 32,
    });
    const text = 'Error creating thumbnail: File with dimensions greater than 1 KP';
    assert.equal(onlyPage(r.json).imageinfo[0].thumberror, text);
    const t = await fetch(
      `${w.s.origin}/w/images/thumb/${hashPath('Small_limit.png')}Small_limit.png/32px-Small_limit.png`,
    );
    assert.equal(t.status, 400);
    assert.ok((await t.text()).includes(text));
  });
});
