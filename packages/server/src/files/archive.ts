/** The file archive (`filearchive`): deleted file versions, and deleting single old versions into it. */
import type { Selectable } from 'kysely';
import type { Db } from '../db/index.js';
import type { FileArchiveTable } from '../db/schema.js';
import { NS_FILE } from '../title/namespaces.js';
import { isoNow } from '../util/timestamp.js';
import { addLog } from './logs.js';
import { getPage } from './pages.js';
import type { Actor } from './types.js';

/** What list=filearchive asks of the archive. */
export interface ArchiveFilter {
  ascending: boolean;
  limit: number;
  from?: string;
  to?: string;
  prefix?: string;
  /** Hex SHA-1. */
  sha1?: string;
  /** Continue at this name, timestamp (ISO) and id, inclusive. */
  cont?: { name: string; timestamp: string; id: number };
}

export type ArchivedVersion = Selectable<FileArchiveTable>;

export class FileArchive {
  constructor(private readonly db: Db) {}

  /** Archived versions by name, then timestamp and id. */
  list(f: ArchiveFilter): Promise<ArchivedVersion[]> {
    const asc = f.ascending;
    let q = this.db.selectFrom('filearchive').selectAll();
    if (f.from !== undefined) q = q.where('name', asc ? '>=' : '<=', f.from);
    if (f.to !== undefined) q = q.where('name', asc ? '<=' : '>=', f.to);
    if (f.prefix !== undefined)
      q = q.where('name', '>=', f.prefix).where('name', '<', `${f.prefix}\u{10ffff}`);
    if (f.sha1 !== undefined) q = q.where('sha1', '=', f.sha1);
    const c = f.cont;
    if (c !== undefined) {
      const op = asc ? '>' : '<';
      q = q.where((eb) =>
        eb.or([
          eb('name', op, c.name),
          eb.and([eb('name', '=', c.name), eb('timestamp', op, c.timestamp)]),
          eb.and([
            eb('name', '=', c.name),
            eb('timestamp', '=', c.timestamp),
            eb('id', asc ? '>=' : '<=', c.id),
          ]),
        ]),
      );
    }
    const dir = asc ? 'asc' : 'desc';
    return q.orderBy('name', dir).orderBy('timestamp', dir).orderBy('id', dir).limit(f.limit).execute();
  }

  /** Ids of the archived versions of a file. */
  async ids(name: string): Promise<number[]> {
    const rows = await this.db.selectFrom('filearchive').select('id').where('name', '=', name).execute();
    return rows.map((r) => r.id);
  }

  /**
   * Delete one old version of a file (FileDeleteForm with `oldimage`): it moves to the file
   * archive and a delete/delete log entry says so. Returns the log id, or null when there is no
   * such old version.
   */
  deleteOldVersion(name: string, archiveName: string, actor: Actor, reason: string): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('oldimages')
        .selectAll()
        .where('name', '=', name)
        .where('archive_name', '=', archiveName)
        .executeTakeFirst();
      if (!row) return null;
      const now = isoNow();
      const { id: _id, ...cols } = row;
      await trx
        .insertInto('filearchive')
        .values({ ...cols, deleted_timestamp: now, deleted_user_id: actor.id, deleted_reason: reason })
        .execute();
      await trx.deleteFrom('oldimages').where('id', '=', row.id).execute();
      const page = await getPage(trx, NS_FILE, name);
      return addLog(trx, {
        type: 'delete',
        action: 'delete',
        timestamp: now,
        actor,
        ns: NS_FILE,
        title: name,
        pageId: page?.id ?? 0,
        comment: `Deleted old revision ${archiveName}${reason.trim() ? `: ${reason}` : ''}`,
        params: {},
      });
    });
  }
}
