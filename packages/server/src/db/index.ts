import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type CompiledQuery, Kysely, type LogConfig, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Dialect } from './dialect.js';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';

export type { Dialect } from './dialect.js';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  dialect: Dialect;
  /** The database server's version, as meta=siteinfo reports it (`dbversion`). */
  version: string;
  /**
   * Run `fn` while no other node runs it: work that must happen once per cluster at start
   * (migrations, the first administrator). A PostgreSQL advisory lock; SQLite has one writer anyway.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Run `fn` unless another node is running work of the same name (then skip it): periodic work
   * one node at a time is enough for (maintenance). Returns whether `fn` ran.
   */
  unlessRunningElsewhere(name: string, fn: () => Promise<void>): Promise<boolean>;
  /** Tell every node listening on `channel` (PostgreSQL NOTIFY; nothing to tell with SQLite). */
  notify(channel: string): Promise<void>;
  /** Call `cb` whenever a node notifies `channel`; returns how to stop listening. */
  listen(channel: string, cb: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Who is told of every query run by databases opened from now on (see `observeQueries`). */
const queryObservers = new Set<(query: CompiledQuery) => void>();

/**
 * Call `fn` with every query (its SQL and parameters) that a database opened while `fn` is
 * registered runs, until the returned function is called. For tests that look at the statements the
 * server runs (their query plans); a database opened with no observer registered has no log hook at all.
 */
export function observeQueries(fn: (query: CompiledQuery) => void): () => void {
  queryObservers.add(fn);
  return () => {
    queryObservers.delete(fn);
  };
}

/** The log hook that tells the observers, if there are any when the database is opened. */
function queryLog(): { log?: LogConfig } {
  if (queryObservers.size === 0) return {};
  return {
    log(event) {
      if (event.level !== 'query') return;
      for (const fn of queryObservers) fn(event.query);
    },
  };
}

/** The advisory lock key of start-up work (any fixed number; "mwup" in ASCII). */
const STARTUP_LOCK = 0x6d777570;

/**
 * A connection of its own that LISTENs on `channel` and calls `cb` on each notification; it
 * reconnects after a lost connection (a notification missed meanwhile is caught by polling).
 */
async function listenOn(
  pgLib: typeof pg,
  url: string,
  channel: string,
  cb: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const c = new pgLib.Client({ connectionString: url });
    c.on('notification', (n) => {
      if (n.channel === channel) cb();
    });
    c.on('error', () => {
      if (stopped) return;
      client = null;
      setTimeout(() => void connect().catch(() => {}), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    client = c;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end();
  };
}

/** `fn` if the advisory lock named `name` is free (taken and released around it), else nothing. */
function ifAdvisoryFree(db: Db, name: string, fn: () => Promise<void>): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    const r = await sql<{ got: boolean }>`select pg_try_advisory_lock(hashtext(${name})) as got`.execute(
      conn,
    );
    if (!r.rows[0]?.got) return false;
    try {
      await fn();
      return true;
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(conn);
    }
  });
}

/** `fn` under a session-level advisory lock held on one connection of the pool. */
function advisoryLocked<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.execute(conn);
    }
  });
}

async function serverVersion(db: Db, dialect: Dialect): Promise<string> {
  const q =
    dialect === 'postgres'
      ? sql<{ v: string }>`show server_version`
      : sql<{ v: string }>`select sqlite_version() as v`;
  const r = await q.execute(db);
  const row = r.rows[0] as Record<string, string> | undefined;
  return row ? String(Object.values(row)[0] ?? '') : '';
}

/**
 * better-sqlite3 with prepared statements reused by SQL text (Kysely prepares every query anew).
 * The cache is bounded; statements are cheap to keep.
 */
function withStatementCache(db: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (sql: string) => {
          let st = cache.get(sql);
          if (!st) {
            st = prepare(sql);
            if (cache.size >= 500) cache.delete(cache.keys().next().value!);
            cache.set(sql, st);
          }
          return st;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * WAL pages after which a commit copies them into the database (SQLite's default is 1,000). A small
 * upload changes ~33 pages, mostly the same hot index pages, which each checkpoint copies once and
 * then flushes: ten times fewer checkpoints gave 8 of 8 A/B rounds of small uploads to this setting,
 * medians 362 against 330 uploads/s (+10 %, bench/README.md). The WAL file grows to ~40 MB between
 * checkpoints. It had been left at 1,000 because the soak's RSS then stayed up to 16 MB higher now
 * and then: free heap memory, which util/malloc-trim.ts now gives back.
 */
export const SQLITE_WAL_CHECKPOINT_PAGES = 10_000;

/** The SQLite page cache of the server's connection, KiB. */
export const SQLITE_CACHE_KIB = 2000;

/** `values` in slices short enough for one `in (…)` list each (both engines' parameter limits). */
export function* inListSlices<T>(values: T[], size = 500): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}

/** Open (and migrate) the database the configuration names. */
export async function openDatabase(
  cfg:
    | DatabaseConfig
    | { driver: 'postgres'; url: string; poolSize?: number; statementTimeoutSeconds?: number },
): Promise<DatabaseHandle> {
  if (cfg.driver === 'postgres') {
    // Loaded only when used, like the S3 SDK: a node on SQLite has no use for it.
    const { default: pgLib } = await import('pg');
    // int8 columns hold sizes and epoch milliseconds: read them as numbers.
    pgLib.types.setTypeParser(20, (v: string) => Number(v));
    const pool = new pgLib.Pool({
      connectionString: cfg.url,
      max: cfg.poolSize ?? 10,
      ...((cfg.statementTimeoutSeconds ?? 0) > 0
        ? { statement_timeout: (cfg.statementTimeoutSeconds ?? 0) * 1000 }
        : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...queryLog() });
    // Nodes starting together on an empty database: one migrates, the others wait and find it done.
    await advisoryLocked(db, () => migrate(db, 'postgres'));
    return {
      db,
      dialect: 'postgres',
      version: await serverVersion(db, 'postgres'),
      exclusive: (fn) => advisoryLocked(db, fn),
      unlessRunningElsewhere: (name, fn) => ifAdvisoryFree(db, name, fn),
      notify: async (channel) => {
        await sql`select pg_notify(${channel}, '')`.execute(db);
      },
      listen: (channel, cb) => listenOn(pgLib, cfg.url, channel, cb),
      close: () => db.destroy(),
    };
  }
  mkdirSync(dirname(cfg.file), { recursive: true });
  const sqlite = new SqliteDatabase(cfg.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`wal_autocheckpoint = ${SQLITE_WAL_CHECKPOINT_PAGES}`);
  // SQLite's own default page cache, 2 MiB (better-sqlite3 builds it with 16 MB): the cache filled
  // as the database grew and its pages stayed in malloc's heap among the uploads' buffers, 15–20 MB
  // more over 10,000 small uploads. Upload speed is the same with either; of the reads on 100,000
  // files only a list that walks the whole name index (allimages with a size few files pass) is
  // slower (bench/README.md), the rest come from the operating system's cache as fast.
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    ...queryLog(),
  });
  // Processes starting together on one new file: the first to take the write lock migrates, the
  // others wait for it (busy_timeout) and then find nothing left to do.
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    await migrate(db, 'sqlite');
    sqlite.exec('COMMIT');
  } catch (e) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw e;
  }
  const running = new Set<string>();
  return {
    db,
    dialect: 'sqlite',
    version: await serverVersion(db, 'sqlite'),
    exclusive: (fn) => fn(),
    // One file, one machine: work is skipped while this process runs it already; other processes
    // on the same file may repeat it (such work is safe to repeat).
    unlessRunningElsewhere: async (name, fn) => {
      if (running.has(name)) return false;
      running.add(name);
      try {
        await fn();
        return true;
      } finally {
        running.delete(name);
      }
    },
    notify: async () => {},
    listen: async () => async () => {},
    close: () => db.destroy(),
  };
}
