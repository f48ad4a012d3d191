/**
 * The log (`logging`): upload, delete, page creation entries. Writes happen inside the repository's
 * transactions (`addLog`); `LogEvents` answers the questions the API, the description pages and the
 * upload rate limit ask of it.
 */

import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import type { LoggingTable } from '../db/schema.js';
import { NS_FILE } from '../title/namespaces.js';
import { fromTimeAndId } from './continuation.js';
import { logShowsInRecentChanges, recordChange } from './recent-changes.js';
import { taggedIds } from './tags.js';
import type { Actor } from './types.js';

/** One log entry as stored. */
export type LogEntry = Selectable<LoggingTable>;

/** A log entry to add. `revId` is the revision the logged action made, if any (an upload's). */
export interface NewLogEntry {
  type: string;
  action: string;
  timestamp: string;
  actor: Actor;
  ns: number;
  title: string;
  pageId: number;
  comment: string;
  params: Record<string, unknown>;
  revId?: number;
}

type LogRow = Insertable<LoggingTable>;

/** The columns an entry is written with. */
const LOG_COLUMNS = [
  'type',
  'action',
  'timestamp',
  'user_id',
  'user_text',
  'namespace',
  'title',
  'page_id',
  'comment',
  'params',
] as const satisfies readonly (keyof LogRow)[];

/**
 * Inserts of one and of two entries (an upload logs one or two), built once each (see prepared);
 * row i's values are given as `${column}${i}`.
 */
const insertRows = [1, 2].map((n) =>
  prepared((db, v: Record<string, unknown>) =>
    db
      .insertInto('logging')
      .values(
        Array.from(
          { length: n },
          (_, i) => Object.fromEntries(LOG_COLUMNS.map((c) => [c, v[`${c}${i}`]])) as unknown as LogRow,
        ),
      )
      .returning('id'),
  ),
);

/** Add a log entry (and its recent changes row, where MediaWiki shows one); returns its id. */
export async function addLog(db: Db, e: NewLogEntry): Promise<number> {
  return (await addLogs(db, [e]))[0]!;
}

/**
 * Add log entries in one statement, with their ids in the given order (and their recent changes
 * rows, where MediaWiki shows them); returns their ids in that order.
 */
export async function addLogs(db: Db, entries: NewLogEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const values: LogRow[] = entries.map((e) => ({
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
  }));
  const insert = insertRows[values.length - 1];
  const rows = insert
    ? await insert(
        db,
        Object.fromEntries(values.flatMap((row, i) => LOG_COLUMNS.map((c) => [`${c}${i}`, row[c]]))),
      )
    : await db.insertInto('logging').values(values).returning('id').execute();
  // Rows get their ids in the order they are listed; RETURNING does not promise to list them so.
  const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  for (const [i, e] of entries.entries()) {
    if (!logShowsInRecentChanges(e.type, e.action)) continue;
    await recordChange(db, {
      type: 'log',
      timestamp: e.timestamp,
      actor: e.actor,
      ns: e.ns,
      title: e.title,
      pageId: e.pageId,
      revId: e.revId ?? 0,
      oldRevId: 0,
      comment: e.comment,
      minor: false,
      oldLen: 0,
      newLen: 0,
      logId: ids[i]!,
    });
  }
  return ids;
}

/** What list=logevents filters on; every field is optional except the direction and the limit. */
export interface LogFilter {
  /** Newest first (`older`) or oldest first. */
  older: boolean;
  /** How many entries to return (the caller asks for one more to know whether to continue). */
  limit: number;
  type?: string;
  action?: string;
  /** ISO timestamps, inclusive. */
  start?: string;
  end?: string;
  userText?: string;
  page?: { ns: number; dbKey: string };
  namespace?: number;
  prefix?: { ns: number; dbKey: string };
  tag?: string;
  /** Continue at this timestamp and id (inclusive). */
  from?: { timestamp: string; id: number };
}

export class LogEvents {
  constructor(private readonly db: Db) {}

  /** Log entries by timestamp and id, as the filter says. */
  async list(f: LogFilter): Promise<LogEntry[]> {
    const older = f.older;
    let query = this.db.selectFrom('logging').selectAll();
    if (f.type !== undefined) query = query.where('type', '=', f.type);
    if (f.action !== undefined) query = query.where('action', '=', f.action);
    if (f.start !== undefined) query = query.where('timestamp', older ? '<=' : '>=', f.start);
    if (f.end !== undefined) query = query.where('timestamp', older ? '>=' : '<=', f.end);
    if (f.userText !== undefined) query = query.where('user_text', '=', f.userText);
    if (f.page !== undefined)
      query = query.where('namespace', '=', f.page.ns).where('title', '=', f.page.dbKey);
    if (f.namespace !== undefined) query = query.where('namespace', '=', f.namespace);
    if (f.prefix !== undefined) {
      query = query
        .where('namespace', '=', f.prefix.ns)
        .where('title', '>=', f.prefix.dbKey)
        .where('title', '<', `${f.prefix.dbKey}\u{10ffff}`);
    }
    if (f.tag !== undefined) {
      const ids = await taggedIds(this.db, f.tag, 'log_id');
      query = query.where('id', 'in', ids.length ? ids : [0]);
    }
    if (f.from !== undefined) query = query.where(fromTimeAndId('timestamp', 'id', older, f.from));
    return query
      .orderBy('timestamp', older ? 'desc' : 'asc')
      .orderBy('id', older ? 'desc' : 'asc')
      .limit(f.limit)
      .execute();
  }

  /** The upload and deletion log of a file, newest first (the description page shows it). */
  async fileLog(name: string, limit: number): Promise<LogEntry[]> {
    return this.db
      .selectFrom('logging')
      .selectAll()
      .where('namespace', '=', NS_FILE)
      .where('title', '=', name)
      .where('type', 'in', ['upload', 'delete'])
      .orderBy('timestamp', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** How many uploads a user made since an ISO timestamp (the upload rate limit). */
  async uploadsSince(userId: number, since: string): Promise<number> {
    const r = await this.db
      .selectFrom('logging')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', 'upload')
      .where('user_id', '=', userId)
      .where('timestamp', '>=', since)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

/** The parameters of an entry as an object (`{}` when the stored JSON is not one). */
export function logParamsOf(entry: Pick<LogEntry, 'params'>): Record<string, unknown> {
  try {
    const v = JSON.parse(entry.params) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
