import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Db } from '../db/index.js';
import type { Logger } from '../log.js';

export interface JobContext {
  /** Attempt number, starting at 1. */
  attempt: number;
  /** Whether this is the last attempt (the job fails for good if it throws now). */
  lastAttempt: boolean;
}

export interface JobHandler {
  run(params: Record<string, unknown>, ctx: JobContext): Promise<void>;
  /** Called once when the job has failed its last attempt (e.g. to record a visible failure). */
  failed?(params: Record<string, unknown>, error: unknown): Promise<void>;
}

export interface QueueOptions {
  workers: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  maxAttempts: number;
}

/** How a queue tells the other nodes' queues that a job is waiting (PostgreSQL NOTIFY). */
export interface ClusterSignal {
  notify(): Promise<void>;
}

/**
 * A durable job queue in the database. Workers in every server process claim jobs with a lease;
 * a job whose process died is picked up again when its lease runs out, and a job that keeps failing
 * ends as 'failed' (its handler's `failed` hook records that), never stuck as queued.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly wake = new EventEmitter();
  private readonly owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private running = false;
  private loops: Promise<void>[] = [];
  /**
   * Wake-ups so far: a worker that was busy looking when one came (its query may have missed the
   * new job) looks again instead of sleeping until its next poll.
   */
  private wakeUps = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: QueueOptions,
    private readonly log: Logger,
    private readonly cluster?: ClusterSignal,
  ) {
    this.wake.setMaxListeners(0);
  }

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  /**
   * Queue a job. With a dedupe key, a job already pending (queued or running) under that key is not
   * queued again: its id is returned. A unique index on pending keys decides between nodes.
   */
  async enqueue(
    type: string,
    params: Record<string, unknown>,
    opts: { dedupeKey?: string; delayMs?: number } = {},
  ): Promise<number> {
    for (;;) {
      const now = Date.now();
      const r = await this.db
        .insertInto('jobs')
        .values({
          type,
          dedupe_key: opts.dedupeKey ?? null,
          params: JSON.stringify(params),
          status: 'queued',
          attempts: 0,
          max_attempts: this.opts.maxAttempts,
          run_after_ms: now + (opts.delayMs ?? 0),
          locked_by: null,
          locked_until_ms: null,
          last_error: null,
          created_ms: now,
          updated_ms: now,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      if (r) {
        this.wakeUp();
        // Idle workers on the other nodes look now rather than at their next poll.
        await this.cluster?.notify().catch((e) => this.log.warn(e, 'job notification failed'));
        return r.id;
      }
      if (!opts.dedupeKey) throw new Error(`job ${type} was not queued`);
      const pending = await this.db
        .selectFrom('jobs')
        .select('id')
        .where('dedupe_key', '=', opts.dedupeKey)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (pending) return pending.id;
      // The pending job finished in between: queue this one.
    }
  }

  /** Jobs waiting to run (queued or running), and the age of the oldest, in seconds (metrics). */
  async pending(): Promise<{ count: number; oldestSeconds: number }> {
    const r = await this.db
      .selectFrom('jobs')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_ms').as('oldest')])
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    const oldest = r?.oldest == null ? null : Number(r.oldest);
    return { count: Number(r?.n ?? 0), oldestSeconds: oldest === null ? 0 : (Date.now() - oldest) / 1000 };
  }

  /** Wake the idle workers: a job was queued (on another node). */
  wakeUp(): void {
    this.wakeUps++;
    this.wake.emit('job');
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < this.opts.workers; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.off('job', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.once('job', done);
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      const wakeUpsBefore = this.wakeUps;
      try {
        worked = await this.runOne();
      } catch (e) {
        this.log.error(e, 'job queue error');
      }
      if (!worked && this.running && this.wakeUps === wakeUpsBefore)
        await this.sleep(this.opts.pollIntervalMs);
    }
  }

  /** Claim one due job (queued, or running with an expired lease) and run it. */
  async runOne(): Promise<boolean> {
    const now = Date.now();
    const candidate = await this.db
      .selectFrom('jobs')
      .select(['id'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_after_ms', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until_ms', '<', now)]),
        ]),
      )
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!candidate) return false;
    const lease = now + this.opts.leaseSeconds * 1000;
    const claimed = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: this.owner,
        locked_until_ms: lease,
        attempts: eb('attempts', '+', 1),
        updated_ms: now,
      }))
      .where('id', '=', candidate.id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_after_ms', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until_ms', '<', now)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    if (!claimed) return true; // another worker took it
    const handler = this.handlers.get(claimed.type);
    const params = JSON.parse(claimed.params) as Record<string, unknown>;
    const lastAttempt = claimed.attempts >= claimed.max_attempts;
    if (!handler) {
      await this.finish(claimed.id, 'failed', `no handler for job type ${claimed.type}`);
      return true;
    }
    // Keep the lease alive while the job runs.
    const beat = setInterval(
      () => {
        void this.db
          .updateTable('jobs')
          .set({ locked_until_ms: Date.now() + this.opts.leaseSeconds * 1000 })
          .where('id', '=', claimed.id)
          .where('locked_by', '=', this.owner)
          .execute()
          .catch(() => {});
      },
      Math.max(1000, (this.opts.leaseSeconds * 1000) / 3),
    );
    try {
      await handler.run(params, { attempt: claimed.attempts, lastAttempt });
      await this.finish(claimed.id, 'done', null);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (lastAttempt) {
        await this.finish(claimed.id, 'failed', msg);
        await handler.failed?.(params, e).catch((err) => this.log.error(err, 'job failure hook failed'));
      } else {
        const backoff = 1000 * 2 ** (claimed.attempts - 1);
        await this.db
          .updateTable('jobs')
          .set({
            status: 'queued',
            locked_by: null,
            locked_until_ms: null,
            last_error: msg,
            run_after_ms: Date.now() + backoff,
            updated_ms: Date.now(),
          })
          .where('id', '=', claimed.id)
          .execute();
      }
    } finally {
      clearInterval(beat);
    }
    return true;
  }

  private async finish(id: number, status: 'done' | 'failed', error: string | null): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status, locked_by: null, locked_until_ms: null, last_error: error, updated_ms: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Forget finished jobs older than `ms`. */
  async prune(ms: number): Promise<void> {
    await this.db
      .deleteFrom('jobs')
      .where('status', 'in', ['done', 'failed'])
      .where('updated_ms', '<', Date.now() - ms)
      .execute();
  }
}
