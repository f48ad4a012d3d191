/** Page revisions (`revisions`): the latest one of a page, a page's history, who wrote it. */

import type { Selectable } from 'kysely';
import type { Db } from '../db/index.js';
import type { RevisionsTable } from '../db/schema.js';
import { taggedIds } from './tags.js';

/** One revision as stored. */
export type Revision = Selectable<RevisionsTable>;

/** What prop=revisions filters a page's history on. */
export interface RevisionFilter {
  pageId: number;
  /** Newest first (`older`) or oldest first. */
  older: boolean;
  /** How many revisions to return. */
  limit: number;
  /** ISO timestamps and revision ids, inclusive. */
  start?: string;
  end?: string;
  startId?: number;
  endId?: number;
  userText?: string;
  excludeUserText?: string;
  tag?: string;
  /** Continue at this timestamp and id (inclusive). */
  from?: { timestamp: string; id: number };
}

export class Revisions {
  constructor(private readonly db: Db) {}

  async byId(id: number): Promise<Revision | null> {
    return (
      (await this.db.selectFrom('revisions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
    );
  }

  /** Every revision of a page, newest first: its text and author (the automatic deletion reason). */
  async authorsNewestFirst(pageId: number): Promise<{ content: string; user_text: string }[]> {
    return this.db
      .selectFrom('revisions')
      .select(['content', 'user_text'])
      .where('page_id', '=', pageId)
      .orderBy('id', 'desc')
      .execute();
  }

  /** A page's revisions by timestamp and id, as the filter says. */
  async list(f: RevisionFilter): Promise<Revision[]> {
    const older = f.older;
    let query = this.db.selectFrom('revisions').selectAll().where('page_id', '=', f.pageId);
    if (f.start !== undefined) query = query.where('timestamp', older ? '<=' : '>=', f.start);
    if (f.end !== undefined) query = query.where('timestamp', older ? '>=' : '<=', f.end);
    if (f.startId !== undefined) query = query.where('id', older ? '<=' : '>=', f.startId);
    if (f.endId !== undefined) query = query.where('id', older ? '>=' : '<=', f.endId);
    if (f.userText !== undefined) query = query.where('user_text', '=', f.userText);
    if (f.excludeUserText !== undefined) query = query.where('user_text', '!=', f.excludeUserText);
    if (f.tag !== undefined) {
      const ids = await taggedIds(this.db, f.tag, 'rev_id');
      query = query.where('id', 'in', ids.length ? ids : [0]);
    }
    const from = f.from;
    if (from !== undefined) {
      const { timestamp: iso, id: n } = from;
      query = query.where((eb) =>
        older
          ? eb.or([eb('timestamp', '<', iso), eb.and([eb('timestamp', '=', iso), eb('id', '<=', n)])])
          : eb.or([eb('timestamp', '>', iso), eb.and([eb('timestamp', '=', iso), eb('id', '>=', n)])]),
      );
    }
    return query
      .orderBy('timestamp', older ? 'desc' : 'asc')
      .orderBy('id', older ? 'desc' : 'asc')
      .limit(f.limit)
      .execute();
  }

  /** When a user last edited (ISO), or null if never: userinfo's `latestcontrib`. */
  async latestBy(userId: number): Promise<string | null> {
    const r = await this.db
      .selectFrom('revisions')
      .select('timestamp')
      .where('user_id', '=', userId)
      .orderBy('timestamp', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.timestamp ?? null;
  }
}
