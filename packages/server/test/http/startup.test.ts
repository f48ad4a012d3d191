/**
 * Two server processes started at the same moment on one new SQLite data directory: the database
 * is migrated once, the first administrator created once, and both serve.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { TestClient } from '../helpers/client.js';
import { embeddedOnly, type ServerProcess, spawnServerProcess } from '../helpers/server.js';

describe('server processes started together on a new data directory', {
  skip: embeddedOnly('a SQLite data directory'),
}, () => {
  it('migrate and create the administrator and the Main Page once, and both serve', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mwup-startup-'));
    const started = await Promise.allSettled([
      spawnServerProcess({ dataDir }),
      spawnServerProcess({ dataDir }),
    ]);
    const procs = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])) as ServerProcess[];
    try {
      assert.deepEqual(
        started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'started')),
        ['started', 'started'],
      );
      for (const p of procs) {
        const r = await new TestClient(p.api).get({
          action: 'query',
          list: 'users',
          ususers: 'Admin',
          formatversion: 2,
        });
        assert.equal(r.json.query.users[0].userid, 1);
      }
      const db = new SqliteDatabase(join(dataDir, 'wiki.sqlite'), { readonly: true });
      try {
        assert.deepEqual(db.prepare('select name from users order by id').all(), [
          { name: 'Admin' },
          { name: 'MediaWiki default' },
        ]);
        assert.equal((db.prepare('select count(*) as n from revisions').get() as { n: number }).n, 1);
        assert.equal((db.prepare('select count(*) as n from bot_passwords').get() as { n: number }).n, 1);
      } finally {
        db.close();
      }
    } finally {
      for (const p of procs) await p.dispose();
    }
  });
});
