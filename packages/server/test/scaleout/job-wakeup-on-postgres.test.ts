/**
 * A job queued on one node wakes the idle workers of another at once (PostgreSQL LISTEN/NOTIFY),
 * not at its next poll: here the poll is ten minutes away.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DatabaseHandle, openDatabase } from '../../src/db/index.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/log.js';
import { waitFor } from '../helpers/wait.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers } from './s3-env.js';

const skip = missingServers({ pg: true });
const CHANNEL = 'mwup_jobs';

describe('job wake-up across nodes (PostgreSQL)', { skip: skip ?? false }, () => {
  let db: TestDatabase;
  let nodeA: DatabaseHandle;
  let nodeB: DatabaseHandle;
  let queueB: JobQueue;
  let stopListening: () => Promise<void>;
  const log = createLogger({ level: 'silent', format: 'json' });
  const opts = { workers: 1, pollIntervalMs: 600_000, leaseSeconds: 8, maxAttempts: 1 };
  before(async () => {
    db = await createTestDatabase();
    nodeA = await openDatabase({ driver: 'postgres', url: db.url });
    nodeB = await openDatabase({ driver: 'postgres', url: db.url });
  });
  after(async () => {
    await stopListening?.();
    await queueB?.stop();
    await nodeA?.close();
    await nodeB?.close();
    await db?.drop();
  });

  it("runs a job queued on node A on node B's idle worker within seconds", async () => {
    const ran: unknown[] = [];
    queueB = new JobQueue(nodeB.db, opts, log, { notify: () => nodeB.notify(CHANNEL) });
    queueB.register('probe', { run: async (params) => void ran.push(params) });
    stopListening = await nodeB.listen(CHANNEL, () => queueB.wakeUp());
    queueB.start();
    // Node B's worker has looked once, found nothing, and sleeps until its next poll.
    await waitFor(
      async () => (await nodeB.db.selectFrom('jobs').select('id').execute()).length === 0,
      'an empty queue',
    );
    const queueA = new JobQueue(nodeA.db, opts, log, { notify: () => nodeA.notify(CHANNEL) });
    const queuedAt = Date.now();
    await queueA.enqueue('probe', { n: 1 });
    await waitFor(() => ran.length === 1, 'node B runs the job', 5000);
    assert.deepEqual(ran, [{ n: 1 }]);
    assert.ok(Date.now() - queuedAt < 5000);
  });
});
