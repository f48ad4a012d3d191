import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadImageInfo } from '../../src/files/imageinfo.js';
import { stashImageInfo } from '../../src/upload/stash/imageinfo.js';
import { TestClient } from '../helpers/client.js';
import { png, sha1, svg, text } from '../helpers/files.js';
import { onlyPage, publish, shapeLines, startWiki, type Wiki } from './setup.js';

const FULL =
  'timestamp|user|userid|comment|size|dimensions|sha1|mime|mediatype|url|metadata|bitdepth|canonicaltitle';

describe('prop=imageinfo and prop=stashimageinfo', () => {
  let w: Wiki;
  let origin: string;
  before(async () => {
    w = await startWiki();
    origin = w.s.origin;
  });
  after(() => w.s.close());

  it('describes the current version with every requested property (formatversion 1)', async () => {
    const data = png(120, 90);
    const up = await w.bot.upload({ filename: 'Ii one.png', ignorewarnings: 1, comment: 'first' }, data);
    assert.equal(up.json.upload.result, 'Success');
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii_one.png',
      iiprop: FULL,
      iiurlwidth: 40,
    });
    assert.equal(r.json.batchcomplete, '');
    assert.deepEqual(r.json.query.normalized, [{ from: 'File:Ii_one.png', to: 'File:Ii one.png' }]);
    const page = onlyPage(r.json);
    assert.equal(page.imagerepository, 'local');
    assert.equal(page.imageinfo.length, 1);
    const ii = page.imageinfo[0];
    assert.deepEqual(Object.keys(ii), [
      'timestamp',
      'user',
      'userid',
      'size',
      'width',
      'height',
      'comment',
      'canonicaltitle',
      'thumburl',
      'thumbwidth',
      'thumbheight',
      'responsiveUrls',
      'url',
      'descriptionurl',
      'descriptionshorturl',
      'sha1',
      'metadata',
      'mime',
      'mediatype',
      'bitdepth',
    ]);
    assert.equal(ii.user, 'UploadBot');
    assert.equal(typeof ii.userid, 'number');
    assert.equal(ii.size, data.length);
    assert.equal(ii.width, 120);
    assert.equal(ii.height, 90);
    assert.equal(ii.comment, 'first');
    assert.equal(ii.canonicaltitle, 'File:Ii one.png');
    assert.equal(ii.sha1, sha1(data));
    assert.equal(ii.mime, 'image/png');
    assert.equal(ii.mediatype, 'BITMAP');
    assert.match(ii.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(ii.url, new RegExp(`^${origin}/w/images/[0-9a-f]/[0-9a-f]{2}/Ii_one\\.png$`));
    assert.equal(ii.descriptionurl, `${origin}/w/index.php/File:Ii_one.png`);
    assert.equal(ii.descriptionshorturl, `${origin}/w/index.php?curid=${page.pageid}`);
    const dir = ii.url.slice(`${origin}/w/images/`.length, -'Ii_one.png'.length);
    assert.equal(ii.thumburl, `${origin}/w/images/thumb/${dir}Ii_one.png/40px-Ii_one.png`);
    assert.equal(ii.thumbwidth, 40);
    assert.equal(ii.thumbheight, 30);
    assert.deepEqual(ii.responsiveUrls, {
      '1.5': `${origin}/w/images/thumb/${dir}Ii_one.png/60px-Ii_one.png`,
      '2': `${origin}/w/images/thumb/${dir}Ii_one.png/80px-Ii_one.png`,
    });
  });

  it('prints the same shape in formatversion 2, with booleans and a page list', async () => {
    const r1 = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii one.png',
      iiprop: FULL,
    });
    const r2 = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii one.png',
      iiprop: FULL,
      formatversion: 2,
    });
    assert.equal(r2.json.batchcomplete, true);
    assert.ok(Array.isArray(r2.json.query.pages));
    assert.deepEqual(shapeLines(r2.json.query.pages[0].imageinfo), shapeLines(onlyPage(r1.json).imageinfo));
    const missing = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Nope.png',
      formatversion: 2,
    });
    assert.deepEqual(missing.json.query.pages, [
      { ns: 6, title: 'File:Nope.png', missing: true, imagerepository: '' },
    ]);
  });

  it('does not scale bitmaps up: the original stands in for a larger thumbnail', async () => {
    await w.bot.upload({ filename: 'Ii small.png', ignorewarnings: 1 }, png(7, 5));
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii small.png',
      iiprop: 'url',
      iiurlwidth: 40,
    });
    const ii = onlyPage(r.json).imageinfo[0];
    assert.equal(ii.thumburl, ii.url);
    assert.equal(ii.thumbwidth, 7);
    assert.equal(ii.thumbheight, 5);
    assert.equal(ii.responsiveUrls, undefined);
  });

  it('renders SVG thumbnails as PNG at any size, and fits iiurlheight boxes', async () => {
    await publish(w.s, 'Ii_vector.svg', svg(), { mime: 'image/svg+xml' });
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii vector.svg',
      iiprop: 'url|mime|thumbmime|mediatype',
      iiurlwidth: 40,
    });
    const ii = onlyPage(r.json).imageinfo[0];
    assert.equal(ii.mediatype, 'DRAWING');
    assert.match(ii.thumburl, /\/thumb\/[0-9a-f]\/[0-9a-f]{2}\/Ii_vector\.svg\/40px-Ii_vector\.svg\.png$/);
    assert.equal(ii.thumbwidth, 40);
    assert.equal(ii.thumbheight, 20);
    assert.equal(ii.thumbmime, 'image/png');
    assert.match(ii.responsiveUrls['2'], /\/80px-Ii_vector\.svg\.png$/);
    const boxed = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii vector.svg',
      iiprop: 'url',
      iiurlheight: 5,
    });
    const b = onlyPage(boxed.json).imageinfo[0];
    assert.equal(b.thumbwidth, 10);
    assert.equal(b.thumbheight, 5);
    const bad = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii vector.svg',
      iiprop: 'url',
      iiurlwidth: 0,
    });
    assert.equal(bad.json.error.code, 'urlparamnormal');
  });

  it('lists the history newest first and continues with iistart', async () => {
    const name = 'Ii history.png';
    const shas: string[] = [];
    for (const [i, d] of [png(4, 4), png(5, 5), png(6, 6)].entries()) {
      const r = await w.bot.upload({ filename: name, ignorewarnings: 1, comment: `v${i + 1}` }, d);
      assert.equal(r.json.upload.result, 'Success');
      shas.unshift(sha1(d));
    }
    const all = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: `File:${name}`,
      iiprop: 'sha1|comment|archivename|url',
      iilimit: 'max',
    });
    assert.deepEqual(all.json.limits, { imageinfo: 5000 });
    const list = onlyPage(all.json).imageinfo;
    assert.deepEqual(
      list.map((x: { sha1: string }) => x.sha1),
      shas,
    );
    assert.deepEqual(
      list.map((x: { comment: string }) => x.comment),
      ['v3', 'v2', 'v1'],
    );
    assert.equal(list[0].archivename, undefined);
    assert.match(list[1].archivename, /^\d{14}!Ii_history\.png$/);
    assert.match(list[1].url, /\/w\/images\/archive\/[0-9a-f]\/[0-9a-f]{2}\/\d{14}%21Ii_history\.png$/);

    const seen: string[] = [];
    let cont: Record<string, string> = {};
    for (let i = 0; i < 5; i++) {
      const r = await w.bot.get({
        action: 'query',
        prop: 'imageinfo',
        titles: `File:${name}`,
        iiprop: 'sha1',
        iilimit: 2,
        ...cont,
      });
      seen.push(...onlyPage(r.json).imageinfo.map((x: { sha1: string }) => x.sha1));
      if (!r.json.continue) {
        assert.equal(r.json.batchcomplete, '');
        break;
      }
      assert.equal(r.json.batchcomplete, undefined, 'a continued prop module leaves the batch incomplete');
      assert.equal(r.json.continue.continue, '||');
      assert.match(r.json.continue.iistart, /^\d{4}-\d\d-\d\dT/);
      cont = r.json.continue;
    }
    assert.deepEqual(seen, shas);
  });

  it('reports missing files, invalid titles and pages in other namespaces', async () => {
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Absent.png|File:|Talk:Foo',
      iiprop: 'size',
    });
    const pages = Object.values(r.json.query.pages) as Record<string, unknown>[];
    const absent = pages.find((p) => p.title === 'File:Absent.png')!;
    assert.deepEqual(absent, { ns: 6, title: 'File:Absent.png', missing: '', imagerepository: '' });
    const invalid = pages.find((p) => p.title === 'File:')!;
    assert.equal(invalid.invalid, '');
    assert.equal(
      invalid.invalidreason,
      'The requested page title is empty or contains only the name of a namespace.',
    );
    const talk = pages.find((p) => p.title === 'Talk:Foo')!;
    assert.equal(talk.imagerepository, undefined);
    // Destination checks ask for the upload warning of a name that has no file yet.
    const check = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Absent.png',
      iiprop: 'uploadwarning|canonicaltitle',
    });
    assert.deepEqual(onlyPage(check.json).imageinfo, [
      { html: '', canonicaltitle: 'File:Absent.png', filemissing: '' },
    ]);
  });

  it('prints handler metadata in version 1 by default and latest on request, plus common and extended metadata', async () => {
    await publish(w.s, 'Ii_meta.png', png(3, 2), { mime: 'image/png' });
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii meta.png',
      iiprop: 'metadata|commonmetadata|extmetadata',
    });
    const ii = onlyPage(r.json).imageinfo[0];
    assert.deepEqual(
      ii.metadata.map((m: { name: string }) => m.name),
      ['frameCount', 'loopCount', 'duration', 'bitDepth', 'colorType', 'metadata'],
    );
    assert.deepEqual(ii.commonmetadata, []);
    assert.deepEqual(Object.keys(ii.extmetadata), ['DateTime', 'ObjectName']);
    assert.deepEqual(ii.extmetadata.ObjectName, {
      value: 'Ii meta',
      source: 'mediawiki-metadata',
      hidden: '',
    });
    const filtered = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii meta.png',
      iiprop: 'extmetadata',
      iiextmetadatafilter: 'ObjectName',
      formatversion: 2,
    });
    assert.deepEqual(Object.keys(filtered.json.query.pages[0].imageinfo[0].extmetadata), ['ObjectName']);
  });

  it('builds the upload answer imageinfo: html block, latest metadata, short URL only when the page existed', async () => {
    const services = w.s.server.services;
    const ctx = { config: services.config, fv: 1 as const, services };
    const fresh = await publish(w.s, 'Ii_answer.png', png(10, 6), {
      mime: 'image/png',
      comment: 'see [[:File:Ii answer.png]]',
    });
    const a = await uploadImageInfo(ctx, fresh);
    assert.deepEqual(Object.keys(a), [
      'timestamp',
      'user',
      'userid',
      'size',
      'width',
      'height',
      'parsedcomment',
      'comment',
      'html',
      'canonicaltitle',
      'url',
      'descriptionurl',
      'sha1',
      'metadata',
      'commonmetadata',
      'extmetadata',
      'mime',
      'mediatype',
      'bitdepth',
    ]);
    assert.match(
      a.html as string,
      /^<p>A file with this name exists already, please check <strong><a class="mw-selflink selflink">File:Ii answer\.png<\/a><\/strong>/,
    );
    assert.match(
      a.html as string,
      /<div class="thumbinner" style="width:12px;"><a href="\/w\/index\.php\/File:Ii_answer\.png" class="image"><img alt="Ii answer\.png" src="\/w\/images\/[0-9a-f]\/[0-9a-f]{2}\/Ii_answer\.png" decoding="async" width="10" height="6" class="thumbimage" \/>/,
    );
    assert.equal(a.parsedcomment, 'see <a class="mw-selflink selflink">File:Ii answer.png</a>');
    const second = await publish(w.s, 'Ii_answer.png', png(11, 6), { mime: 'image/png' });
    const b = await uploadImageInfo(ctx, second);
    const pageId = onlyPage((await w.bot.get({ action: 'query', titles: 'File:Ii_answer.png' })).json).pageid;
    assert.equal(b.descriptionshorturl, `${origin}/w/index.php?curid=${pageId}`);
    const svgFile = await publish(w.s, 'Ii_answer.svg', svg(), { mime: 'image/svg+xml' });
    const c = await uploadImageInfo(ctx, svgFile);
    assert.match(
      c.html as string,
      /style="width:302px;".*\/300px-Ii_answer\.svg\.png".*width="300" height="150".*srcset="[^"]*450px-Ii_answer\.svg\.png 1\.5x, [^"]*600px-Ii_answer\.svg\.png 2x"/s,
    );
  });

  it('describes stashed uploads for their owner and refuses others', async () => {
    const data = png(10, 6);
    const up = await w.bot.upload({ filename: 'Ii stashed.png', stash: 1 }, data);
    assert.equal(up.json.upload.result, 'Success');
    const key = up.json.upload.filekey as string;
    const r = await w.bot.get({
      action: 'query',
      prop: 'stashimageinfo',
      siifilekey: key,
      siiprop: 'timestamp|canonicaltitle|url|size|dimensions|sha1|mime|metadata|bitdepth',
    });
    assert.equal(r.json.batchcomplete, '');
    const [si] = r.json.query.stashimageinfo;
    assert.deepEqual(Object.keys(si), [
      'timestamp',
      'size',
      'width',
      'height',
      'canonicaltitle',
      'url',
      'descriptionurl',
      'sha1',
      'metadata',
      'mime',
      'bitdepth',
    ]);
    assert.equal(si.sha1, sha1(data));
    assert.equal(si.url, `${origin}/w/index.php/Special:UploadStash/file/${key}`);
    assert.equal(si.descriptionurl, si.url);
    assert.match(si.canonicaltitle, /^File:\d{14}!php[A-Za-z0-9]{6}\.png$/);
    // The builder the upload module uses for stash answers prints every stash property.
    const entry = await w.s.server.services.uploads.stash.peek(key);
    assert.equal(entry?.state, 'ready');
    const full = await stashImageInfo({ config: w.s.server.services.config, fv: 1 }, entry);
    assert.deepEqual(Object.keys(full), [
      ...Object.keys(si).slice(0, 9),
      'commonmetadata',
      'extmetadata',
      'mime',
      'bitdepth',
    ]);

    const unknown = await w.bot.get({
      action: 'query',
      prop: 'stashimageinfo',
      siifilekey: 'abc123.def456.1.png',
      siiprop: 'size',
    });
    assert.equal(unknown.json.error.code, 'uploadstash-file-not-found');
    assert.equal(unknown.json.error.info, 'Key "abc123.def456.1.png" not found in stash.');
    assert.equal(unknown.headers.get('mediawiki-api-error'), 'uploadstash-file-not-found');

    const other = await w.admin();
    const foreign = await other.get({ action: 'query', prop: 'stashimageinfo', siifilekey: key });
    assert.equal(foreign.json.error.code, 'uploadstash-wrong-owner');
    assert.equal(foreign.json.error.info, `This file (${key}) doesn't belong to the current user.`);
    const anon = await new TestClient(w.s.api).get({
      action: 'query',
      prop: 'stashimageinfo',
      siifilekey: key,
    });
    assert.equal(anon.json.error.code, 'uploadstash-not-logged-in');
  });

  it('shows a file icon for files that cannot be rendered', async () => {
    await publish(w.s, 'Ii_notes.txt', text(), { mime: 'text/plain' });
    const r = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Ii notes.txt',
      iiprop: 'url|thumbmime',
      iiurlwidth: 50,
    });
    const ii = onlyPage(r.json).imageinfo[0];
    // MediaWiki 1.39 has an icon of its own for .txt (File::iconThumb).
    assert.equal(ii.thumburl, `${origin}/w/resources/assets/file-type-icons/fileicon-txt.png`);
    assert.equal((await fetch(ii.thumburl)).headers.get('content-type'), 'image/png');
    assert.equal(ii.thumbwidth, 120);
    assert.equal(ii.thumbmime, undefined);
  });
});
