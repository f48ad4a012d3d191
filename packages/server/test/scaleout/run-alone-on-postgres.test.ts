/**
 * Periodic work (maintenance) runs on one node of a cluster at a time: while one node's database
 * handle runs work of a name, another node's skips work of that name and runs work of other names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers } from './s3-env.js';

const skip = missingServers({ pg: true });

describe('work that one node at a time runs (PostgreSQL)', { skip: skip ?? false }, () => {
  let db: TestDatabase;
  let nodeA: DatabaseHandle;
  let nodeB: DatabaseHandle;
  before(async () => {
    db = await createTestDatabase();
    nodeA = await openDatabase({ driver: 'postgres', url: db.url });
    nodeB = await openDatabase({ driver: 'postgres', url: db.url });
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await db?.drop();
  });

  it('is skipped elsewhere while it runs, and runs again once it is done', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const onA = nodeA.unlessRunningElsewhere('maintenance', async () => {
      started();
      await held;
    });
    await running;
    let ranOnB = false;
    assert.equal(
      await nodeB.unlessRunningElsewhere('maintenance', async () => {
        ranOnB = true;
      }),
      false,
    );
    assert.equal(ranOnB, false);
    assert.equal(await nodeB.unlessRunningElsewhere('other work', async () => {}), true);
    release();
    assert.equal(await onA, true);
    assert.equal(
      await nodeB.unlessRunningElsewhere('maintenance', async () => {
        ranOnB = true;
      }),
      true,
    );
    assert.equal(ranOnB, true);
  });
});
