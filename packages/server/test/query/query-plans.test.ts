/**
 * Query plans of the file read paths (prop=imageinfo, list=allimages in every order and filter,
 * prop=duplicatefiles, list=filearchive, list=logevents, list=recentchanges): every statement the
 * server runs for a request is explained on the database it runs on (SQLite, or PostgreSQL with
 * MWUP_TEST_BACKEND=scaleout), and none may read a whole table of files, versions, log entries or
 * recent changes (SQLite: `SCAN` without an index; PostgreSQL, with sequential scans off: `Seq Scan`),
 * nor, on SQLite, sort more of such rows than one file's or one page's, so that their cost does not
 * grow with the repository. MWUP_SHOW_PLANS=1 prints every statement with its plan.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { observeQueries } from '../../src/db/index.js';
import type { Database } from '../../src/db/schema.js';
import { png, sha1 } from '../helpers/files.js';
import { publish, startWiki, type Wiki } from './setup.js';

/** The tables that grow with the repository. */
const BIG = ['images', 'oldimages', 'filearchive', 'logging', 'recent_changes'];
/** How many rows of each are added straight into the database before the plans are asked for. */
const SEED = 3000;

/** A whole-table read or a sort of many rows of a big table, as the plan says it. */
type Finding = string;

/** The SQLite plan's full scans and sorts of big tables (aliases resolved from the statement). */
function sqliteFindings(q: CompiledQuery, rows: { detail: string }[]): Finding[] {
  const aliases = new Map<string, string>();
  for (const m of q.sql.matchAll(/"(\w+)" as "(\w+)"/g)) aliases.set(m[2]!, m[1]!);
  const table = (name: string) => aliases.get(name) ?? name;
  const found: Finding[] = [];
  // Whether the rows read so far are more than one file's or one page's (which a sort may take).
  let many = false;
  for (const { detail } of rows) {
    // A walk over a whole index in its order stops at the statement's limit; a plain scan does not.
    const scan = /^SCAN (\w+)( USING (?:COVERING )?INDEX \w+)?/.exec(detail);
    if (scan && BIG.includes(table(scan[1]!))) {
      if (!scan[2]) found.push(detail);
      many = true;
    }
    const search = /^SEARCH (\w+) USING (?:(?:COVERING )?INDEX \w+|INTEGER PRIMARY KEY) \((.*)\)/.exec(
      detail,
    );
    if (search && BIG.includes(table(search[1]!)) && !/\b(?:sha1|name|title|rowid)=\?/.test(search[2]!))
      many = true;
    if (/^USE TEMP B-TREE FOR (?:.* )?ORDER BY/.test(detail) && many) found.push(detail);
  }
  return found;
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PgNode[];
}

/** The PostgreSQL plan's sequential scans of big tables. */
function pgFindings(plan: PgNode): Finding[] {
  const found: Finding[] = [];
  const walk = (n: PgNode) => {
    if (n['Node Type'] === 'Seq Scan' && BIG.includes(n['Relation Name'] ?? ''))
      found.push(`Seq Scan on ${n['Relation Name']}`);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan);
  return found;
}

/** A plan as one line per node, for the messages. */
function pgLines(plan: PgNode, depth = 0): string[] {
  const rel = plan['Relation Name'] ? ` on ${plan['Relation Name']}` : '';
  const idx = plan['Index Name'];
  return [
    `${'  '.repeat(depth)}${plan['Node Type']}${rel}${idx ? ` using ${idx}` : ''}`,
    ...(plan.Plans ?? []).flatMap((c) => pgLines(c, depth + 1)),
  ];
}

/** A read of a big table, or a change of its rows found by a condition (deletes and updates). */
const mentionsBig = (q: CompiledQuery) =>
  /^\s*(select|with|delete|update)\b/i.test(q.sql) &&
  BIG.some((t) => q.sql.includes(`"${t}"`) || q.sql.includes(` ${t} `));

describe('query plans of the file read paths', () => {
  let w: Wiki;
  let db: Kysely<Database>;
  let postgres = false;
  const recorded: CompiledQuery[] = [];
  let stop: () => void = () => {};
  const shaA = sha1(png(5, 5));

  before(async () => {
    stop = observeQueries((q) => recorded.push(q));
    w = await startWiki();
    db = w.s.server.db;
    postgres = w.s.server.services.dialect === 'postgres';
    // A few real files: one with an older version, a duplicate, a deleted one.
    await publish(w.s, 'Alpha.png', png(4, 4), { mime: 'image/png' });
    await publish(w.s, 'Alpha.png', png(5, 5), { mime: 'image/png' });
    await publish(w.s, 'Alpha_copy.png', png(5, 5), { mime: 'image/png' });
    const r = await w.bot.upload({ filename: 'Beta.png', ignorewarnings: 1 }, png(6, 6));
    assert.equal(r.json.upload.result, 'Success');
    await publish(w.s, 'Gone.png', png(7, 7), { mime: 'image/png' });
    const admin = (await w.s.server.services.users.byName('Admin'))!;
    await w.s.server.services.files.deleteFile('Gone.png', { id: admin.id, name: admin.name }, 'test');
    await seed(db);
    if (postgres) await sql`analyze`.execute(db);
  });
  after(async () => {
    stop();
    await w?.s.close();
  });

  /** The plans of every big-table read `fn` made the server run, and what is wrong with them. */
  async function plansOf(fn: () => Promise<unknown>): Promise<{ plans: string[]; findings: Finding[] }> {
    recorded.length = 0;
    await fn();
    const reads = recorded.filter(mentionsBig);
    recorded.length = 0;
    assert.ok(reads.length > 0, 'the request read no table of files, log entries or recent changes');
    const plans: string[] = [];
    const findings: Finding[] = [];
    for (const q of reads) {
      if (postgres) {
        const plan = await db.connection().execute(async (conn) => {
          await sql`set enable_seqscan = off`.execute(conn);
          try {
            const r = await conn.executeQuery<{ 'QUERY PLAN': [{ Plan: PgNode }] }>(
              CompiledQuery.raw(`explain (format json) ${q.sql}`, [...q.parameters]),
            );
            return r.rows[0]!['QUERY PLAN'][0].Plan;
          } finally {
            await sql`reset enable_seqscan`.execute(conn);
          }
        });
        const f = pgFindings(plan);
        plans.push(`${q.sql}\n${pgLines(plan).join('\n')}`);
        findings.push(...f.map((x) => `${x}\n  in ${q.sql}\n${pgLines(plan).join('\n')}`));
      } else {
        const r = await db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]),
        );
        const f = sqliteFindings(q, r.rows);
        const lines = r.rows.map((x) => `  ${x.detail}`).join('\n');
        plans.push(`${q.sql}\n${lines}`);
        findings.push(...f.map((x) => `${x}\n  in ${q.sql}\n${lines}`));
      }
    }
    if (process.env.MWUP_SHOW_PLANS) console.log(plans.join('\n\n'));
    return { plans, findings };
  }

  const query = (params: Record<string, string | number>) => async () => {
    const r = await w.bot.get({ action: 'query', formatversion: 2, ...params });
    assert.equal(r.json.error, undefined, JSON.stringify(r.json.error));
    return r.json;
  };
  const page = (path: string) => async () => {
    const r = await fetch(`${w.s.origin}${path}`);
    assert.equal(r.status, 200, path);
    return r.text();
  };
  const adminQuery = (params: Record<string, string | number>) => async () => {
    const r = await (await w.admin()).get({ action: 'query', formatversion: 2, ...params });
    assert.equal(r.json.error, undefined, JSON.stringify(r.json.error));
    return r.json;
  };

  /**
   * Each request, and whether a sort of the rows its filter selects is allowed (a prefix of titles
   * with the log in time order: no index has both, as in MediaWiki).
   */
  const cases: [string, () => () => Promise<unknown>, { sorts?: string }?][] = [
    [
      'prop=imageinfo with the history of a file',
      () =>
        query({
          prop: 'imageinfo',
          titles: 'File:Alpha.png|File:Beta.png',
          iiprop: 'timestamp|user|size|sha1|url|mime',
          iilimit: 50,
        }),
    ],
    [
      'prop=imageinfo at a start time',
      () =>
        query({ prop: 'imageinfo', titles: 'File:Alpha.png', iistart: '2001-01-01T00:00:00Z', iilimit: 5 }),
    ],
    ['prop=duplicatefiles', () => query({ prop: 'duplicatefiles', titles: 'File:Alpha.png|File:Beta.png' })],
    ['list=allimages by name', () => query({ list: 'allimages', ailimit: 20 })],
    [
      'list=allimages by name, descending',
      () => query({ list: 'allimages', aidir: 'descending', ailimit: 20 }),
    ],
    ['list=allimages by name, continued', () => query({ list: 'allimages', aicontinue: 'Seed_00100.png' })],
    [
      'list=allimages by name from and to',
      () => query({ list: 'allimages', aifrom: 'Seed_001', aito: 'Seed_002' }),
    ],
    ['list=allimages by prefix', () => query({ list: 'allimages', aiprefix: 'Alpha' })],
    ['list=allimages by timestamp', () => query({ list: 'allimages', aisort: 'timestamp', aidir: 'older' })],
    [
      'list=allimages by timestamp, newer',
      () => query({ list: 'allimages', aisort: 'timestamp', aidir: 'newer' }),
    ],
    [
      'list=allimages by timestamp, start and end',
      () =>
        query({
          list: 'allimages',
          aisort: 'timestamp',
          aistart: '2020-01-02T00:00:00Z',
          aiend: '2020-01-01T00:00:00Z',
        }),
    ],
    [
      'list=allimages by timestamp, continued',
      () => query({ list: 'allimages', aisort: 'timestamp', aicontinue: '20200101120000|Seed_00100.png' }),
    ],
    [
      'list=allimages by timestamp of a user',
      () => query({ list: 'allimages', aisort: 'timestamp', aiuser: 'UploadBot' }),
    ],
    ['list=allimages by SHA-1', () => query({ list: 'allimages', aisha1: shaA })],
    [
      'list=allimages by SHA-1 in base 36',
      () => query({ list: 'allimages', aisha1base36: BigInt(`0x${shaA}`).toString(36).padStart(31, '0') }),
    ],
    [
      'list=allimages by size, sorted by name',
      () => query({ list: 'allimages', aiminsize: 100000, aimaxsize: 100100 }),
    ],
    ['list=allimages by minimum size', () => query({ list: 'allimages', aiminsize: 10 })],
    [
      'list=allimages by size, sorted by timestamp',
      () => query({ list: 'allimages', aisort: 'timestamp', aiminsize: 100000, aimaxsize: 100100 }),
    ],
    ['list=filearchive by name', () => adminQuery({ list: 'filearchive', faprefix: 'Gon' })],
    ['list=filearchive by SHA-1', () => adminQuery({ list: 'filearchive', fasha1: sha1(png(7, 7)) })],
    ['list=logevents', () => query({ list: 'logevents', lelimit: 20 })],
    ['list=logevents, newer', () => query({ list: 'logevents', ledir: 'newer', lelimit: 20 })],
    ['list=logevents by type', () => query({ list: 'logevents', letype: 'upload' })],
    ['list=logevents by action', () => query({ list: 'logevents', leaction: 'upload/overwrite' })],
    ['list=logevents by user', () => query({ list: 'logevents', leuser: 'UploadBot' })],
    ['list=logevents by title', () => query({ list: 'logevents', letitle: 'File:Alpha.png' })],
    [
      'list=logevents by prefix',
      () => query({ list: 'logevents', leprefix: 'File:Alp' }),
      { sorts: 'the entries of the titles with the prefix, by time' },
    ],
    [
      'list=logevents by time',
      () => query({ list: 'logevents', lestart: '2020-01-02T00:00:00Z', leend: '2020-01-01T00:00:00Z' }),
    ],
    ['list=logevents continued', () => query({ list: 'logevents', lecontinue: '20200101120000|100' })],
    ['list=recentchanges', () => query({ list: 'recentchanges', rclimit: 20 })],
    ['list=recentchanges, newer', () => query({ list: 'recentchanges', rcdir: 'newer' })],
    ['list=recentchanges by type', () => query({ list: 'recentchanges', rctype: 'log' })],
    ['list=recentchanges by user', () => query({ list: 'recentchanges', rcuser: 'UploadBot' })],
    [
      'list=recentchanges excluding a user',
      () => query({ list: 'recentchanges', rcexcludeuser: 'UploadBot' }),
    ],
    ['list=recentchanges by title', () => query({ list: 'recentchanges', rctitle: 'File:Alpha.png' })],
    ['list=recentchanges by namespace', () => query({ list: 'recentchanges', rcnamespace: 6 })],
    ['list=recentchanges shown', () => query({ list: 'recentchanges', rcshow: '!bot|!minor' })],
    [
      'list=recentchanges by time',
      () => query({ list: 'recentchanges', rcstart: '2020-01-02T00:00:00Z', rcend: '2020-01-01T00:00:00Z' }),
    ],
    [
      'list=recentchanges continued',
      () => query({ list: 'recentchanges', rccontinue: '20200101120000|100' }),
    ],
    [
      'Special:ListFiles of one user by time',
      () => page('/wiki/Special:ListFiles?user=UploadBot&sort=img_timestamp'),
    ],
    ...(['img_name', 'img_size'] as const).map(
      (sort): [string, () => () => Promise<unknown>, { sorts: string }] => [
        `Special:ListFiles of one user by ${sort}`,
        () => page(`/wiki/Special:ListFiles?user=UploadBot&sort=${sort}`),
        { sorts: 'one uploader’s files by name or size (MediaWiki lists them by time only)' },
      ],
    ),
    ['Special:NewFiles of one user', () => page('/wiki/Special:NewFiles?user=UploadBot')],
    [
      'action=delete of a file (its versions archived, its page, revisions and recent changes gone)',
      () => async () => {
        const up = await w.bot.upload({ filename: 'Plan delete.png', ignorewarnings: 1 }, png(11, 11));
        assert.equal(up.json.upload?.result, 'Success', up.text);
        const admin = await w.admin();
        const token = await admin.csrf();
        recorded.length = 0;
        const r = await admin.post({ action: 'delete', title: 'File:Plan delete.png', token });
        assert.equal(r.json.error, undefined, r.text);
      },
    ],
    [
      'action=upload of a new file (its checks, warnings and publication)',
      () => async () => {
        const r = await w.bot.upload({ filename: 'Plan upload.png', ignorewarnings: 1 }, png(9, 9));
        assert.equal(r.json.upload?.result, 'Success', r.text);
      },
    ],
  ];

  for (const [name, request, allowed] of cases) {
    it(`${name}: every read uses an index`, async () => {
      const { findings } = await plansOf(request());
      const wrong = allowed?.sorts ? findings.filter((f) => !/^(USE TEMP B-TREE|Sort\b)/.test(f)) : findings;
      assert.deepEqual(wrong, [], wrong.join('\n\n'));
    });
  }

  it('prop=imageinfo reads no more old versions than the page of history it answers with', async () => {
    recorded.length = 0;
    const r = await query({ prop: 'imageinfo', titles: 'File:Alpha.png', iilimit: 1 })();
    const history = recorded.filter((q) => /from "oldimages"/.test(q.sql));
    recorded.length = 0;
    assert.equal(history.length, 1, history.map((q) => q.sql).join('\n'));
    // The current version and one old one (to know there is more): the read stops there.
    assert.match(history[0]!.sql, / limit (\?|\$\d+)$/);
    assert.ok(history[0]!.parameters.includes(1), JSON.stringify(history[0]!.parameters));
    assert.equal((r as { continue?: { iistart?: string } }).continue?.iistart !== undefined, true);
  });
});

/**
 * Rows enough for the planner's choice to mean something: current and old versions, deleted ones,
 * log entries and recent changes, in one transaction of multi-row inserts.
 */
async function seed(db: Kysely<Database>): Promise<void> {
  const ts = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const version = (i: number) => ({
    name: `Seed_${String(i).padStart(5, '0')}.png`,
    blob_key: `seed/${i}`,
    size: 1000 + i * 50,
    width: 10,
    height: 10,
    bits: 8,
    media_type: 'BITMAP',
    mime: 'image/png',
    metadata: '{}',
    description: '',
    user_id: 1 + (i % 7),
    user_text: `Seeder ${i % 7}`,
    timestamp: ts(i),
    sha1: sha1(Buffer.from(String(i))),
  });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const chunks = <T>(rows: T[], n = 500): T[][] =>
    range(Math.ceil(rows.length / n)).map((k) => rows.slice(k * n, (k + 1) * n));
  await db.transaction().execute(async (trx) => {
    for (const c of chunks(range(SEED).map(version))) await trx.insertInto('images').values(c).execute();
    for (const c of chunks(range(SEED).map((i) => ({ ...version(i), archive_name: `x!${i}` }))))
      await trx.insertInto('oldimages').values(c).execute();
    for (const c of chunks(
      range(SEED).map((i) => ({
        ...version(i),
        name: `Deleted_${i}.png`,
        archive_name: `x!${i}`,
        deleted_timestamp: ts(i),
        deleted_user_id: 1,
        deleted_reason: '',
      })),
    ))
      await trx.insertInto('filearchive').values(c).execute();
    const log = (i: number) => ({
      type: ['upload', 'delete', 'create', 'newusers'][i % 4]!,
      action: ['upload', 'delete', 'create', 'create'][i % 4]!,
      timestamp: ts(i),
      user_id: 1 + (i % 7),
      user_text: `Seeder ${i % 7}`,
      namespace: 6,
      title: `Seed_${String(i).padStart(5, '0')}.png`,
      page_id: 0,
      comment: '',
      params: '{}',
    });
    for (const c of chunks(range(SEED).map(log))) await trx.insertInto('logging').values(c).execute();
    const change = (i: number) => ({
      timestamp: ts(i),
      type: ['log', 'new', 'edit'][i % 3]!,
      namespace: i % 2 ? 6 : 0,
      title: `Seed_${String(i).padStart(5, '0')}.png`,
      page_id: 0,
      rev_id: 0,
      old_rev_id: 0,
      user_id: 1 + (i % 7),
      user_text: `Seeder ${i % 7}`,
      comment: '',
      minor: 0,
      bot: i % 2,
      patrolled: 0,
      old_len: 0,
      new_len: 0,
      log_id: 0,
    });
    for (const c of chunks(range(SEED).map(change)))
      await trx.insertInto('recent_changes').values(c).execute();
  });
}
