/** Watchlists (`watchlist`): who watches which page, until when. */
import type { Db } from '../db/index.js';
import { prepared } from '../db/prepared.js';

/** Built once (see prepared): every upload by a user who watches what they upload runs it. */
const upsertWatch = prepared((db, v: { userId: number; ns: number; dbKey: string; expiry: string | null }) =>
  db
    .insertInto('watchlist')
    .values({ user_id: v.userId, namespace: v.ns, title: v.dbKey, expiry: v.expiry })
    .onConflict((oc) => oc.columns(['user_id', 'namespace', 'title']).doUpdateSet({ expiry: v.expiry })),
);

export async function setWatch(
  db: Db,
  userId: number,
  ns: number,
  dbKey: string,
  watch: boolean,
  expiry: string | null,
): Promise<void> {
  if (!watch) {
    await db
      .deleteFrom('watchlist')
      .where('user_id', '=', userId)
      .where('namespace', '=', ns)
      .where('title', '=', dbKey)
      .execute();
    return;
  }
  await upsertWatch(db, { userId, ns, dbKey, expiry });
}

/** Whether a user watches a page (expired entries do not count). */
export async function isWatched(
  db: Db,
  userId: number,
  ns: number,
  dbKey: string,
  nowIso: string,
): Promise<{ expiry: string | null } | null> {
  const row = await db
    .selectFrom('watchlist')
    .select('expiry')
    .where('user_id', '=', userId)
    .where('namespace', '=', ns)
    .where('title', '=', dbKey)
    .executeTakeFirst();
  if (!row || (row.expiry !== null && row.expiry <= nowIso)) return null;
  return { expiry: row.expiry };
}

export class Watchlist {
  constructor(private readonly db: Db) {}

  /** The user's entry for a page if it is watched now (its expiry, null for ever), else null. */
  entry(
    userId: number,
    ns: number,
    dbKey: string,
    nowIso: string,
  ): Promise<{ expiry: string | null } | null> {
    return isWatched(this.db, userId, ns, dbKey, nowIso);
  }

  /** Watch (until `expiry`, null for ever) or stop watching a page. */
  set(userId: number, ns: number, dbKey: string, watch: boolean, expiry: string | null): Promise<void> {
    return setWatch(this.db, userId, ns, dbKey, watch, expiry);
  }

  /** How many entries a page has (expired ones included, as MediaWiki counts watchers). */
  async watchers(ns: number, dbKey: string): Promise<number> {
    const r = await this.db
      .selectFrom('watchlist')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('namespace', '=', ns)
      .where('title', '=', dbKey)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
