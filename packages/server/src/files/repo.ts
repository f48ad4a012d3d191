import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { type Db, inListSlices } from '../db/index.js';
import { prepared } from '../db/prepared.js';
import type { FileVersionColumns } from '../db/schema.js';
import { MwError } from '../errors.js';
import type { LockWaitObserver } from '../util/metrics.js';
import { sha1Base36 } from '../util/sha1.js';
import { isoNow, plusSeconds, toMwTimestamp } from '../util/timestamp.js';
import { addLog, addLogs, type NewLogEntry } from './logs.js';
import { readNameState, readWarningLookups, type WarningLookups } from './name-state.js';
import { deletePage, getPage, saveRevision } from './pages.js';
import { applyTags } from './tags.js';
import type { Actor, FileProps, FileVersion } from './types.js';
import { columns, toVersion } from './version-rows.js';
import { setWatch } from './watchlist.js';

export { toVersion } from './version-rows.js';

export const NS_FILE = 6;

export interface PublishInput {
  /** DB key of the target name. */
  name: string;
  blobKey: string;
  size: number;
  sha1: string;
  props: FileProps;
  comment: string;
  /** Initial page text for a new page (defaults to the comment); ignored when the page exists. */
  text: string | null;
  actor: Actor;
  tags: string[];
  watch: { watch: boolean; expiry: string | null } | null;
  /**
   * The SHA-1 of the version the uploader was warned about (null: there was none). Under the name's
   * lock the current version must still be that one, else `ChangedSinceChecked` (and nothing is
   * written): an upload that did not ignore warnings never replaces a file it was not warned about.
   */
  checkedAgainst?: string | null;
}

// What every upload runs, built once (see prepared): the duplicates' look-up, the new file's row.
const namesWithSha1 = prepared((db, v: { sha1: string }) =>
  db.selectFrom('images').select('name').where('sha1', '=', v.sha1).orderBy('name'),
);
const insertImage = prepared((db, v: FileVersionColumns) => db.insertInto('images').values(v));

/** The file changed between an upload's warning check and its publication. */
export class ChangedSinceChecked extends Error {
  constructor(readonly fileName: string) {
    super(`File:${fileName} changed after its warnings were checked`);
  }
}

export interface PublishResult {
  file: FileVersion;
  /** The version that was replaced, if any. */
  previous: FileVersion | null;
  logId: number;
  pageId: number;
  revId: number;
  /** Whether the upload created the description page (it did not exist before). */
  pageCreated: boolean;
}

/**
 * The file repository: current versions (`images`), old versions (`oldimages`) and deleted ones
 * (`filearchive`), their pages and log entries. Every change is one database transaction; blobs are
 * written before and only referenced by the rows, so a crash leaves the old state or the new one.
 */
export class FileRepo {
  constructor(
    private readonly db: Db,
    private readonly dialect: 'sqlite' | 'postgres',
    /** Told how long each name lock was waited for (metrics). */
    private readonly lockWaited: LockWaitObserver = () => {},
  ) {}

  /**
   * Serialise changes to one file name inside a transaction. SQLite transactions are serialised
   * already; on PostgreSQL an advisory lock on the name makes concurrent publishes queue up.
   */
  private async lockName(trx: Db, name: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    const start = performance.now();
    await sql`select pg_advisory_xact_lock(hashtext(${`file:${name}`}))`.execute(trx);
    this.lockWaited('file', (performance.now() - start) / 1000);
  }

  async current(name: string, db: Db = this.db): Promise<FileVersion | null> {
    const r = await db.selectFrom('images').selectAll().where('name', '=', name).executeTakeFirst();
    return r ? toVersion(r) : null;
  }

  /** The current versions of these names (those that have one), in one statement per slice of names. */
  async currentOf(names: string[]): Promise<Map<string, FileVersion>> {
    const out = new Map<string, FileVersion>();
    for (const some of inListSlices([...new Set(names)])) {
      const rows = await this.db.selectFrom('images').selectAll().where('name', 'in', some).execute();
      for (const r of rows) out.set(r.name, toVersion(r));
    }
    return out;
  }

  /**
   * The current version and description page of a name, and its protections in force at
   * `protectionsAt` (ISO) when given: one read.
   */
  nameState(name: string, protectionsAt?: string): ReturnType<typeof readNameState> {
    return readNameState(this.db, name, protectionsAt);
  }

  /** The upload warnings' look-ups by similar name, deletion and deleted bytes: one read. */
  warningLookups(o: { name: string; similarPrefix: string; sha1: string }): Promise<WarningLookups> {
    return readWarningLookups(this.db, o);
  }

  /** Old versions, newest first. */
  async history(name: string, db: Db = this.db): Promise<FileVersion[]> {
    const rows = await db
      .selectFrom('oldimages')
      .selectAll()
      .where('name', '=', name)
      .orderBy('timestamp', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toVersion);
  }

  /**
   * Old versions newest first, from `start` back to `end` (timestamps, both included), at most
   * `limit`: what a page of imageinfo's history needs, read in index order and no further.
   */
  async historyWindow(
    name: string,
    o: { start?: string | undefined; end?: string | undefined; limit: number },
  ): Promise<FileVersion[]> {
    if (o.limit <= 0) return [];
    let q = this.db.selectFrom('oldimages').selectAll().where('name', '=', name);
    if (o.start !== undefined) q = q.where('timestamp', '<=', o.start);
    if (o.end !== undefined) q = q.where('timestamp', '>=', o.end);
    const rows = await q.orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(o.limit).execute();
    return rows.map(toVersion);
  }

  async oldVersion(name: string, archiveName: string): Promise<FileVersion | null> {
    const r = await this.db
      .selectFrom('oldimages')
      .selectAll()
      .where('name', '=', name)
      .where('archive_name', '=', archiveName)
      .executeTakeFirst();
    return r ? toVersion(r) : null;
  }

  /** Whether a file has old versions. */
  async hasOldVersions(name: string): Promise<boolean> {
    const r = await this.db.selectFrom('oldimages').select('id').where('name', '=', name).executeTakeFirst();
    return r !== undefined;
  }

  /** Names of current files with these bytes. */
  async namesBySha1(sha1: string): Promise<string[]> {
    return (await namesWithSha1(this.db, { sha1 })).map((r) => r.name);
  }

  /** Current files whose name starts with `prefix` (first `limit`, by name). */
  async namesWithPrefix(prefix: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('images')
      .select('name')
      .where('name', '>=', prefix)
      .where('name', '<', `${prefix}\u{10ffff}`)
      .orderBy('name')
      .limit(limit)
      .execute();
    return rows
      .map((r) => r.name)
      .filter((n) => n.startsWith(prefix))
      .slice(0, limit);
  }

  /**
   * Publish a new version. The current version (if any) moves to the old versions. The same bytes as
   * the current version are refused with `fileexists-no-change`. `within` runs first in the same
   * transaction (the upload stash takes its entry out there): when it throws, nothing is published.
   */
  async publish(input: PublishInput, within?: (trx: Db) => Promise<void>): Promise<PublishResult> {
    return this.db.transaction().execute(async (trx) => {
      await within?.(trx);
      await this.lockName(trx, input.name);
      const { current: previous, page } = await readNameState(trx, input.name);
      if (input.checkedAgainst !== undefined && (previous?.sha1 ?? null) !== input.checkedAgainst) {
        throw new ChangedSinceChecked(input.name);
      }
      if (previous && previous.sha1 === input.sha1) {
        throw new MwError(
          'fileexists-no-change',
          `The upload is an exact duplicate of the current version of [[:File:${input.name.replace(/_/g, ' ')}]].`,
        );
      }
      let timestamp = isoNow();
      if (previous) {
        // Versions of one file are ordered by timestamp: never two in the same second. As MediaWiki
        // does, wait (under the name's lock) for the clock to pass the last version's second rather
        // than date the new one ahead; only a last version dated ahead (another node's clock) is
        // followed by one second.
        if (timestamp <= previous.timestamp) {
          const next = Date.parse(previous.timestamp) + 1000;
          if (next - Date.now() <= 1000) await delay(Math.max(0, next - Date.now()));
          timestamp = isoNow();
          if (timestamp <= previous.timestamp) timestamp = plusSeconds(previous.timestamp, 1);
        }
        const archiveName = await this.freeArchiveName(trx, input.name, timestamp);
        await trx
          .insertInto('oldimages')
          .values({ ...columns(previous), archive_name: archiveName })
          .execute();
      }
      const file: FileVersion = {
        name: input.name,
        blobKey: input.blobKey,
        size: input.size,
        width: input.props.width,
        height: input.props.height,
        bits: input.props.bits,
        mediaType: input.props.mediaType,
        mime: input.props.mime,
        metadata: input.props.metadata,
        description: input.comment,
        userId: input.actor.id,
        userText: input.actor.name,
        timestamp,
        sha1: input.sha1,
        archiveName: '',
      };
      const cols = columns(file);
      if (previous) await trx.updateTable('images').set(cols).where('name', '=', input.name).execute();
      else await insertImage(trx, cols);

      const rev = await saveRevision(
        trx,
        {
          ns: NS_FILE,
          dbKey: input.name,
          // A new page gets the text (or the comment); an existing one a null revision. Over an
          // existing file, MediaWiki's null revision says so in words rather than with the comment.
          text: page ? null : (input.text ?? input.comment),
          comment: previous
            ? `${input.actor.name} uploaded a new version of [[File:${input.name.replace(/_/g, ' ')}]]`
            : input.comment,
          actor: input.actor,
          timestamp,
          // MediaWiki logs the upload first, then the creation of the description page.
          logCreation: false,
          recentChange: false,
        },
        page,
        this.dialect,
      );
      const about = {
        timestamp,
        actor: input.actor,
        ns: NS_FILE,
        title: input.name,
        pageId: rev.pageId,
        comment: input.comment,
      };
      const logs: NewLogEntry[] = [
        {
          ...about,
          type: 'upload',
          action: previous ? 'overwrite' : 'upload',
          params: { img_sha1: sha1Base36(input.sha1), img_timestamp: timestamp },
          revId: rev.revId,
        },
      ];
      if (rev.created) logs.push({ ...about, type: 'create', action: 'create', params: {} });
      const [logId] = (await addLogs(trx, logs)) as [number];
      await applyTags(trx, input.tags, { logId, revId: rev.revId });
      if (input.watch) {
        await setWatch(trx, input.actor.id, NS_FILE, input.name, input.watch.watch, input.watch.expiry);
      }
      return { file, previous, logId, pageId: rev.pageId, revId: rev.revId, pageCreated: rev.created };
    });
  }

  private async freeArchiveName(db: Db, name: string, timestamp: string): Promise<string> {
    let ts = timestamp;
    for (;;) {
      const archiveName = `${toMwTimestamp(ts)}!${name}`;
      const taken = await db
        .selectFrom('oldimages')
        .select('id')
        .where('name', '=', name)
        .where('archive_name', '=', archiveName)
        .executeTakeFirst();
      if (!taken) return archiveName;
      ts = plusSeconds(ts, 1);
    }
  }

  /**
   * Delete a file with all its versions (they move to the file archive) and its page.
   * Returns the log id, or null when there was nothing to delete.
   */
  async deleteFile(name: string, actor: Actor, reason: string): Promise<{ logId: number } | null> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockName(trx, name);
      const cur = await this.current(name, trx);
      const page = await getPage(trx, NS_FILE, name);
      if (!cur && !page) return null;
      const now = isoNow();
      const old = await this.history(name, trx);
      for (const v of cur ? [cur, ...old] : old) {
        await trx
          .insertInto('filearchive')
          .values({
            ...columns(v),
            archive_name: v.archiveName,
            deleted_timestamp: now,
            deleted_user_id: actor.id,
            deleted_reason: reason,
          })
          .execute();
      }
      await trx.deleteFrom('oldimages').where('name', '=', name).execute();
      await trx.deleteFrom('images').where('name', '=', name).execute();
      const logId = await addLog(trx, {
        type: 'delete',
        action: 'delete',
        timestamp: now,
        actor,
        ns: NS_FILE,
        title: name,
        pageId: page?.id ?? 0,
        comment: reason,
        params: {},
      });
      if (page) await deletePage(trx, { id: page.id, ns: NS_FILE, dbKey: name });
      return { logId };
    });
  }

  /** Restore the deleted versions of a file (the newest becomes current). */
  async undeleteFile(
    name: string,
    actor: Actor,
    reason: string,
  ): Promise<{ logId: number; restored: number } | null> {
    return this.db.transaction().execute(async (trx) => {
      await this.lockName(trx, name);
      const rows = await trx
        .selectFrom('filearchive')
        .selectAll()
        .where('name', '=', name)
        .orderBy('timestamp', 'desc')
        .orderBy('id', 'desc')
        .execute();
      if (!rows.length) return null;
      let current = await this.current(name, trx);
      const now = isoNow();
      for (const r of rows) {
        const v = toVersion(r);
        if (!current) {
          await trx.insertInto('images').values(columns(v)).execute();
          current = v;
        } else {
          const archiveName = v.archiveName || (await this.freeArchiveName(trx, name, v.timestamp));
          await trx
            .insertInto('oldimages')
            .values({ ...columns(v), archive_name: archiveName })
            .execute();
        }
      }
      await trx.deleteFrom('filearchive').where('name', '=', name).execute();
      const page = await getPage(trx, NS_FILE, name);
      const rev = await saveRevision(
        trx,
        {
          ns: NS_FILE,
          dbKey: name,
          text: page ? null : (current?.description ?? ''),
          comment: reason,
          actor,
          timestamp: now,
          logCreation: false,
          recentChange: false,
        },
        page,
        this.dialect,
      );
      const logId = await addLog(trx, {
        type: 'delete',
        action: 'restore',
        timestamp: now,
        actor,
        ns: NS_FILE,
        title: name,
        pageId: rev.pageId,
        comment: reason,
        params: { count: { revisions: 0, files: rows.length } },
        revId: rev.revId,
      });
      return { logId, restored: rows.length };
    });
  }

  /** Blob keys still referenced by any version (for garbage collection of orphaned blobs). */
  isBlobReferenced(blobKey: string): Promise<boolean> {
    return isBlobReferenced(this.db, blobKey);
  }

  /** Those of `blobKeys` still referenced by any version (one query per table for all of them). */
  referencedBlobs(blobKeys: readonly string[]): Promise<Set<string>> {
    return referencedBlobs(this.db, blobKeys);
  }
}

/** The tables whose rows refer to upload blobs: file versions, deleted files, stash entries. */
const BLOB_TABLES = ['images', 'oldimages', 'filearchive', 'uploadstash'] as const;

/** Whether a file version, a deleted file or a stash entry refers to the blob. */
export async function isBlobReferenced(db: Db, blobKey: string): Promise<boolean> {
  for (const table of BLOB_TABLES) {
    const r = await db
      .selectFrom(table)
      .select('blob_key')
      .where('blob_key', '=', blobKey)
      .executeTakeFirst();
    if (r) return true;
  }
  return false;
}

/** Those of `blobKeys` that a file version, a deleted file or a stash entry refers to. */
export async function referencedBlobs(db: Db, blobKeys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  let rest = blobKeys;
  for (const table of BLOB_TABLES) {
    // Each table is asked only about the keys the ones before it did not have.
    if (rest.length === 0) break;
    const rows = await db.selectFrom(table).select('blob_key').where('blob_key', 'in', rest).execute();
    for (const r of rows) found.add(r.blob_key);
    rest = rest.filter((k) => !found.has(k));
  }
  return found;
}
