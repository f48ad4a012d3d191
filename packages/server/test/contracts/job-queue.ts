/**
 * The job queue (jobs/queue.ts) as every database engine must keep it: a job is claimed by one
 * worker of one node, in order, when due; a job whose worker died is taken over when its lease
 * runs out; failures are retried, then end as failed with the handler told once.
 * Run on SQLite by contracts/on-sqlite-local.test.ts and on PostgreSQL by
 * scaleout/contracts-on-postgres-s3.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/db/index.js';
import { type JobHandler, JobQueue, type QueueOptions } from '../../src/jobs/queue.js';
import { type BackendUnderTest, type OpenBackend, until } from './backend.js';

const quiet = { error: () => {}, warn: () => {}, info: () => {} } as never;

export function jobQueueContract(name: string, open: OpenBackend): void {
  describe(`the job queue on ${name}`, () => {
    let u: BackendUnderTest;
    let other: Db;
    let queues: JobQueue[] = [];
    /** A queue on this node (or on the other node), with no workers started. */
    const queue = (db: Db = u.db, opts: Partial<QueueOptions> = {}) => {
      const q = new JobQueue(
        db,
        { workers: 2, pollIntervalMs: 10, leaseSeconds: 30, maxAttempts: 3, ...opts },
        quiet,
      );
      queues.push(q);
      return q;
    };
    /** Each test gets job types of its own, so that jobs of earlier tests are never claimed. */
    let n = 0;
    const type = () => `T${++n}`;
    const row = (id: number) =>
      u.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    /** Claim due jobs until none is left (jobs of other types fail for lack of a handler). */
    const drain = async (q: JobQueue) => {
      while (await q.runOne()) {}
    };

    before(async () => {
      u = await open();
      other = (await u.node()).db;
    });
    after(async () => {
      await Promise.all(queues.map((q) => q.stop()));
      queues = [];
      await u.dispose();
    });

    it('runs a job once with its parameters, then marks it done', async () => {
      const t = type();
      const seen: unknown[] = [];
      const q = queue();
      q.register(t, { run: async (p, ctx) => void seen.push([p, ctx]) });
      const id = await q.enqueue(t, { file: 'A.png', n: 1 });
      assert.equal((await row(id)).status, 'queued');
      await drain(q);
      assert.deepEqual(seen, [
        [
          { file: 'A.png', n: 1 },
          { attempt: 1, lastAttempt: false },
        ],
      ]);
      const r = await row(id);
      assert.deepEqual([r.status, r.attempts, r.locked_by, r.last_error], ['done', 1, null, null]);
      assert.equal(await q.runOne(), false, 'nothing left');
      assert.equal(seen.length, 1);
    });

    it('a wake-up that comes while a worker is looking is not lost until the next poll', async () => {
      const t = type();
      const ran: unknown[] = [];
      const producer = queue(other);
      let raced = false;
      /** The job is queued on the other node (and this node told) just after a look found nothing. */
      class Racing extends JobQueue {
        override async runOne(): Promise<boolean> {
          const worked = await super.runOne();
          if (!worked && !raced) {
            raced = true;
            await producer.enqueue(t, { n: 1 });
            this.wakeUp();
          }
          return worked;
        }
      }
      const q = new Racing(
        u.db,
        { workers: 1, pollIntervalMs: 600_000, leaseSeconds: 30, maxAttempts: 1 },
        quiet,
      );
      queues.push(q);
      q.register(t, { run: async (params) => void ran.push(params) });
      q.start();
      await until(() => ran.length === 1, 'the job ran before the next poll', 10_000);
      assert.deepEqual(ran, [{ n: 1 }]);
      // A running queue claims any due job, whatever its type: woken by the next test's jobs (on
      // PostgreSQL every node hears of them), it would take them from that test.
      await q.stop();
    });

    it('claims due jobs in the order they were queued; a delayed job waits', async () => {
      const t = type();
      const order: number[] = [];
      const q = queue();
      q.register(t, { run: async (p) => void order.push(p.i as number) });
      const later = await q.enqueue(t, { i: 0 }, { delayMs: 60_000 });
      for (let i = 1; i <= 5; i++) await q.enqueue(t, { i });
      await drain(q);
      assert.deepEqual(order, [1, 2, 3, 4, 5]);
      assert.equal((await row(later)).status, 'queued');
      await u.db
        .updateTable('jobs')
        .set({ run_after_ms: Date.now() - 1 })
        .where('id', '=', later)
        .execute();
      await drain(q);
      assert.deepEqual(order, [1, 2, 3, 4, 5, 0]);
    });

    it('two nodes claiming at once never run one job twice', async () => {
      const t = type();
      const runs = new Map<number, string[]>();
      const handler = (who: string): JobHandler => ({
        async run(p) {
          const i = p.i as number;
          runs.set(i, [...(runs.get(i) ?? []), who]);
          await new Promise((r) => setImmediate(r));
        },
      });
      const a = queue(u.db);
      const b = queue(other);
      a.register(t, handler('a'));
      b.register(t, handler('b'));
      for (let i = 0; i < 30; i++) await (i % 2 ? a : b).enqueue(t, { i });
      // Eight claimers, four per node, each claiming until nothing is left.
      await Promise.all([a, b, a, b, a, b, a, b].map(drain));
      for (let i = 0; i < 30; i++) assert.equal(runs.get(i)?.length, 1, `job ${i}: ${runs.get(i)}`);
      const rows = await u.db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('type', '=', t)
        .execute();
      assert.equal(rows.length, 30);
      assert.ok(rows.every((r) => r.status === 'done' && r.attempts === 1));
    });

    it('started workers on two nodes run every job exactly once', async () => {
      const t = type();
      const runs = new Map<number, number>();
      const a = queue(u.db, { workers: 3 });
      const b = queue(other, { workers: 3 });
      for (const q of [a, b]) {
        q.register(t, { run: async (p) => void runs.set(p.i as number, (runs.get(p.i as number) ?? 0) + 1) });
      }
      a.start();
      b.start();
      for (let i = 0; i < 40; i++) await (i % 2 ? a : b).enqueue(t, { i });
      await until(async () => {
        const left = await u.db
          .selectFrom('jobs')
          .select('id')
          .where('type', '=', t)
          .where('status', '!=', 'done')
          .execute();
        return left.length === 0;
      }, 'every job is done');
      await Promise.all([a.stop(), b.stop()]);
      for (let i = 0; i < 40; i++) assert.equal(runs.get(i), 1, `job ${i}`);
    });

    it('a job with a dedupe key is queued once while pending, from whichever node', async () => {
      const t = type();
      const a = queue(u.db);
      const b = queue(other);
      const first = await a.enqueue(t, { v: 1 }, { dedupeKey: `${t}:k` });
      assert.equal(await b.enqueue(t, { v: 2 }, { dedupeKey: `${t}:k` }), first);
      // Asked at once on both nodes, still one job.
      const raced = await Promise.all(
        [a, b, a, b].map((q, i) => q.enqueue(t, { v: i }, { dedupeKey: `${t}:race` })),
      );
      assert.equal(new Set(raced).size, 1, `ids ${raced}`);
      // Once it ran, the key may be queued again.
      a.register(t, { run: async () => {} });
      await drain(a);
      const again = await b.enqueue(t, { v: 3 }, { dedupeKey: `${t}:k` });
      assert.notEqual(again, first);
      assert.equal((await row(again)).status, 'queued');
      await drain(a);
    });

    it('a job whose worker died is taken over when its lease ran out, not before', async () => {
      const t = type();
      const a = queue(u.db);
      const ran: number[] = [];
      a.register(t, { run: async (_p, ctx) => void ran.push(ctx.attempt) });
      const id = await a.enqueue(t, {});
      // A worker on another node claimed it, then its process died: the row keeps its lease.
      const lease = (until: number) =>
        u.db
          .updateTable('jobs')
          .set({ status: 'running', attempts: 1, locked_by: 'crashed-node', locked_until_ms: until })
          .where('id', '=', id)
          .execute();
      await lease(Date.now() + 60_000);
      assert.equal(await a.runOne(), false, 'a live lease is not taken');
      assert.deepEqual(ran, []);
      await lease(Date.now() - 1);
      await drain(a);
      assert.deepEqual(ran, [2], 'taken over as the second attempt');
      const r = await row(id);
      assert.deepEqual([r.status, r.attempts, r.locked_by], ['done', 2, null]);
    });

    it('a running job keeps its lease while its worker lives', async () => {
      const t = type();
      const a = queue(u.db, { leaseSeconds: 3 });
      const b = queue(other, { leaseSeconds: 3 });
      let finish!: () => void;
      const running = new Promise<void>((r) => {
        finish = r;
      });
      let started = false;
      let runs = 0;
      const handler: JobHandler = {
        async run() {
          runs++;
          started = true;
          await running;
        },
      };
      a.register(t, handler);
      b.register(t, handler);
      const id = await a.enqueue(t, {});
      const work = a.runOne();
      await until(() => started, 'the job started');
      const first = Number((await row(id)).locked_until_ms);
      await until(async () => Number((await row(id)).locked_until_ms) > first, 'the lease is renewed', 5000);
      assert.equal(await b.runOne(), false, 'the other node leaves it alone');
      finish();
      await work;
      assert.equal(runs, 1);
      assert.equal((await row(id)).status, 'done');
    });

    it('a failing job is retried later, then fails for good and its handler hears of it once', async () => {
      const t = type();
      const q = queue(u.db, { maxAttempts: 2 });
      const attempts: [number, boolean][] = [];
      const failures: [unknown, string][] = [];
      q.register(t, {
        async run(_p, ctx) {
          attempts.push([ctx.attempt, ctx.lastAttempt]);
          throw new Error(`broken ${ctx.attempt}`);
        },
        async failed(p, e) {
          failures.push([p, (e as Error).message]);
        },
      });
      const id = await q.enqueue(t, { name: 'X' });
      await drain(q);
      let r = await row(id);
      assert.deepEqual([r.status, r.attempts, r.last_error, r.locked_by], ['queued', 1, 'broken 1', null]);
      assert.ok(Number(r.run_after_ms) > Date.now(), 'retried after a pause');
      assert.equal(await q.runOne(), false, 'not before its time');
      await u.db
        .updateTable('jobs')
        .set({ run_after_ms: Date.now() - 1 })
        .where('id', '=', id)
        .execute();
      await drain(q);
      r = await row(id);
      assert.deepEqual([r.status, r.attempts, r.last_error], ['failed', 2, 'broken 2']);
      assert.deepEqual(attempts, [
        [1, false],
        [2, true],
      ]);
      assert.deepEqual(failures, [[{ name: 'X' }, 'broken 2']]);
      assert.equal(await q.runOne(), false, 'a failed job is not run again');
    });

    it('a job nobody handles fails instead of staying queued', async () => {
      const t = type();
      const q = queue();
      const id = await q.enqueue(t, {});
      await drain(q);
      const r = await row(id);
      assert.equal(r.status, 'failed');
      assert.match(r.last_error ?? '', /no handler/);
    });

    it('prunes finished jobs older than asked, and keeps pending ones', async () => {
      const t = type();
      const q = queue();
      q.register(t, { run: async () => {} });
      const done = await q.enqueue(t, {});
      await drain(q);
      const pending = await q.enqueue(t, {}, { delayMs: 60_000 });
      await u.db
        .updateTable('jobs')
        .set({ updated_ms: Date.now() - 10_000 })
        .where('type', '=', t)
        .execute();
      await q.prune(60_000);
      assert.ok(await u.db.selectFrom('jobs').select('id').where('id', '=', done).executeTakeFirst());
      await q.prune(5_000);
      assert.equal(
        await u.db.selectFrom('jobs').select('id').where('id', '=', done).executeTakeFirst(),
        undefined,
      );
      assert.equal((await row(pending)).status, 'queued');
    });
  });
}
