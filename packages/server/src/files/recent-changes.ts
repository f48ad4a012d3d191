/**
 * Recent changes (`recent_changes`, MediaWiki's recentchanges): a row for each edit and for each log
 * entry MediaWiki shows there, written in the same transaction as the edit or the entry. Uploads show
 * as their log entry (with the revision the upload made); the description page an upload creates and
 * the null revision of a re-upload do not show on their own, as on MediaWiki.
 */

import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import type { RecentChangesTable } from '../db/schema.js';
import { fromTimeAndId } from './continuation.js';
import { taggedIds } from './tags.js';
import type { Actor } from './types.js';

/** A change with its revision's SHA-1 and, for a `log` row, its log entry's type, action and params. */
export type RecentChange = Selectable<RecentChangesTable> & {
  sha1: string | null;
  log_type: string | null;
  log_action: string | null;
  log_params: string | null;
};

/** Log entries MediaWiki keeps out of recent changes: page creations (the `new` edit shows them). */
export function logShowsInRecentChanges(type: string, action: string): boolean {
  return type !== 'create' && !(type === 'newusers' && action === 'autocreate');
}

/** Built once (see prepared): every upload and edit records a change. */
const insertChange = prepared((db, v: Insertable<RecentChangesTable>) =>
  db.insertInto('recent_changes').values(v),
);

/** Record a change. */
export async function recordChange(
  db: Db,
  c: {
    type: 'edit' | 'new' | 'log';
    timestamp: string;
    actor: Actor;
    ns: number;
    title: string;
    pageId: number;
    revId: number;
    oldRevId: number;
    comment: string;
    minor: boolean;
    oldLen: number;
    newLen: number;
    logId: number;
  },
): Promise<void> {
  await insertChange(db, {
    timestamp: c.timestamp,
    type: c.type,
    namespace: c.ns,
    title: c.title,
    page_id: c.pageId,
    rev_id: c.revId,
    old_rev_id: c.oldRevId,
    user_id: c.actor.id,
    user_text: c.actor.name,
    comment: c.comment,
    minor: c.minor ? 1 : 0,
    bot: c.actor.bot ? 1 : 0,
    patrolled: c.actor.autopatrolled ? 2 : 0,
    old_len: c.oldLen,
    new_len: c.newLen,
    log_id: c.logId,
  });
}

/** What list=recentchanges filters on. */
export interface ChangeFilter {
  /** Newest first (`older`) or oldest first. */
  older: boolean;
  limit: number;
  /** ISO timestamps, inclusive. */
  start?: string;
  end?: string;
  namespaces?: number[];
  userText?: string;
  excludeUserText?: string;
  types: string[];
  page?: { ns: number; dbKey: string };
  tag?: string;
  minor?: boolean;
  bot?: boolean;
  anon?: boolean;
  /** 0, 1 or 2 as `patrolled`; `patrolled: true` means 1 or 2. */
  patrolled?: boolean;
  autopatrolled?: boolean;
  /** Only rows whose revision is the page's latest. */
  topOnly?: boolean;
  /** Continue at this timestamp and id (inclusive). */
  from?: { timestamp: string; id: number };
}

export class RecentChanges {
  constructor(private readonly db: Db) {}

  async list(f: ChangeFilter): Promise<RecentChange[]> {
    const { older } = f;
    let q = this.db
      .selectFrom('recent_changes as rc')
      .leftJoin('revisions as r', 'r.id', 'rc.rev_id')
      .leftJoin('logging as l', 'l.id', 'rc.log_id')
      .selectAll('rc')
      .select(['r.sha1 as sha1', 'l.type as log_type', 'l.action as log_action', 'l.params as log_params'])
      .where('rc.type', 'in', f.types.length ? f.types : ['none']);
    if (f.start !== undefined) q = q.where('rc.timestamp', older ? '<=' : '>=', f.start);
    if (f.end !== undefined) q = q.where('rc.timestamp', older ? '>=' : '<=', f.end);
    if (f.namespaces !== undefined)
      q = q.where('rc.namespace', 'in', f.namespaces.length ? f.namespaces : [-99]);
    if (f.userText !== undefined) q = q.where('rc.user_text', '=', f.userText);
    if (f.excludeUserText !== undefined) q = q.where('rc.user_text', '<>', f.excludeUserText);
    if (f.page !== undefined)
      q = q.where('rc.namespace', '=', f.page.ns).where('rc.title', '=', f.page.dbKey);
    if (f.minor !== undefined) q = q.where('rc.minor', '=', f.minor ? 1 : 0);
    if (f.bot !== undefined) q = q.where('rc.bot', '=', f.bot ? 1 : 0);
    if (f.anon !== undefined) q = q.where('rc.user_id', f.anon ? '=' : '<>', 0);
    if (f.patrolled !== undefined) q = q.where('rc.patrolled', f.patrolled ? '<>' : '=', 0);
    if (f.autopatrolled !== undefined) q = q.where('rc.patrolled', f.autopatrolled ? '=' : '<>', 2);
    if (f.topOnly) {
      q = q
        .where('rc.rev_id', '<>', 0)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('pages as p')
              .select('p.id')
              .whereRef('p.id', '=', 'rc.page_id')
              .whereRef('p.latest_rev_id', '=', 'rc.rev_id'),
          ),
        );
    }
    if (f.tag !== undefined) {
      const logIds = await taggedIds(this.db, f.tag, 'log_id');
      const revIds = await taggedIds(this.db, f.tag, 'rev_id');
      q = q.where((eb) =>
        eb.or([
          eb.and([eb('rc.type', '=', 'log'), eb('rc.log_id', 'in', logIds.length ? logIds : [0])]),
          eb.and([eb('rc.type', '<>', 'log'), eb('rc.rev_id', 'in', revIds.length ? revIds : [0])]),
        ]),
      );
    }
    if (f.from !== undefined) q = q.where(fromTimeAndId('rc.timestamp', 'rc.id', older, f.from));
    return q
      .orderBy('rc.timestamp', older ? 'desc' : 'asc')
      .orderBy('rc.id', older ? 'desc' : 'asc')
      .limit(f.limit)
      .execute();
  }
}
