/** PostgreSQL connection options from the configuration: a statement timeout cancels long queries. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers } from './s3-env.js';

const skip = missingServers({ pg: true });

describe('PostgreSQL options', { skip: skip ?? false }, () => {
  let db: TestDatabase;
  let handle: DatabaseHandle;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await handle?.close();
    await db?.drop();
  });

  it('take the pool size and the statement timeout from the configuration', async () => {
    const config = loadConfig({ MWUP_DATABASE_URL: db.url, MWUP_DATA_DIR: '/tmp/unused' });
    assert.equal(config.database.driver, 'postgres');
    if (config.database.driver !== 'postgres') return;
    assert.equal(config.database.poolSize, 10);
    assert.equal(config.database.statementTimeoutSeconds, 0);
    handle = await openDatabase({ ...config.database, poolSize: 3, statementTimeoutSeconds: 1 });
    await sql`select pg_sleep(0.1)`.execute(handle.db);
    await assert.rejects(sql`select pg_sleep(3)`.execute(handle.db), /statement timeout/);
  });
});
