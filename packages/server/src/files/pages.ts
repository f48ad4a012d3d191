import type { Db } from '../db/index.js';
import { sha1Base36, sha1Hex } from '../util/sha1.js';

export interface Actor {
  id: number;
  name: string;
}

export interface PageRow {
  id: number;
  namespace: number;
  title: string;
  latest_rev_id: number;
  touched: string;
  length: number;
  is_new: number;
}

export async function getPage(db: Db, ns: number, dbKey: string): Promise<PageRow | null> {
  return (
    (await db
      .selectFrom('pages')
      .selectAll()
      .where('namespace', '=', ns)
      .where('title', '=', dbKey)
      .executeTakeFirst()) ?? null
  );
}

/** Add a log entry; returns its id. */
export async function addLog(
  db: Db,
  e: {
    type: string;
    action: string;
    timestamp: string;
    actor: Actor;
    ns: number;
    title: string;
    pageId: number;
    comment: string;
    params: Record<string, unknown>;
  },
): Promise<number> {
  const r = await db
    .insertInto('logging')
    .values({
      type: e.type,
      action: e.action,
      timestamp: e.timestamp,
      user_id: e.actor.id,
      user_text: e.actor.name,
      namespace: e.ns,
      title: e.title,
      page_id: e.pageId,
      comment: e.comment,
      params: JSON.stringify(e.params),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/**
 * Save a page revision. A new page is created (with a create/create log entry, as MediaWiki's page
 * creation log does); an existing page gets a new revision. `nullRevision` keeps the current text.
 */
export async function saveRevision(
  db: Db,
  o: {
    ns: number;
    dbKey: string;
    text: string | null;
    comment: string;
    actor: Actor;
    timestamp: string;
    minor?: boolean;
    logCreation?: boolean;
  },
): Promise<{ pageId: number; revId: number; created: boolean }> {
  const page = await getPage(db, o.ns, o.dbKey);
  let content = o.text ?? '';
  if (page && o.text === null) {
    const cur = await db
      .selectFrom('revisions')
      .select('content')
      .where('id', '=', page.latest_rev_id)
      .executeTakeFirst();
    content = cur?.content ?? '';
  }
  const length = Buffer.byteLength(content);
  const sha1 = sha1Base36(sha1Hex(content));
  let pageId: number;
  if (page) pageId = page.id;
  else {
    const r = await db
      .insertInto('pages')
      .values({ namespace: o.ns, title: o.dbKey, latest_rev_id: 0, touched: o.timestamp, length, is_new: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    pageId = r.id;
  }
  const rev = await db
    .insertInto('revisions')
    .values({
      page_id: pageId,
      parent_id: page?.latest_rev_id ?? 0,
      user_id: o.actor.id,
      user_text: o.actor.name,
      timestamp: o.timestamp,
      comment: o.comment,
      content,
      sha1,
      length,
      minor: o.minor ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('pages')
    .set({ latest_rev_id: rev.id, touched: o.timestamp, length, is_new: page ? 0 : 1 })
    .where('id', '=', pageId)
    .execute();
  if (!page && o.logCreation !== false) {
    await addLog(db, {
      type: 'create',
      action: 'create',
      timestamp: o.timestamp,
      actor: o.actor,
      ns: o.ns,
      title: o.dbKey,
      pageId,
      comment: o.comment,
      params: {},
    });
  }
  if (o.text !== null)
    await db
      .updateTable('users')
      .set((eb) => ({ edit_count: eb('edit_count', '+', 1) }))
      .where('id', '=', o.actor.id)
      .execute();
  return { pageId, revId: rev.id, created: !page };
}

/** Delete a page with its revisions (kept nowhere else: only files have an archive here). */
export async function deletePage(db: Db, pageId: number): Promise<void> {
  await db.deleteFrom('revisions').where('page_id', '=', pageId).execute();
  await db.deleteFrom('pages').where('id', '=', pageId).execute();
}

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
  await db
    .insertInto('watchlist')
    .values({ user_id: userId, namespace: ns, title: dbKey, expiry })
    .onConflict((oc) => oc.columns(['user_id', 'namespace', 'title']).doUpdateSet({ expiry }))
    .execute();
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
