/** Page protections (`protections`): who may edit, move, upload or create a title, until when. */
import type { Db } from '../db/index.js';
import { isoNow, MONTHS } from '../util/timestamp.js';
import { addLog } from './logs.js';
import type { Actor } from './types.js';

export interface Protection {
  type: string;
  level: string;
  /** ISO 8601; null for ever. */
  expiry: string | null;
}

export class Protections {
  constructor(private readonly db: Db) {}

  /** The protections of a title that have not run out, in a stable order (by type). */
  async of(ns: number, dbKey: string, nowIso: string): Promise<Protection[]> {
    const rows = await this.db
      .selectFrom('protections')
      .select(['type', 'level', 'expiry'])
      .where('namespace', '=', ns)
      .where('title', '=', dbKey)
      .orderBy('type')
      .execute();
    return rows.filter((r) => r.expiry === null || r.expiry > nowIso);
  }

  /**
   * Set a title's protections — each type protected at its level, or unprotected when the level is
   * empty — and log it (protect/protect, protect/modify or protect/unprotect). Returns the log id.
   */
  async set(
    ns: number,
    dbKey: string,
    changes: Protection[],
    by: { actor: Actor; reason: string; pageId: number },
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const now = isoNow();
      const before = (
        await trx
          .selectFrom('protections')
          .select('type')
          .where('namespace', '=', ns)
          .where('title', '=', dbKey)
          .execute()
      ).length;
      for (const c of changes) {
        await trx
          .deleteFrom('protections')
          .where('namespace', '=', ns)
          .where('title', '=', dbKey)
          .where('type', '=', c.type)
          .execute();
        if (c.level) {
          await trx
            .insertInto('protections')
            .values({ namespace: ns, title: dbKey, type: c.type, level: c.level, expiry: c.expiry })
            .execute();
        }
      }
      const after = await trx
        .selectFrom('protections')
        .select(['type', 'level', 'expiry'])
        .where('namespace', '=', ns)
        .where('title', '=', dbKey)
        .execute();
      const set = changes.filter((c) => c.level);
      const action = after.length === 0 ? 'unprotect' : before === 0 ? 'protect' : 'modify';
      const params =
        action === 'unprotect'
          ? {}
          : {
              description: set
                .map((c) => `\u200e[${c.type}=${c.level}] (${describeExpiry(c.expiry)})`)
                .join(''),
              cascade: false,
              details: set.map((c) => ({
                type: c.type,
                level: c.level,
                expiry: c.expiry ?? 'infinite',
                cascade: false,
              })),
            };
      return addLog(trx, {
        type: 'protect',
        action,
        timestamp: now,
        actor: by.actor,
        ns,
        title: dbKey,
        pageId: by.pageId,
        comment: by.reason,
        params,
      });
    });
  }
}

/** How MediaWiki's protect log describes an expiry: `indefinite`, or `expires 00:58, 11 December 2026 (UTC)`. */
function describeExpiry(expiry: string | null): string {
  if (expiry === null) return 'indefinite';
  const d = new Date(expiry);
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return `expires ${hm}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} (UTC)`;
}
