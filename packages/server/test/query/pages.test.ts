import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, sha1 } from '../helpers/files.js';
import { onlyPage, startWiki, type Wiki } from './setup.js';

const LEGACY_WARNING =
  'Because "rvslots" was not specified, a legacy format has been used for the output. This format is deprecated, and in the future the new format will always be used.';

describe('prop=info, prop=revisions and action=edit|delete|undelete', () => {
  let w: Wiki;
  before(async () => {
    w = await startWiki();
  });
  after(() => w.s.close());

  const edit = async (c: typeof w.bot, params: Record<string, string | number>) =>
    c.post({ action: 'edit', token: await c.csrf(), ...params });

  it('saves an upload’s page text as MediaWiki does: Unix line ends, no trailing whitespace', async () => {
    const up = await w.bot.upload(
      { filename: 'Pg trimmed.png', text: 'Line one\r\nLine two  \r\n\r\n', ignorewarnings: 1 },
      png(5, 5),
    );
    assert.equal(up.json.upload.result, 'Success', JSON.stringify(up.json));
    const raw = await fetch(`${w.s.origin}/w/index.php?title=File:Pg_trimmed.png&action=raw`);
    assert.equal(await raw.text(), 'Line one\nLine two');
  });

  it('creates a page with action=edit as MediaWiki answers it, then refuses createonly and nocreate', async () => {
    const r = await edit(w.bot, { title: 'File:Pg_page.png', text: 'page without file', createonly: 1 });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json.edit), [
      'new',
      'result',
      'pageid',
      'title',
      'contentmodel',
      'oldrevid',
      'newrevid',
      'newtimestamp',
    ]);
    assert.equal(r.json.edit.new, '');
    assert.equal(r.json.edit.result, 'Success');
    assert.equal(r.json.edit.title, 'File:Pg page.png');
    assert.equal(r.json.edit.contentmodel, 'wikitext');
    assert.equal(r.json.edit.oldrevid, 0);
    assert.equal(typeof r.json.edit.newrevid, 'number');
    const again = await edit(w.bot, { title: 'File:Pg page.png', text: 'x', createonly: 1 });
    assert.equal(again.json.error.code, 'articleexists');
    assert.equal(again.json.error.info, 'The article you tried to create has been created already.');
    assert.equal(again.headers.get('mediawiki-api-error'), 'articleexists');
    const nocreate = await edit(w.bot, { title: 'Never there', text: 'x', nocreate: 1 });
    assert.equal(nocreate.json.error.code, 'missingtitle');
    const notext = await edit(w.bot, { title: 'Never there' });
    assert.equal(notext.json.error.code, 'missingparam');
    assert.equal(
      notext.json.error.info,
      'At least one of the parameters "text", "appendtext", "prependtext" and "undo" is required.',
    );
    const badTitle = await edit(w.bot, { title: 'File:', text: 'x' });
    assert.equal(badTitle.json.error.code, 'invalidtitle');
  });

  it('appends, reports no change, and needs a CSRF token in a POST', async () => {
    const first = await edit(w.bot, { title: 'Pg notes', text: 'one' });
    const second = await edit(w.bot, { title: 'Pg notes', appendtext: '\ntwo', summary: 'more' });
    assert.equal(second.json.edit.new, undefined);
    assert.equal(second.json.edit.oldrevid, first.json.edit.newrevid);
    const same = await edit(w.bot, { title: 'Pg notes', text: 'one\ntwo' });
    assert.equal(same.json.edit.nochange, '');
    assert.equal(same.json.edit.newrevid, undefined);
    const bad = await w.bot.post({ action: 'edit', title: 'Pg notes', text: 'x', token: 'bad+\\' });
    assert.equal(bad.json.error.code, 'badtoken');
    const get = await w.bot.get({ action: 'edit', title: 'Pg notes', text: 'x', token: await w.bot.csrf() });
    assert.equal(get.json.error.code, 'mustpostparams');
    const r = await w.bot.get({
      action: 'query',
      prop: 'revisions',
      titles: 'Pg notes',
      rvprop: 'content|comment',
      rvslots: 'main',
      rvlimit: 'max',
    });
    const revs = onlyPage(r.json).revisions;
    assert.deepEqual(
      revs.map((x: { comment: string }) => x.comment),
      ['more', 'Created page with "one"'],
    );
    assert.equal(revs[0].slots.main['*'], 'one\ntwo');
    assert.deepEqual(r.json.limits, { revisions: 500 });
  });

  it('prints page info and the latest revision in the legacy format with a deprecation warning', async () => {
    const up = await w.bot.upload(
      { filename: 'Pg upload.png', ignorewarnings: 1, comment: 'the comment', text: 'the text' },
      png(4, 4),
    );
    assert.equal(up.json.upload.result, 'Success');
    const r = await w.bot.get({
      action: 'query',
      prop: 'info|revisions',
      rvprop: 'content|comment|user',
      titles: 'File:Pg_upload.png',
    });
    assert.deepEqual(r.json.warnings, {
      main: {
        '*': 'Subscribe to the mediawiki-api-announce mailing list at <https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/> for notice of API deprecations and breaking changes.',
      },
      revisions: { '*': LEGACY_WARNING },
    });
    const page = onlyPage(r.json);
    assert.deepEqual(Object.keys(page), [
      'pageid',
      'ns',
      'title',
      'contentmodel',
      'pagelanguage',
      'pagelanguagehtmlcode',
      'pagelanguagedir',
      'touched',
      'lastrevid',
      'length',
      'new',
      'revisions',
    ]);
    assert.equal(page.length, 8);
    assert.deepEqual(page.revisions, [
      {
        user: 'UploadBot',
        contentformat: 'text/x-wiki',
        contentmodel: 'wikitext',
        comment: 'the comment',
        '*': 'the text',
      },
    ]);
    const v2 = await w.bot.get({
      action: 'query',
      prop: 'revisions',
      rvprop: 'content|ids|sha1|size|flags|timestamp|userid|tags',
      rvslots: 'main',
      titles: 'File:Pg_upload.png',
      formatversion: 2,
    });
    assert.equal(v2.json.warnings, undefined);
    const rev = v2.json.query.pages[0].revisions[0];
    assert.deepEqual(rev.slots, {
      main: { contentmodel: 'wikitext', contentformat: 'text/x-wiki', content: 'the text' },
    });
    assert.equal(rev.minor, false);
    assert.equal(rev.parentid, 0);
    assert.equal(rev.size, 8);
    assert.equal(rev.sha1, sha1(Buffer.from('the text')));
    assert.deepEqual(rev.tags, []);
  });

  it('pages through revisions with rvcontinue and refuses list options for several pages', async () => {
    for (let i = 0; i < 4; i++) await edit(w.bot, { title: 'Pg many', text: `text ${i}` });
    const ids: number[] = [];
    let cont: Record<string, string> = {};
    for (let i = 0; i < 5; i++) {
      const r = await w.bot.get({
        action: 'query',
        prop: 'revisions',
        titles: 'Pg many',
        rvprop: 'ids',
        rvlimit: 3,
        ...cont,
      });
      ids.push(...onlyPage(r.json).revisions.map((x: { revid: number }) => x.revid));
      if (!r.json.continue) break;
      assert.equal(r.json.batchcomplete, undefined);
      assert.equal(r.json.continue.continue, '||');
      assert.match(r.json.continue.rvcontinue, /^\d{14}\|\d+$/);
      cont = r.json.continue;
    }
    assert.equal(ids.length, 4);
    assert.deepEqual(
      [...ids].sort((a, b) => b - a),
      ids,
    );
    const newer = await w.bot.get({
      action: 'query',
      prop: 'revisions',
      titles: 'Pg many',
      rvprop: 'ids',
      rvdir: 'newer',
      rvlimit: 10,
    });
    assert.deepEqual(
      onlyPage(newer.json).revisions.map((x: { revid: number }) => x.revid),
      [...ids].reverse(),
    );
    const multi = await w.bot.get({
      action: 'query',
      prop: 'revisions',
      titles: 'Pg many|Pg notes',
      rvlimit: 2,
    });
    assert.equal(multi.json.error.code, 'invalidparammix');
    const latest = await w.bot.get({
      action: 'query',
      prop: 'revisions',
      titles: 'Pg many|Pg notes|Pg missing',
    });
    const pages = Object.values(latest.json.query.pages) as { title: string; revisions?: unknown[] }[];
    assert.equal(pages.find((p) => p.title === 'Pg many')!.revisions!.length, 1);
    assert.equal(pages.find((p) => p.title === 'Pg missing')!.revisions, undefined);
  });

  it('shows the watched flag to users who may view their watchlist', async () => {
    const a = await (await w.admin()).upload(
      { filename: 'Pg watched.png', ignorewarnings: 1, watchlist: 'watch' },
      png(3, 3),
    );
    assert.equal(a.json.upload.result, 'Success');
    const b = await (await w.admin()).upload(
      { filename: 'Pg unwatched.png', ignorewarnings: 1, watchlist: 'nochange' },
      png(3, 3),
    );
    assert.equal(b.json.upload.result, 'Success');
    const titles = 'File:Pg_watched.png|File:Pg_unwatched.png';
    const r = await (await w.admin()).get({
      action: 'query',
      prop: 'info',
      inprop: 'watched|notificationtimestamp|url|protection',
      titles,
    });
    const pages = Object.values(r.json.query.pages) as Record<string, unknown>[];
    const watched = pages.find((p) => p.title === 'File:Pg watched.png')!;
    const unwatched = pages.find((p) => p.title === 'File:Pg unwatched.png')!;
    assert.equal(watched.watched, '');
    assert.equal(unwatched.watched, undefined);
    assert.equal(watched.notificationtimestamp, '');
    assert.deepEqual(watched.protection, []);
    assert.deepEqual(watched.restrictiontypes, ['edit', 'move', 'upload']);
    assert.equal(watched.fullurl, `${w.s.origin}/w/index.php/File:Pg_watched.png`);
    assert.equal(watched.editurl, `${w.s.origin}/w/index.php?title=File:Pg_watched.png&action=edit`);
    const v2 = await (await w.admin()).get({
      action: 'query',
      prop: 'info',
      inprop: 'watched',
      titles,
      formatversion: 2,
    });
    assert.deepEqual(v2.json.query.pages.map((p: { watched: boolean }) => p.watched).sort(), [false, true]);
    // A bot password without the viewmywatchlist grant gets no flag at all.
    const bot = await w.bot.get({
      action: 'query',
      prop: 'info',
      inprop: 'watched',
      titles,
      formatversion: 2,
    });
    assert.ok(bot.json.query.pages.every((p: Record<string, unknown>) => !('watched' in p)));
    const missing = await (await w.admin()).get({
      action: 'query',
      prop: 'info',
      inprop: 'protection',
      titles: 'Pg nothing here',
    });
    const m = onlyPage(missing.json);
    assert.equal(m.missing, '');
    assert.deepEqual(m.restrictiontypes, ['create']);
    assert.equal(m.contentmodel, 'wikitext');
    assert.equal(m.touched, undefined);
  });

  it('deletes files for users with the delete right, and restores them with action=undelete', async () => {
    const v1 = png(4, 5);
    const v2 = png(5, 5);
    await w.bot.upload({ filename: 'Pg gone.png', ignorewarnings: 1 }, v1);
    await w.bot.upload({ filename: 'Pg gone.png', ignorewarnings: 1 }, v2);
    const denied = await w.bot.post({
      action: 'delete',
      title: 'File:Pg gone.png',
      reason: 'x',
      token: await w.bot.csrf(),
    });
    assert.equal(denied.json.error.code, 'permissiondenied');
    const del = await (await w.admin()).post({
      action: 'delete',
      title: 'File:Pg_gone.png',
      reason: 'conformance test',
      token: await (await w.admin()).csrf(),
    });
    assert.deepEqual(Object.keys(del.json.delete), ['title', 'reason', 'logid']);
    assert.equal(del.json.delete.title, 'File:Pg gone.png');
    assert.equal(del.json.delete.reason, 'conformance test');
    const ii = await w.bot.get({ action: 'query', prop: 'imageinfo', titles: 'File:Pg gone.png' });
    assert.equal(onlyPage(ii.json).missing, '');
    const log = await w.bot.get({
      action: 'query',
      list: 'logevents',
      letitle: 'File:Pg gone.png',
      letype: 'delete',
    });
    assert.equal(log.json.query.logevents[0].logid, del.json.delete.logid);
    assert.equal(log.json.query.logevents[0].user, 'Admin');
    assert.deepEqual(log.json.query.logevents[0].params, {});
    const again = await (await w.admin()).post({
      action: 'delete',
      title: 'File:Pg_gone.png',
      token: await (await w.admin()).csrf(),
    });
    assert.equal(again.json.error.code, 'missingtitle');

    const undenied = await w.bot.post({
      action: 'undelete',
      title: 'File:Pg gone.png',
      token: await w.bot.csrf(),
    });
    assert.equal(undenied.json.error.code, 'permissiondenied');
    const und = await (await w.admin()).post({
      action: 'undelete',
      title: 'File:Pg gone.png',
      reason: 'back',
      token: await (await w.admin()).csrf(),
    });
    assert.deepEqual(und.json.undelete, {
      title: 'File:Pg gone.png',
      revisions: 1,
      fileversions: 2,
      reason: 'back',
    });
    const hist = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Pg gone.png',
      iiprop: 'sha1',
      iilimit: 10,
    });
    assert.deepEqual(
      onlyPage(hist.json).imageinfo.map((x: { sha1: string }) => x.sha1),
      [sha1(v2), sha1(v1)],
    );
    const nothing = await (await w.admin()).post({
      action: 'undelete',
      title: 'File:Pg gone.png',
      token: await (await w.admin()).csrf(),
    });
    assert.equal(nothing.json.error.code, 'cantundelete');
  });

  it('deletes one old version with oldimage, and ordinary pages with an automatic reason', async () => {
    const old = png(6, 6);
    await w.bot.upload({ filename: 'Pg versions.png', ignorewarnings: 1 }, old);
    await w.bot.upload({ filename: 'Pg versions.png', ignorewarnings: 1 }, png(7, 6));
    const hist = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Pg versions.png',
      iiprop: 'archivename',
      iilimit: 10,
    });
    const archivename = onlyPage(hist.json).imageinfo[1].archivename as string;
    const token = await (await w.admin()).csrf();
    const bad = await (await w.admin()).post({
      action: 'delete',
      title: 'File:Pg versions.png',
      oldimage: 'nonsense',
      token,
    });
    assert.equal(bad.json.error.code, 'invalidoldimage');
    const none = await (await w.admin()).post({
      action: 'delete',
      title: 'File:Pg versions.png',
      oldimage: '20000101000000!Pg_versions.png',
      token,
    });
    assert.equal(none.json.error.code, 'nodeleteablefile');
    const r = await (await w.admin()).post({
      action: 'delete',
      title: 'File:Pg versions.png',
      oldimage: archivename,
      token,
    });
    assert.equal(r.json.delete.reason, '');
    const after1 = await w.bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:Pg versions.png',
      iilimit: 10,
    });
    assert.equal(onlyPage(after1.json).imageinfo.length, 1);
    const log = await w.bot.get({
      action: 'query',
      list: 'logevents',
      letitle: 'File:Pg versions.png',
      letype: 'delete',
    });
    assert.equal(log.json.query.logevents[0].comment, `Deleted old revision ${archivename}`);

    await edit(w.bot, { title: 'Pg doomed', text: 'short lived' });
    const d = await (await w.admin()).post({ action: 'delete', title: 'Pg doomed', token });
    assert.equal(
      d.json.delete.reason,
      'content was: "short lived" (and the only contributor was "[[Special:Contributions/UploadBot|UploadBot]]")',
    );
    const gone = await w.bot.get({ action: 'query', prop: 'info', titles: 'Pg doomed' });
    assert.equal(onlyPage(gone.json).missing, '');
    const byId = await (await w.admin()).post({ action: 'delete', pageid: 999999, token });
    assert.equal(byId.json.error.code, 'nosuchpageid');
    const both = await (await w.admin()).post({ action: 'delete', pageid: 1, title: 'X', token });
    assert.equal(both.json.error.code, 'invalidparammix');
  });
});
