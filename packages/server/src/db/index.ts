import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
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
  close(): Promise<void>;
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

/** Open (and migrate) the database the configuration names. */
export async function openDatabase(cfg: DatabaseConfig): Promise<DatabaseHandle> {
  if (cfg.driver === 'postgres') {
    // int8 columns hold sizes and epoch milliseconds: read them as numbers.
    pg.types.setTypeParser(20, (v: string) => Number(v));
    const pool = new pg.Pool({ connectionString: cfg.url, max: 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db, 'postgres');
    return {
      db,
      dialect: 'postgres',
      version: await serverVersion(db, 'postgres'),
      close: () => db.destroy(),
    };
  }
  mkdirSync(dirname(cfg.file), { recursive: true });
  const sqlite = new SqliteDatabase(cfg.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrate(db, 'sqlite');
  return { db, dialect: 'sqlite', version: await serverVersion(db, 'sqlite'), close: () => db.destroy() };
}
