import type { Db } from '../db/index.js';

/**
 * Per-file-key locks on the stash row, so that requests for one chunked upload are serialised even
 * across server processes. A lock is a lease: a crashed holder loses it when the lease runs out.
 */
export class StashLocks {
  constructor(
    private readonly db: Db,
    private readonly leaseMs = 30_000,
  ) {}

  private async tryAcquire(key: string, owner: string): Promise<boolean> {
    const now = Date.now();
    const r = await this.db
      .updateTable('uploadstash')
      .set({ lock_owner: owner, lock_until_ms: now + this.leaseMs })
      .where('key', '=', key)
      .where((eb) =>
        eb.or([eb('lock_owner', 'is', null), eb('lock_until_ms', '<', now), eb('lock_owner', '=', owner)]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Take the lock, waiting up to `waitMs` for another holder. Returns a release function, or null when
   * the lock could not be taken (or the row does not exist). The lease is renewed while held.
   */
  async acquire(key: string, owner: string, waitMs: number): Promise<(() => Promise<void>) | null> {
    const until = Date.now() + waitMs;
    for (;;) {
      if (await this.tryAcquire(key, owner)) break;
      const exists = await this.db
        .selectFrom('uploadstash')
        .select('key')
        .where('key', '=', key)
        .executeTakeFirst();
      if (!exists || Date.now() >= until) return null;
      await new Promise((r) => setTimeout(r, 25));
    }
    const renew = setInterval(() => {
      void this.db
        .updateTable('uploadstash')
        .set({ lock_until_ms: Date.now() + this.leaseMs })
        .where('key', '=', key)
        .where('lock_owner', '=', owner)
        .execute()
        .catch(() => {});
    }, this.leaseMs / 3);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      await this.db
        .updateTable('uploadstash')
        .set({ lock_owner: null, lock_until_ms: null })
        .where('key', '=', key)
        .where('lock_owner', '=', owner)
        .execute();
    };
  }
}
