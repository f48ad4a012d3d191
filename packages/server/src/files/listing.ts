/**
 * list=allimages: current file versions (`images`) by name or by upload time; and pages of them by
 * name, time or size for Special:ListFiles and Special:NewFiles.
 */
import type { Db } from '../db/index.js';
import { toVersion } from './repo.js';
import type { FileVersion } from './types.js';

export interface FileListFilter {
  /** Sort by name, or by timestamp then name. */
  byName: boolean;
  ascending: boolean;
  /** How many files to return. */
  limit: number;
  /** Names (DB keys), inclusive: where to continue, where to start and end, a name prefix. */
  continueName?: string;
  fromName?: string;
  toName?: string;
  prefix?: string;
  /** ISO timestamps, inclusive. */
  start?: string;
  end?: string;
  /** Continue at this timestamp and name (inclusive). */
  from?: { timestamp: string; name: string };
  /** Only files uploaded by this user id. */
  userId?: number;
  /** Only files uploaded by these users (`only`), or by anyone else (`exclude`). */
  users?: { ids: number[]; mode: 'only' | 'exclude' };
  minSize?: number;
  maxSize?: number;
  /** Hex SHA-1 */
  sha1?: string;
  /** MIME types: exact (`image/png`) and major types (`image/`). */
  mime?: { exact: string[]; majors: string[] };
}

/** The orders Special:ListFiles offers (MediaWiki's img_name, img_timestamp, img_size). */
export type FileSort = 'name' | 'timestamp' | 'size';

/** One page of current files in an order, the name breaking ties. */
export interface FilePageQuery {
  sort: FileSort;
  ascending: boolean;
  limit: number;
  /** Only files after this position (strictly): the sort column's value (ISO time, size, name), then the name. */
  after?: { value: string | number; name: string };
  /** Only files whose current version this user uploaded (user id). */
  userId?: number;
}

export class FileListing {
  constructor(private readonly db: Db) {}

  async list(f: FileListFilter): Promise<FileVersion[]> {
    const asc = f.ascending;
    let query = this.db.selectFrom('images').selectAll();
    if (f.continueName !== undefined) query = query.where('name', asc ? '>=' : '<=', f.continueName);
    if (f.fromName !== undefined) query = query.where('name', asc ? '>=' : '<=', f.fromName);
    if (f.toName !== undefined) query = query.where('name', asc ? '<=' : '>=', f.toName);
    if (f.prefix !== undefined)
      query = query.where('name', '>=', f.prefix).where('name', '<', `${f.prefix}\u{10ffff}`);
    if (f.start !== undefined) query = query.where('timestamp', asc ? '>=' : '<=', f.start);
    if (f.end !== undefined) query = query.where('timestamp', asc ? '<=' : '>=', f.end);
    const from = f.from;
    if (from !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('timestamp', asc ? '>' : '<', from.timestamp),
          eb.and([eb('timestamp', '=', from.timestamp), eb('name', asc ? '>=' : '<=', from.name)]),
        ]),
      );
    }
    if (f.userId !== undefined) query = query.where('user_id', '=', f.userId);
    if (f.users !== undefined) {
      const ids = f.users.ids;
      if (f.users.mode === 'only') query = query.where('user_id', 'in', ids.length ? ids : [-1]);
      else if (ids.length) query = query.where('user_id', 'not in', ids);
    }
    if (f.minSize !== undefined) query = query.where('size', '>=', f.minSize);
    if (f.maxSize !== undefined) query = query.where('size', '<=', f.maxSize);
    if (f.sha1 !== undefined) query = query.where('sha1', '=', f.sha1);
    const mime = f.mime;
    if (mime !== undefined) {
      query = query.where((eb) =>
        eb.or([
          ...(mime.exact.length ? [eb('mime', 'in', mime.exact)] : []),
          ...mime.majors.map((m) => eb('mime', 'like', `${m.replace(/[\\%_]/g, '\\$&')}%`)),
        ]),
      );
    }
    query = f.byName
      ? query.orderBy('name', asc ? 'asc' : 'desc')
      : query.orderBy('timestamp', asc ? 'asc' : 'desc').orderBy('name', asc ? 'asc' : 'desc');
    return (await query.limit(f.limit).execute()).map(toVersion);
  }

  /** Current files in the order asked for, after a position (keyset paging both ways). */
  async page(q: FilePageQuery): Promise<FileVersion[]> {
    const dir = q.ascending ? 'asc' : 'desc';
    const op = q.ascending ? '>' : '<';
    let query = this.db.selectFrom('images').selectAll();
    if (q.userId !== undefined) query = query.where('user_id', '=', q.userId);
    const after = q.after;
    if (after !== undefined) {
      if (q.sort === 'name') query = query.where('name', op, after.name);
      else {
        const column = q.sort;
        query = query.where((eb) =>
          eb.or([
            eb(column, op, after.value),
            eb.and([eb(column, '=', after.value), eb('name', op, after.name)]),
          ]),
        );
      }
    }
    if (q.sort !== 'name') query = query.orderBy(q.sort, dir);
    return (await query.orderBy('name', dir).limit(q.limit).execute()).map(toVersion);
  }
}
