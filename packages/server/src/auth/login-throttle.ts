/** Failed login attempts (`login_attempts`) per user name and address, for $wgPasswordAttemptThrottle. */
import type { Db } from '../db/index.js';

export class LoginThrottle {
  constructor(private readonly db: Db) {}

  /** Failed attempts under `key` after `sinceMs`. */
  async failuresSince(key: string, sinceMs: number): Promise<number> {
    const r = await this.db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', key)
      .where('at_ms', '>', sinceMs)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Record a failed attempt now; attempts before `forgetBeforeMs` are dropped. */
  async recordFailure(key: string, forgetBeforeMs: number): Promise<void> {
    await this.db.insertInto('login_attempts').values({ key, at_ms: Date.now() }).execute();
    await this.forgetBefore(forgetBeforeMs);
  }

  /** Drop attempts older than `ms` (housekeeping). */
  async forgetBefore(ms: number): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('at_ms', '<', ms).execute();
  }
}
