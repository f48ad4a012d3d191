/** /healthz and /readyz: alive, and ready only while the database and the storage answer. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { embeddedOnly, startTestServer, type TestServer } from '../helpers/server.js';

describe('health endpoints', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('answer alive and ready while the database and the storage answer', async () => {
    const alive = await fetch(`${s.origin}/healthz`);
    assert.equal(alive.status, 200);
    assert.deepEqual(await alive.json(), { status: 'ok' });
    const ready = await fetch(`${s.origin}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok', storage: 'ok' });
  });

  it('answer 503 with the cause when the database does not answer', {
    skip: embeddedOnly('closes the SQLite database under a running server'),
  }, async () => {
    const broken = await startTestServer();
    try {
      await broken.server.db.destroy();
      const r = await fetch(`${broken.origin}/readyz`);
      assert.equal(r.status, 503);
      const body = await r.json();
      assert.equal(body.status, 'not ready');
      assert.notEqual(body.database, 'ok');
      assert.equal(body.storage, 'ok');
      assert.equal((await fetch(`${broken.origin}/healthz`)).status, 200);
    } finally {
      await broken.close().catch(() => {});
    }
  });
});
