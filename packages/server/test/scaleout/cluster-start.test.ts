/**
 * A fresh cluster: several nodes started at the same moment on one empty PostgreSQL database and
 * one S3 bucket migrate it once and create the first administrator once; every node then serves.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });

describe('nodes started together on an empty database', { skip: skip ?? false }, () => {
  let db: TestDatabase;
  const prefix = `cluster-${randomUUID()}/`;
  const nodes: TestServer[] = [];
  after(async () => {
    for (const n of nodes) await n.close();
    await db?.drop();
    await removeAll(prefix);
  });

  it('migrate and bootstrap exactly once, and all serve', async () => {
    db = await createTestDatabase();
    const config = {
      database: { driver: 'postgres' as const, url: db.url },
      storage: { driver: 's3' as const, ...s3Config(prefix) },
    };
    const started = await Promise.allSettled([1, 2, 3, 4].map(() => startTestServer(config)));
    for (const r of started) if (r.status === 'fulfilled') nodes.push(r.value);
    assert.deepEqual(
      started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'started')),
      ['started', 'started', 'started', 'started'],
    );
    // One node created the administrator and printed its credentials; the others found it.
    assert.equal(nodes.filter((n) => n.server.bootstrap !== null).length, 1);
    const users = await nodes[0]!.server.db.selectFrom('users').select('name').orderBy('id').execute();
    assert.deepEqual(
      users.map((u) => u.name),
      ['Admin', 'MediaWiki default'],
    );
    const revisions = await nodes[0]!.server.db.selectFrom('revisions').select('id').execute();
    assert.equal(revisions.length, 1, 'one Main Page');
    for (const n of nodes) {
      const r = await new TestClient(n.api).get({
        action: 'query',
        list: 'users',
        ususers: 'Admin',
        formatversion: 2,
      });
      assert.equal(r.json.query.users[0].userid, 1);
    }
  });
});
