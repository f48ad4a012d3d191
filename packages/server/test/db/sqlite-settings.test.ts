import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import {
  type DatabaseHandle,
  openDatabase,
  SQLITE_CACHE_KIB,
  SQLITE_WAL_CHECKPOINT_PAGES,
} from '../../src/db/index.js';

let dir: string;
let h: DatabaseHandle;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mwup-sqlite-'));
  h = await openDatabase({ driver: 'sqlite', file: join(dir, 'wiki.sqlite') });
});
after(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

const pragma = async (name: string) =>
  Object.values((await sql.raw(`pragma ${name}`).execute(h.db)).rows[0] as object)[0];

it('opens SQLite in WAL mode with a page cache of 2 MiB, not the 16 MB better-sqlite3 builds it with', async () => {
  assert.equal(SQLITE_CACHE_KIB, 2000);
  assert.equal(await pragma('cache_size'), -SQLITE_CACHE_KIB);
  assert.equal(await pragma('journal_mode'), 'wal');
  assert.equal(await pragma('foreign_keys'), 1);
});

it('checkpoints the WAL every 10,000 pages, not every 1,000 as SQLite would (fewer copies of the same hot pages)', async () => {
  assert.equal(SQLITE_WAL_CHECKPOINT_PAGES, 10_000);
  assert.equal(await pragma('wal_autocheckpoint'), SQLITE_WAL_CHECKPOINT_PAGES);
});
