/**
 * `mwup upload --manifest FILE`: CSV (RFC 4180) and JSON Lines manifests with per-row names, page
 * texts, summaries, tags and accepted warnings; page-text templates filled from the row; the whole
 * manifest checked before anything is sent; per-file results; re-runs skip what is done.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { MwClient } from '../../src/index.js';
import { pngOfSize, writePng } from '../library/fixtures.js';
import { clientFor, downloadedSha1, uniqueName, useWiki } from '../library/helpers.js';
import { traffic, withRule } from '../library/local-servers.js';
import { asWiki, cliEnv, interruptedAtChunk, jsonOf, type Run, runCli, runInProcess } from './cli-run.js';

const KiB = 1024;
const NOWHERE = 'http://127.0.0.1:1/w/api.php';
const ctx = useWiki({ proxy: true });

/** A fresh folder for one test's manifest and files. */
async function folder(name: string): Promise<string> {
  const dir = join(ctx.tmp, uniqueName(name, 'd'));
  await mkdir(dir, { recursive: true });
  return dir;
}

async function pageText(client: MwClient, filename: string): Promise<string | undefined> {
  const r = await client.request({
    action: 'query',
    titles: `File:${filename}`,
    prop: 'revisions',
    rvprop: 'content',
    rvslots: 'main',
  });
  return r.query?.pages?.[0]?.revisions?.[0]?.slots?.main?.content;
}

const viaProxy = (args: string[]) => runCli(args, asWiki(ctx.tmp, ctx.wiki, ctx.proxy.api));

/** Upload requests seen by the proxy while `fn` ran. */
async function uploadsDuring(fn: () => Promise<Run>): Promise<{ r: Run; uploads: Record<string, string>[] }> {
  const { value, uploads } = await traffic(ctx.proxy, fn);
  return { r: value, uploads };
}

describe('manifest: checked whole before anything is sent (exit 2)', () => {
  let dir: string;
  before(async () => {
    dir = await folder('Checks');
    await writePng(join(dir, 'a.png'), 2000);
    await writePng(join(dir, 'b.png'), 2000);
    await writeFile(join(dir, 'a.txt'), 'text from a file');
    await writeFile(join(dir, 'tpl.txt'), '{{Information|description={description}|date={date}}}');
  });

  async function fails(name: string, content: string, extra: string[] = []): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    const r = await runInProcess(['upload', '--manifest', path, '--api', NOWHERE, ...extra], cliEnv(ctx.tmp));
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /Try "mwup --help"/);
    return r.stderr;
  }

  it('lists every bad row with its number: missing file, no file, both text and text-file, …', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    const err = await fails(
      'bad-rows.csv',
      [
        'file,filename,text,text-file',
        'a.png,A1.png,,',
        'missing.png,A2.png,,',
        ',A3.png,,',
        'b.png,A4.png,hello,a.txt',
        'sub,A5.png,,',
        'b.png,A6.png,,gone.txt',
        'b.png,File:,,',
      ].join('\n'),
    );
    assert.match(err, /The manifest \S+bad-rows\.csv has 6 problems; nothing was uploaded/);
    assert.match(err, /row 3: file not found: \S+missing\.png/);
    assert.match(err, /row 4: no file/);
    assert.match(err, /row 5: both "text" and "text-file" are given/);
    assert.match(err, /row 6: \S+sub is not a regular file/);
    assert.match(err, /row 7: cannot read the text-file \S+gone\.txt/);
    assert.match(err, /row 8: the filename is empty/);
    assert.doesNotMatch(err, /row 2/);
  });

  it('a long list of problems is cut after 20', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `none-${i}.png`);
    const err = await fails('many.csv', `file\n${rows.join('\n')}\n`);
    assert.match(err, /has 25 problems/);
    assert.match(err, /row 21: file not found/);
    assert.doesNotMatch(err, /row 22:/);
    assert.match(err, /… and 5 more/);
  });

  it('a template placeholder without a column names the row and the column', async () => {
    const err = await fails('no-date.csv', 'file,description\na.png,A cat\nb.png,A dog\n', [
      '--text-template',
      join(dir, 'tpl.txt'),
    ]);
    assert.match(err, /row 2: the template \S+tpl\.txt uses \{date\}, but there is no column "date"/);
    assert.equal(err.match(/uses \{date\}/g)?.length, 1, 'said once for all rows of a CSV');
    const jsonl = await fails(
      'no-date.jsonl',
      `${JSON.stringify({ file: 'a.png', description: 'x', date: '2024' })}\n${JSON.stringify({ file: 'b.png', description: 'y' })}\n`,
      ['--text-template', join(dir, 'tpl.txt')],
    );
    assert.match(jsonl, /line 2: the template \S+tpl\.txt uses \{date\}, but there is no field "date"/);
    assert.doesNotMatch(jsonl, /line 1/);
  });

  it('a template column naming a file that is not there', async () => {
    const err = await fails('tpl-col.csv', 'file,template,description\na.png,nothere.txt,x\n');
    assert.match(err, /row 2: cannot read the template nothere\.txt/);
  });

  const cases: [string, string, string, RegExp, string[]?][] = [
    ['no "file" column', 'no-file-col.csv', 'filename,text\nA.png,x\n', /has no "file" column/],
    ['an unknown column without a template', 'typo.csv', 'file,coment\na.png,x\n', /unknown column "coment"/],
    [
      'two rows with one target',
      'twice.csv',
      'file,filename\na.png,X y.png\nb.png,X_y.png\n',
      /row 3: File:X_y\.png is also the target of row 2/,
    ],
    ['invalid CSV', 'quote.csv', 'file,text\na.png,"unclosed\n', /is not valid CSV: Quote Not Closed/],
    [
      'a header column without a name',
      'unnamed.csv',
      'file,,text\na.png,,x\n',
      /column 2 of the header row has no name/,
    ],
    ['no rows', 'empty.csv', 'file,text\n', /has no rows/],
    ['invalid JSON', 'bad.jsonl', '{"file":"a.png"}\n{"file":\n', /line 2: not valid JSON/],
    ['a JSON line that is not an object', 'array.jsonl', '["a.png"]\n', /line 1: not a JSON object/],
    ['another extension', 'list.txt', 'file\na.png\n', /--manifest must be a \.csv or a \.jsonl file/],
    [
      'a template without placeholders',
      'plain.csv',
      'file,description\na.png,x\n',
      /has no \{name\} placeholder/,
      ['--text-template', 'PLAIN'],
    ],
  ];
  for (const [what, name, content, re, extra] of cases) {
    it(what, async () => {
      const args = (extra ?? []).map((a) => (a === 'PLAIN' ? join(dir, 'a.txt') : a));
      assert.match(await fails(name, content, args), re);
    });
  }

  it('options that do not go together', async () => {
    const m = join(dir, 'ok.csv');
    await writeFile(m, 'file\na.png\n');
    const tpl = join(dir, 'tpl.txt');
    for (const [args, re] of [
      [['upload', 'a.png', '--manifest', m], /FILEs or --manifest, not both/],
      [['upload', '--manifest', m, '--filename', 'X.png'], /--filename does not go with --manifest/],
      [['upload', 'a.png', '--text-template', tpl], /--text-template goes with --manifest/],
      [['upload', '--manifest', m, '--text', 'x', '--text-template', tpl], /not both/],
      [['upload', '--manifest', join(dir, 'none.csv')], /Cannot read the manifest/],
    ] as [string[], RegExp][]) {
      const r = await runInProcess([...args, '--api', NOWHERE], cliEnv(ctx.tmp));
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  it('a bad row anywhere means no file of the manifest is sent', async () => {
    const d = await folder('OneBad');
    const good = uniqueName('ManifestGood');
    await writePng(join(d, 'good.png'), 3000);
    await writeFile(join(d, 'm.csv'), `file,filename\ngood.png,${good}\nmissing.png,\n`);
    const { r, uploads } = await uploadsDuring(() => viaProxy(['upload', '--manifest', join(d, 'm.csv')]));
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /row 3: file not found/);
    assert.equal(uploads.length, 0);
    assert.equal(await clientFor(ctx.wiki, ctx.wiki.api).imageInfo(good), undefined);
  });
});

describe('manifest: a Commons-style batch', () => {
  it('uploads each row with its own name, text, summary and template; a re-run is all "unchanged"', async () => {
    const dir = await folder('Batch');
    await mkdir(join(dir, 'photos'));
    await mkdir(join(dir, 'texts'));
    const sizes = [20 * KiB, 5 * 64 * KiB + 1, 9 * KiB, 4 * KiB];
    const shas = await Promise.all(sizes.map((s, i) => writePng(join(dir, 'photos', `p${i}.png`), s)));
    const names = ['Batch Bridge', 'BatchTower', 'BatchRiver', 'BatchLake'].map((n) => uniqueName(n));
    await writeFile(join(dir, 'texts', 'tower.wiki'), '== Tower ==\nFrom a text file.');
    await writeFile(join(dir, 'texts', 'short.tpl'), '{description} ({date}) {{PD-self}}');
    const template = join(dir, 'information.txt');
    await writeFile(
      template,
      '=={{int:filedesc}}==\n{{Information|description={description}|date={date}|source={{own}}}}\n[[Category:{category}]]',
    );
    const csv = [
      'file,filename,text,text-file,template,comment,description,date,category',
      `photos/p0.png,${names[0]},"Line one, with a comma
and ""quotes"" on line two",,,First summary,,,`,
      `photos/p1.png,${names[1]},,texts/tower.wiki,,Second summary,,,`,
      `photos/p2.png,${names[2]},,,,,"A river, at dusk",2024-05-01,Rivers`,
      `photos/p3.png,${names[3]},,,texts/short.tpl,,A lake,2023,`,
    ].join('\r\n');
    await writeFile(join(dir, 'batch.csv'), `${csv}\r\n`);
    const args = [
      'upload',
      '--manifest',
      join(dir, 'batch.csv'),
      '--text-template',
      template,
      '--comment',
      'Batch default summary',
      '--chunk-size',
      '64K',
    ];

    const dry = await uploadsDuring(() => viaProxy([...args, '--dry-run', '--json']));
    assert.equal(dry.r.code, 0, dry.r.stdout + dry.r.stderr);
    assert.deepEqual(
      jsonOf(dry.r).results.map((x: { status: string }) => x.status),
      ['ok', 'ok', 'ok', 'ok'],
    );
    assert.equal(dry.uploads.length, 0);

    const first = await viaProxy([...args, '--json']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const results = jsonOf(first).results;
    assert.deepEqual(
      results.map((x: { row: number; item: string; status: string }) => [x.row, x.item, x.status]),
      [
        [2, 'photos/p0.png', 'uploaded'],
        [3, 'photos/p1.png', 'uploaded'],
        [4, 'photos/p2.png', 'uploaded'],
        [5, 'photos/p3.png', 'uploaded'],
      ],
    );
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    const onWiki = names.map((n) => n.replace(/ /g, '_'));
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await downloadedSha1(c, onWiki[i] as string), { sha1: shas[i], size: sizes[i] });
    }
    assert.equal(await pageText(c, onWiki[3] as string), 'A lake (2023) {{PD-self}}');
    assert.equal(await pageText(c, onWiki[0] as string), 'Line one, with a comma\nand "quotes" on line two');
    assert.equal(await pageText(c, onWiki[1] as string), '== Tower ==\nFrom a text file.');
    assert.equal(
      await pageText(c, onWiki[2] as string),
      '=={{int:filedesc}}==\n{{Information|description=A river, at dusk|date=2024-05-01|source={{own}}}}\n[[Category:Rivers]]',
    );
    assert.equal((await c.imageInfo(onWiki[0] as string))?.comment, 'First summary');
    assert.equal((await c.imageInfo(onWiki[2] as string))?.comment, 'Batch default summary');

    const { r: again, uploads } = await uploadsDuring(() => viaProxy([...args, '--no-progress']));
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(uploads.length, 0);
    const table = again.stdout.split('\n');
    assert.match(table[0] as string, /^File\s+Status\s+On the wiki/);
    for (const [i, f] of ['photos/p0.png', 'photos/p1.png', 'photos/p2.png', 'photos/p3.png'].entries()) {
      const line = table.find((l) => l.startsWith(f));
      assert.ok(line, `${f} in\n${again.stdout}`);
      assert.match(line, new RegExp(`^\\S+\\s+unchanged\\s+${onWiki[i]}`));
    }
    assert.match(again.stderr, /All 4 succeeded/);
  });

  it('JSON Lines rows carry their own tags, summaries and accepted warnings', async () => {
    const dir = await folder('Lines');
    const existing = uniqueName('LinesOriginal');
    const bytes = pngOfSize(6 * KiB);
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    assert.equal((await c.upload(bytes, { filename: existing })).result, 'Success');
    await writeFile(join(dir, 'dup.png'), bytes);
    await writePng(join(dir, 'new.png'), 7 * KiB);
    const accepted = uniqueName('LinesAccepted');
    const refused = uniqueName('LinesRefused');
    const fresh = uniqueName('LinesFresh');
    const lines = [
      { file: 'dup.png', filename: accepted, comment: 'copy', 'ignore-warnings': ['duplicate'] },
      { file: 'dup.png', filename: refused },
      { file: 'new.png', filename: fresh, text: 'fresh text', tags: ['one', 'two'], comment: 'tagged' },
    ];
    await writeFile(join(dir, 'm.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n\n`);

    const { r, uploads } = await withRule(
      ctx.proxy,
      // The upload requests are answered by the proxy, so the tags need not exist on the wiki.
      (q) =>
        q.fields.action === 'upload' && q.fields.filename === fresh
          ? { status: 200, body: JSON.stringify({ upload: { result: 'Success', filename: fresh } }) }
          : 'pass',
      () =>
        uploadsDuring(() =>
          viaProxy(['upload', '--manifest', join(dir, 'm.jsonl'), '--concurrency', '1', '--json']),
        ),
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const results = jsonOf(r).results;
    assert.deepEqual(
      results.map((x: { row: number; status: string }) => [x.row, x.status]),
      [
        [1, 'uploaded'],
        [2, 'warning'],
        [3, 'uploaded'],
      ],
    );
    assert.match(results[1].detail, /Nothing was sent/);
    assert.equal(await c.imageInfo(refused), undefined);
    assert.equal((await c.imageInfo(accepted))?.comment, 'copy');
    const sent = uploads.find((f) => f.filename === fresh);
    assert.equal(sent?.tags, 'one|two');
    assert.equal(sent?.comment, 'tagged');
    assert.equal(sent?.text, 'fresh text');
    assert.equal(
      uploads.filter((f) => f.filename === refused).length,
      0,
      'the refused duplicate was never sent',
    );
  });
});

describe('manifest: re-running after an interruption', () => {
  it('continues the interrupted file from the state file, skips the finished ones, exits 0', async () => {
    const dir = await folder('Rerun');
    const sizes = [30 * KiB, 8 * 64 * KiB + 5, 40 * KiB];
    const shas = await Promise.all(sizes.map((s, i) => writePng(join(dir, `f${i}.png`), s)));
    const names = sizes.map(() => uniqueName('Rerun'));
    await writeFile(
      join(dir, 'm.csv'),
      `file,filename,comment\n${names.map((n, i) => `f${i}.png,${n},run`).join('\n')}\n`,
    );
    const state = join(dir, 'state.json');
    const args = [
      'upload',
      '--manifest',
      join(dir, 'm.csv'),
      '--chunk-size',
      '64K',
      '--concurrency',
      '1',
      '--state',
      state,
      '--json',
    ];

    // Killed while the second file's fourth chunk is on its way.
    await interruptedAtChunk(ctx.proxy, 4, args, asWiki(ctx.tmp, ctx.wiki, ctx.proxy.api));
    const entries = Object.values(JSON.parse(await readFile(state, 'utf8')).uploads) as {
      filename: string;
    }[];
    assert.deepEqual(
      entries.map((e) => e.filename),
      [names[1]],
    );

    const before = ctx.proxy.requests.length;
    const again = await viaProxy(args);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(
      jsonOf(again).results.map((x: { status: string }) => x.status),
      ['unchanged', 'uploaded', 'uploaded'],
    );
    const offsets = ctx.proxy.requests
      .slice(before)
      .filter((q) => q.isChunk)
      .map((q) => Number(q.fields.offset));
    assert.ok((offsets[0] as number) >= 3 * 64 * KiB, `resent from ${offsets[0]}`);
    const c = clientFor(ctx.wiki, ctx.wiki.api);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await downloadedSha1(c, names[i] as string), { sha1: shas[i], size: sizes[i] });
    }
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')).uploads, {});

    const third = await viaProxy(args);
    assert.equal(third.code, 0, third.stdout + third.stderr);
    assert.deepEqual(
      jsonOf(third).results.map((x: { status: string }) => x.status),
      ['unchanged', 'unchanged', 'unchanged'],
    );
  });
});
