/**
 * A large repository written straight into a migrated database (SQLite file or PostgreSQL) and the
 * local blob directory, in the shape the server's own uploads leave (src/files/repo.ts `publish`):
 *
 * - a new file: its blob, an `images` row, a description page (`pages`) with its first revision,
 *   an upload/upload log entry with its recent-changes row (naming the revision), a create/create
 *   log entry (no recent-changes row), the uploader's watchlist entry and edit count, and the
 *   `file_links` of the page text;
 * - a new version of a file: the current version moves to `oldimages` (archive name from the new
 *   version's time), a null revision ("… uploaded a new version of …"), an upload/overwrite log
 *   entry with its recent-changes row.
 *
 * Blobs are small valid PNGs of distinct bytes (one file in 500 a duplicate, on purpose), with
 * their real SHA-1s and sizes. Times are spread over ten years; a handful of users upload (one
 * bot, one administrator). Rows take ids after the database's own; the rows go in as one
 * transaction, after the blobs (as the server writes them). Nothing goes through HTTP.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fileLinksOf } from '../../packages/server/src/db/file-links-parse.js';
import { mediaProps } from '../../packages/server/src/media/props.js';
import { sha1Base36, sha1Hex } from '../../packages/server/src/util/sha1.js';
import { toMwTimestamp } from '../../packages/server/src/util/timestamp.js';
import { smallPng } from './png.js';

export interface SeedOptions {
  /** How many files (current versions). */
  files: number;
  /** How many versions the one file with a long history has (its current one included). */
  versions: number;
  /** Where the local blob store keeps its blobs (`<dataDir>/blobs`). */
  blobDir: string;
  /** Seed of the name, size, time and user choices. */
  seed?: number;
}

export type SeedTarget = { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };

export interface SeedResult {
  /** Rows added, by table. */
  rows: Record<string, number>;
  /** Bytes of the blobs written (one per version). */
  blobBytes: number;
  seconds: { generate: number; blobs: number; database: number; total: number };
  /** The file with the long history. */
  bigFile: string;
  /** Seeded files' names and SHA-1s (in upload order), files that duplicate another, the uploaders. */
  names: string[];
  sha1s: string[];
  duplicated: string[];
  users: string[];
}

type Row = Record<string, string | number | null>;
type IdTable = (typeof ID_TABLES)[number];

const NS_FILE = 6;
const ID_TABLES = ['users', 'pages', 'revisions', 'logging', 'recent_changes', 'oldimages'] as const;
/** Tables in the order their rows go in. */
const ORDER = [...ID_TABLES, 'user_groups', 'images', 'watchlist', 'file_links'];
/** Uploaders: name, share of the uploads, group. */
const USERS = [
  ['Ada Photographer', 30, ''],
  ['Ben Archivist', 20, ''],
  ['Cleo Maps', 12, ''],
  ['Dan Imports', 8, ''],
  ['Eve Curator', 10, 'sysop'],
  ['FileImportBot', 20, 'bot'],
] as const;
const words = (s: string) => s.split(' ');
const SUBJECTS = words(
  'Harbour Lighthouse Bridge Cathedral Market Tram Orchid Glacier Fountain Mill Station Beetle Mosaic Fortress Library Windmill',
);
const PLACES = words('Bergen Porto Kraków Tartu Lyon Bilbao Gdańsk Turku Ghent Brno Cork Split');
const COMMENTS = ['Own work', 'Uploaded with the upload wizard', '', 'Scan of a postcard', 'Cropped'];
const LICENSES = ['cc-by-sa-4.0', 'cc-by-4.0', 'cc-zero', 'PD-old-70'];
const BIG_FILE = 'Harbour_webcam_Bergen.png';

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** PNGs of a 4×4 image made distinct (and `size` bytes long) by a private chunk of random bytes. */
const PNG_HEAD = (() => {
  const p = smallPng(200);
  return p.subarray(0, p.indexOf('prVt') - 4);
})();
const IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
function tinyPng(size: number): Buffer {
  const out = Buffer.alloc(size);
  PNG_HEAD.copy(out);
  const data = size - PNG_HEAD.length - 12 - IEND.length;
  let o = PNG_HEAD.length;
  o = out.writeUInt32BE(data, o);
  o += out.write('prVt', o, 'latin1');
  randomBytes(data).copy(out, o);
  out.writeUInt32BE(crc32(out.subarray(o - 4, o + data)), o + data);
  IEND.copy(out, size - IEND.length);
  return out;
}

/** The media columns of such a PNG, as the server's own PNG handler makes them. */
async function pngColumns(): Promise<Row> {
  const b = tinyPng(300);
  const p = await mediaProps({ size: b.length, head: b, open: () => Readable.from([b]) }, 'image/png');
  const metadata = JSON.stringify(p.handlerMetadata);
  return {
    width: p.width,
    height: p.height,
    bits: p.bitdepth,
    media_type: 'BITMAP',
    mime: 'image/png',
    metadata,
  };
}

interface Writer {
  select(sql: string): Promise<Row[]>;
  /** Every table's rows (in `ORDER`), in one transaction. */
  write(tables: Map<string, Row[]>): Promise<void>;
  close(): Promise<void>;
}

/** The highest id of each table, and the user names taken. */
async function existing(w: Writer): Promise<{ maxId: Record<IdTable, number>; userNames: Set<string> }> {
  const maxId = {} as Record<IdTable, number>;
  for (const t of ID_TABLES)
    maxId[t] = Number((await w.select(`select max(id) as n from "${t}"`))[0]?.n ?? 0);
  const names = await w.select('select name from users');
  return { maxId, userNames: new Set(names.map((r) => String(r.name))) };
}

export async function seedRepository(target: SeedTarget, o: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now();
  const writer = target.driver === 'sqlite' ? sqliteWriter(target.file) : await postgresWriter(target.url);
  try {
    const ex = await existing(writer);
    const media = await pngColumns();
    const rnd = prng(o.seed ?? 20261204);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
    const tables = new Map<string, Row[]>(ORDER.map((t) => [t, []]));
    const add = (table: string, row: Row) => tables.get(table)!.push(row);
    const ids = { ...ex.maxId };
    const next = (t: IdTable) => ++ids[t];

    const users = USERS.map(([name, weight, group]) => ({
      name: ex.userNames.has(name) ? `${name} ${randomUUID().slice(0, 4)}` : name,
      weight,
      group: group as string,
      id: next('users'),
      edits: 0,
      first: '',
    }));
    type User = (typeof users)[number];
    const bot = users.find((u) => u.group === 'bot')!;
    // Each user as often as their weight says.
    const byWeight = users.flatMap((u) => Array<User>(u.weight).fill(u));

    // Events in time order: `files` new files, and `versions - 1` new versions of one file (the one
    // that appears 5 % of the way in) spread evenly after it.
    const events = o.files + o.versions - 1;
    const bigAt = Math.floor(o.files * 0.05);
    const overwriteAt = new Set<number>();
    for (let k = 1; k < o.versions; k++)
      overwriteAt.add(bigAt + Math.ceil((k * (events - 1 - bigAt)) / (o.versions - 1)));
    const startMs = Date.UTC(2016, 0, 1);
    const meanGap = Math.max(1, (Date.now() - 86_400_000 - startMs) / 1000 / Math.max(1, events));

    let blobMs = 0;
    let blobBytes = 0;
    const dirs = new Set<string>();
    /** A blob where the local store keeps it (`upload/xx/<32 hex>`, as `newBlobKey` names them). */
    const putBlob = (bytes: Buffer): string => {
      const s = performance.now();
      const id = randomUUID().replace(/-/g, '');
      const dir = join(o.blobDir, 'upload', id.slice(0, 2));
      if (!dirs.has(dir)) mkdirSync(dir, { recursive: true });
      dirs.add(dir);
      writeFileSync(join(dir, id), bytes);
      blobBytes += bytes.length;
      blobMs += performance.now() - s;
      return `upload/${id.slice(0, 2)}/${id}`;
    };
    const recent: Buffer[] = [];
    /** Mostly small, with a long tail (0.2 KB to about 60 KB); or bytes a recent file has. */
    const newBytes = (duplicate: boolean): Buffer => {
      if (duplicate && recent.length) return pick(recent);
      const b = tinyPng(Math.min(60_000, 200 + Math.floor(-Math.log(1 - rnd()) * 1500)));
      if (recent.push(b) > 64) recent.shift();
      return b;
    };

    const current = new Map<string, { row: Row; page: Row; content: string }>();
    const watched = new Set<string>();
    const result = { names: [] as string[], sha1s: [] as string[], duplicated: [] as string[] };

    const version = (name: string, bytes: Buffer, u: User, ts: string, comment: string): Row => ({
      name,
      blob_key: putBlob(bytes),
      size: bytes.length,
      ...media,
      description: comment,
      user_id: u.id,
      user_text: u.name,
      timestamp: ts,
      sha1: sha1Hex(bytes),
    });
    const revision = (u: User, ts: string, page: Row, parent: number, comment: string, content: string) => {
      const id = next('revisions');
      const [length, sha1] = [Buffer.byteLength(content), sha1Base36(sha1Hex(content))];
      const who = { user_id: u.id, user_text: u.name };
      add('revisions', {
        id,
        page_id: page.id!,
        parent_id: parent,
        ...who,
        timestamp: ts,
        comment,
        content,
        sha1,
        length,
        minor: 0,
      });
      return id;
    };
    /** A log entry; an upload's also shows in recent changes, with the revision it made. */
    const log = (type: string, action: string, u: User, ts: string, cur: Row, page: Row, revId = 0) => {
      const comment = cur.description as string;
      const common = {
        timestamp: ts,
        user_id: u.id,
        user_text: u.name,
        namespace: NS_FILE,
        title: cur.name!,
      };
      const params = type === 'upload' ? { img_sha1: sha1Base36(cur.sha1 as string), img_timestamp: ts } : {};
      const id = next('logging');
      add('logging', {
        id,
        type,
        action,
        ...common,
        page_id: page.id!,
        comment,
        params: JSON.stringify(params),
      });
      if (type !== 'upload') return;
      add('recent_changes', {
        id: next('recent_changes'),
        ...common,
        type: 'log',
        page_id: page.id!,
        rev_id: revId,
        old_rev_id: 0,
        comment,
        minor: 0,
        bot: u.group === 'bot' ? 1 : 0,
        patrolled: u.group ? 2 : 0, // bots and administrators have `autopatrol`
        old_len: 0,
        new_len: 0,
        log_id: id,
      });
    };
    const watch = (u: User, name: string) => {
      if (watched.has(`${u.id}|${name}`)) return;
      watched.add(`${u.id}|${name}`);
      add('watchlist', { user_id: u.id, namespace: NS_FILE, title: name, expiry: null });
    };

    let ms = startMs;
    let fileNo = 0;
    for (let e = 0; e < events; e++) {
      ms += Math.max(1, Math.round(rnd() * 2 * meanGap)) * 1000;
      const ts = iso(ms);
      if (overwriteAt.has(e)) {
        // A webcam picture, replaced by its bot (or its keeper).
        const cur = current.get(BIG_FILE)!;
        const u = rnd() < 0.8 ? bot : users[1]!;
        add('oldimages', {
          id: next('oldimages'),
          ...cur.row,
          archive_name: `${toMwTimestamp(ts)}!${BIG_FILE}`,
        });
        cur.row = version(BIG_FILE, newBytes(false), u, ts, 'Daily webcam picture');
        const what = `${u.name} uploaded a new version of [[File:${BIG_FILE.replace(/_/g, ' ')}]]`;
        const revId = revision(u, ts, cur.page, cur.page.latest_rev_id as number, what, cur.content);
        Object.assign(cur.page, { latest_rev_id: revId, touched: ts, is_new: 0 });
        log('upload', 'overwrite', u, ts, cur.row, cur.page, revId);
        watch(u, BIG_FILE);
        continue;
      }
      const i = fileNo++;
      const u = e === bigAt ? bot : pick(byWeight);
      u.first ||= ts;
      const [subject, place, year] = [pick(SUBJECTS), pick(PLACES), 1950 + Math.floor(rnd() * 76)];
      const name = e === bigAt ? BIG_FILE : `${subject}_${place}_${year}_${String(i).padStart(6, '0')}.png`;
      const duplicate = i % 500 === 499;
      const row = version(name, newBytes(duplicate), u, ts, e === bigAt ? 'Harbour webcam' : pick(COMMENTS));
      if (duplicate) result.duplicated.push(name);
      const see = i > 0 && rnd() < 0.02 ? `\n\nSee also [[File:${pick(result.names)}]].` : '';
      const content = `== Summary ==\n{{Information\n|description=${subject} in ${place}, ${year}\n|date=${year}\n|source={{own}}\n|author=[[User:${u.name}|${u.name}]]\n}}${see}\n\n== Licensing ==\n{{${LICENSES[i % LICENSES.length]}}}`;
      const length = Buffer.byteLength(content);
      const page: Row = { id: next('pages'), namespace: NS_FILE, title: name, latest_rev_id: 0, touched: ts };
      Object.assign(page, { length, is_new: 1 });
      page.latest_rev_id = revision(u, ts, page, 0, row.description as string, content);
      // MediaWiki logs the upload first, then the creation of the description page.
      log('upload', 'upload', u, ts, row, page, page.latest_rev_id as number);
      log('create', 'create', u, ts, row, page);
      for (const linked of fileLinksOf(content)) add('file_links', { page_id: page.id!, name: linked });
      watch(u, name);
      u.edits++;
      current.set(name, { row, page, content });
      result.names.push(name);
      result.sha1s.push(row.sha1 as string);
    }
    for (const c of current.values()) {
      add('images', c.row);
      add('pages', c.page);
    }
    for (const u of users) {
      const registration = iso((u.first ? Date.parse(u.first) : startMs) - 86_400_000);
      add('users', { id: u.id, name: u.name, password_hash: null, registration, edit_count: u.edits });
      if (u.group) add('user_groups', { user_id: u.id, group_name: u.group, expiry: null });
    }
    const tGenerated = performance.now();
    await writer.write(tables);
    const tWritten = performance.now();
    return {
      rows: Object.fromEntries([...tables].map(([t, r]) => [t, r.length])),
      blobBytes,
      seconds: {
        generate: (tGenerated - t0 - blobMs) / 1000,
        blobs: blobMs / 1000,
        database: (tWritten - tGenerated) / 1000,
        total: (tWritten - t0) / 1000,
      },
      bigFile: BIG_FILE,
      ...result,
      users: users.map((u) => u.name),
    };
  } finally {
    await writer.close();
  }
}

const quoted = (cols: string[]) => cols.map((c) => `"${c}"`).join(', ');

function sqliteWriter(file: string): Writer {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  return {
    select: async (sql) => db.prepare(sql).all() as Row[],
    async write(tables) {
      db.transaction(() => {
        for (const [t, rows] of tables) {
          if (!rows.length) continue;
          const cols = Object.keys(rows[0]!);
          const st = db.prepare(`insert into "${t}" (${quoted(cols)}) values (${cols.map(() => '?')})`);
          for (const r of rows) st.run(cols.map((c) => r[c]));
        }
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    close: async () => void db.close(),
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return {
    select: async (sql) => (await c.query(sql)).rows,
    async write(tables) {
      await c.query('begin');
      try {
        for (const [t, rows] of tables) {
          if (!rows.length) continue;
          const cols = Object.keys(rows[0]!);
          // One array parameter per column: no limit on the number of parameters.
          const types = cols.map((col) => (rows.some((r) => typeof r[col] === 'number') ? 'bigint' : 'text'));
          const arrays = types.map((ty, i) => `$${i + 1}::${ty}[]`).join(', ');
          const sql = `insert into "${t}" (${quoted(cols)}) select * from unnest(${arrays})`;
          for (let k = 0; k < rows.length; k += 10_000)
            await c.query(
              sql,
              cols.map((col) => rows.slice(k, k + 10_000).map((r) => r[col])),
            );
        }
        const setval = (t: string) =>
          `select setval(pg_get_serial_sequence('"${t}"', 'id'), max(id)) from "${t}"`;
        for (const t of ID_TABLES) await c.query(setval(t));
        await c.query('commit');
      } catch (e) {
        await c.query('rollback');
        throw e;
      }
      // What autovacuum does after such growth.
      await c.query('analyze');
    },
    close: () => c.end(),
  };
}
