import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { Database } from '../../db/schema.js';
import type { LockWaitObserver } from '../../util/metrics.js';
import { type ChunkedEntry, fromRow, type StashState } from './state.js';

/** A lease held on a stash row: renewed while held, so a crashed holder loses it when it runs out. */
export interface HeldLease {
  readonly owner: string;
  /**
   * Extend the lease now. False when it is no longer ours (taken over after it ran out, or the row
   * moved on): the holder must stop. Also done in the background every third of the lease time.
   */
  renew(): Promise<boolean>;
  /** Stop renewing and give the lease up (if the row is still in the state it was taken in). */
  release(): Promise<void>;
  /**
   * Stop renewing without touching the row: a transition of the row already gave the lease up (or
   * passed it on to the next state). `release` does nothing afterwards.
   */
  forget(): void;
}

/** A receiving entry under a lease, as it was read when the lease was taken. */
export interface LeasedEntry {
  entry: ChunkedEntry;
  lease: HeldLease;
}

export type Acquired =
  | { kind: 'acquired'; lease: HeldLease }
  /** No such entry. */
  | { kind: 'missing' }
  /** The entry is in another state: nothing to wait for. */
  | { kind: 'other-state'; state: StashState }
  /** Another holder kept it longer than we waited. */
  | { kind: 'busy' };

/**
 * Leases on stash rows (columns `lease_owner`, `lease_until_ms`), so that one request at a time
 * appends to a chunked upload and one request or job at a time assembles it, across processes and
 * machines. Taking a lease is a compare-and-set: free, ran out, or already ours.
 */
export class StashLeases {
  constructor(
    private readonly db: Db,
    readonly leaseMs = 30_000,
    /** Told how long each lease was waited for (metrics). */
    private readonly lockWaited: LockWaitObserver = () => {},
  ) {}

  private async tryTake(key: string, owner: string, state: StashState): Promise<boolean> {
    const now = Date.now();
    const r = await this.db
      .updateTable('uploadstash')
      .set({ lease_owner: owner, lease_until_ms: now + this.leaseMs })
      .where('key', '=', key)
      .where('state', '=', state)
      .where(takeable(owner, now))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Take the lease on an entry in `state`, waiting up to `waitMs` while another holder has it. An
   * entry in another state is reported at once (its work is not ours to wait for).
   */
  async acquire(key: string, owner: string, state: StashState, waitMs: number): Promise<Acquired> {
    const start = Date.now();
    const until = start + waitMs;
    for (;;) {
      if (await this.tryTake(key, owner, state)) {
        this.lockWaited('stash', (Date.now() - start) / 1000);
        return { kind: 'acquired', lease: this.hold(key, owner, state) };
      }
      const row = await this.db
        .selectFrom('uploadstash')
        .select('state')
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) return { kind: 'missing' };
      if (row.state !== state) return { kind: 'other-state', state: row.state };
      if (Date.now() >= until) return { kind: 'busy' };
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * Take the lease on a receiving entry of `at.userId` that holds exactly `at.size` bytes and has not
   * expired, reading the entry in the same statement. Waits up to `waitMs` while another holder has
   * such an entry; null at once when the entry is not like that (unknown, expired, another user's,
   * in another state or at another size: nothing to wait for), or when the wait ran out.
   */
  async acquireReceiving(
    key: string,
    owner: string,
    at: { userId: number; size: number },
    waitMs: number,
  ): Promise<LeasedEntry | null> {
    const start = Date.now();
    const until = start + waitMs;
    for (;;) {
      const now = Date.now();
      const [row] = await takeReceiving(this.db, {
        key,
        owner,
        until: now + this.leaseMs,
        userId: at.userId,
        size: at.size,
        now,
      });
      if (row) {
        this.lockWaited('stash', (Date.now() - start) / 1000);
        return { entry: fromRow(row) as ChunkedEntry, lease: this.hold(key, owner, 'receiving') };
      }
      const cur = await this.db
        .selectFrom('uploadstash')
        .select(['state', 'user_id', 'size', 'expires_ms'])
        .where('key', '=', key)
        .executeTakeFirst();
      const same =
        cur?.state === 'receiving' &&
        Number(cur.user_id) === at.userId &&
        Number(cur.size) === at.size &&
        Number(cur.expires_ms) > Date.now();
      if (!same || Date.now() >= until) return null;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Renew the lease every third of its time until released. */
  private hold(key: string, owner: string, state: StashState): HeldLease {
    let released = false;
    const renew = async () => {
      const r = await this.db
        .updateTable('uploadstash')
        .set({ lease_until_ms: Date.now() + this.leaseMs })
        .where('key', '=', key)
        .where('state', '=', state)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      const held = Number(r.numUpdatedRows) === 1;
      if (!held) clearInterval(timer);
      return held;
    };
    const timer = setInterval(() => void renew().catch(() => {}), this.leaseMs / 3);
    timer.unref();
    return {
      owner,
      renew,
      forget: () => {
        released = true;
        clearInterval(timer);
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await this.db
          .updateTable('uploadstash')
          .set({ lease_owner: null, lease_until_ms: null })
          .where('key', '=', key)
          .where('state', '=', state)
          .where('lease_owner', '=', owner)
          .execute();
      },
    };
  }
}

/** A lease `owner` may take at `now`: free, ran out, or already its own. */
const takeable = (owner: string, now: number) => (eb: ExpressionBuilder<Database, 'uploadstash'>) =>
  eb.or([eb('lease_owner', 'is', null), eb('lease_until_ms', '<', now), eb('lease_owner', '=', owner)]);

/** The lease on a receiving entry taken and the entry read: every chunk's first statement, built once. */
const takeReceiving = prepared(
  (db, v: { key: string; owner: string; until: number; userId: number; size: number; now: number }) =>
    db
      .updateTable('uploadstash')
      .set({ lease_owner: v.owner, lease_until_ms: v.until })
      .where('key', '=', v.key)
      .where('state', '=', 'receiving')
      .where('user_id', '=', v.userId)
      .where('size', '=', v.size)
      .where('expires_ms', '>', v.now)
      .where(takeable(v.owner, v.now))
      .returningAll(),
);
