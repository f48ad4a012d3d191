/**
 * The statements of a list or a set of titles: `list=allimages` (its default `aiprop=timestamp|url`
 * gives each file's page id) and `list=logevents` (`leprop=ids`) look up the pages of all their rows
 * in one statement per namespace, `titles=` with `prop=imageinfo` its pages and their current
 * versions in one each, and a comment's links their pages (red links) in one per namespace, not one
 * per row, title or link (on PostgreSQL each is a round trip: 50 rows were 12 ms). And the answers
 * are those of the titles asked one by one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer, UPLOAD_GRANTS } from '../helpers/server.js';
import { recordStatements, type StatementRecorder } from '../helpers/statements.js';

const FILES = 12;

describe('the statements of list=allimages and list=logevents', () => {
  let s: TestServer;
  let bot: TestClient;
  let statements: StatementRecorder | undefined;
  before(async () => {
    statements = recordStatements();
    s = await startTestServer();
    // An administrator's bot, to delete a file as well.
    const b = await createBot(s, 'ListBot', {
      groups: ['bot', 'sysop'],
      grants: [...UPLOAD_GRANTS, 'delete'],
    });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
    for (let i = 0; i < FILES; i++) {
      const r = await bot.upload({ filename: `Ls file ${i}.png`, ignorewarnings: 1 }, png(3 + i, 3));
      assert.equal(r.json.upload?.result, 'Success', r.text);
    }
    // A log entry whose title has no page: a file deleted with its description page.
    const token = await bot.csrf();
    const del = await bot.post({ action: 'delete', title: 'File:Ls file 0.png', token });
    assert.ok(del.json.delete, del.text);
  });
  after(async () => {
    statements?.stop();
    await s?.close();
  });

  /** The page reads of the request `fn` makes. */
  const pageReads = async (fn: () => Promise<void>) =>
    (await statements!.of(fn)).filter((q) => /^select\b.*from "pages"/.test(q));

  async function pageIds(titles: string[]): Promise<Map<string, number>> {
    const r = await bot.get({ action: 'query', prop: 'info', titles: titles.join('|'), formatversion: 2 });
    return new Map(
      (r.json.query.pages as { title: string; pageid?: number }[]).map((p) => [p.title, p.pageid ?? 0]),
    );
  }

  it('allimages: one look-up of the pages for all rows, the ids prop=info gives', async () => {
    let list: { title: string; descriptionshorturl: string }[] = [];
    const reads = await pageReads(async () => {
      const r = await bot.get({ action: 'query', list: 'allimages', ailimit: 50, formatversion: 2 });
      list = r.json.query.allimages;
    });
    assert.equal(list.length, FILES - 1);
    assert.equal(reads.length, 1, reads.join('\n'));
    // allimages gives no page id of its own: the description's short URL carries it (curid=).
    const ids = await pageIds(list.map((f) => f.title));
    for (const f of list) assert.ok((ids.get(f.title) ?? 0) > 0, f.title);
    for (const f of list) {
      assert.match(f.descriptionshorturl, new RegExp(`curid=${ids.get(f.title)}$`), f.title);
    }
  });

  it('logevents: one look-up of the pages per namespace, 0 for a title without a page', async () => {
    let events: { ns: number; title: string; pageid: number; type: string; action: string }[] = [];
    const reads = await pageReads(async () => {
      const r = await bot.get({
        action: 'query',
        list: 'logevents',
        lelimit: 50,
        leprop: 'ids|title|type',
        formatversion: 2,
      });
      events = r.json.query.logevents;
    });
    assert.ok(events.length >= 2 * FILES, `${events.length} entries`);
    // One per namespace of the rows (the files' and the wiki's own first pages').
    const namespaces = new Set(events.map((e) => e.ns));
    assert.ok(namespaces.has(6) && namespaces.size < 4, [...namespaces].join());
    assert.equal(reads.length, namespaces.size, reads.join('\n'));
    const ids = await pageIds([...new Set(events.map((e) => e.title))]);
    for (const e of events) assert.equal(e.pageid, ids.get(e.title) ?? 0, `${e.type}/${e.action} ${e.title}`);
    assert.ok(
      events.some((e) => e.title === 'File:Ls file 0.png' && e.pageid === 0),
      'the deleted file has no page',
    );
  });

  it('imageinfo of many titles: one look-up of their pages, one of their current versions', async () => {
    const titles = Array.from({ length: FILES }, (_, i) => `File:Ls file ${i}.png`);
    const ask = (t: string[]) =>
      bot.get({ action: 'query', prop: 'imageinfo', iiprop: 'timestamp|size|sha1|url', titles: t.join('|') });
    let pages: Record<string, { title: string }> = {};
    const reads = await statements!.of(async () => {
      pages = (await ask(titles)).json.query.pages;
    });
    const of = (table: string) => reads.filter((q) => new RegExp(`^select\\b.*from "${table}"`).test(q));
    assert.equal(of('pages').length, 1, reads.join('\n'));
    assert.equal(of('images').length, 1, reads.join('\n'));
    assert.equal(of('oldimages').length, 0, reads.join('\n'));
    // The same as each title asked alone (the deleted one missing, with no imageinfo).
    for (const t of titles) {
      const alone = Object.values((await ask([t])).json.query.pages)[0] as { title: string };
      const inBatch = Object.values(pages).find((p) => p.title === t);
      assert.deepEqual(inBatch, alone, t);
    }
  });

  it("a comment's links: existing pages and missing ones told apart, one look-up per namespace", async () => {
    const comment = 'see [[File:Ls file 1.png]], [[Nowhere at all]] and [[:File:Ls file 2.png|two]]';
    const up = await bot.upload({ filename: 'Ls commented.png', ignorewarnings: 1, comment }, png(2, 9));
    assert.equal(up.json.upload?.result, 'Success', up.text);
    let parsed = '';
    const reads = await pageReads(async () => {
      const r = await bot.get({
        action: 'query',
        prop: 'imageinfo',
        iiprop: 'parsedcomment',
        titles: 'File:Ls commented.png',
        formatversion: 2,
      });
      parsed = r.json.query.pages[0].imageinfo[0].parsedcomment;
    });
    // The page set's read of the title, then the comment's three links: one per namespace (File:, main).
    assert.equal(reads.length, 3, reads.join('\n'));
    assert.match(parsed, /href="\/w\/index\.php\?title=Nowhere_at_all&amp;action=edit&amp;redlink=1"/);
    assert.doesNotMatch(parsed, /Ls_file_1\.png[^"]*redlink/);
    assert.doesNotMatch(parsed, /Ls_file_2\.png[^"]*redlink/);
    assert.match(parsed, /Ls_file_1\.png/);
    assert.match(parsed, />two</);
  });
});
