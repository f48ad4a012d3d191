/**
 * `mwup-admin check`: does the database agree with the blob store?
 *
 * - every file version (current, old, deleted) has its blob, of the recorded size (and, when asked,
 *   with the recorded SHA-1, read as a stream);
 * - every current file has its description page, old versions belong to a current file, and a file
 *   page that an upload or an undeletion made still has its file (./pages.ts);
 * - every stash entry has its blob: a whole file (`ready`) or an assembly (`assembling`) of exactly
 *   the recorded size, a chunked upload (`receiving`) of at least the bytes recorded (a chunk cut off
 *   while being appended leaves more; the next chunk overwrites them);
 * - thumbnails and blobs nothing references (./store.ts).
 *
 * It reads while the server may be at work: what looks wrong is looked at again before it counts.
 */
import type { Db } from '../../db/index.js';
import type { BlobStore } from '../../storage/blob-store.js';
import {
  BATCH,
  batches,
  type CheckContext,
  type CheckOptions,
  type Expected,
  inspectAll,
  newContext,
} from './context.js';
import { checkPages } from './pages.js';
import type { CheckReport } from './report.js';
import { checkThumbnails, checkUnreferenced } from './store.js';

export type { CheckOptions } from './context.js';
export { type CheckReport, formatReport, type Note, type Problem } from './report.js';

export async function checkConsistency(db: Db, blobs: BlobStore, opts: CheckOptions): Promise<CheckReport> {
  const cx = newContext(db, blobs, opts);
  await checkVersions(cx);
  await checkStash(cx);
  await checkPages(cx);
  await checkThumbnails(cx);
  await checkUnreferenced(cx);
  return {
    ok: cx.problems.every((p) => p.repaired),
    counts: cx.counts,
    problems: cx.problems,
    notes: cx.notes,
    sha1: opts.sha1,
    graceMs: opts.graceMs,
  };
}

type VersionRow = { blob_key: string; size: number; sha1: string };
const version = (subject: Expected['subject'], r: VersionRow): Expected => ({
  subject,
  blobKey: r.blob_key,
  size: Number(r.size),
  sha1: r.sha1,
});

/** Current, old and deleted file versions: their blobs never go away, nor change. */
async function checkVersions(cx: CheckContext): Promise<void> {
  const { db, counts } = cx;
  for await (const rows of batches(
    (after: string | undefined) =>
      db
        .selectFrom('images')
        .select(['name', 'blob_key', 'size', 'sha1'])
        .$if(after !== undefined, (q) => q.where('name', '>', after!))
        .orderBy('name')
        .limit(BATCH)
        .execute(),
    (r) => r.name,
  )) {
    counts.currentVersions += rows.length;
    for (const r of rows) cx.referenced.add(r.blob_key);
    await inspectAll(
      cx,
      rows.map((r) => version({ table: 'images', name: r.name }, r)),
    );
  }
  for (const table of ['oldimages', 'filearchive'] as const) {
    for await (const rows of batches(
      (after: number | undefined) =>
        db
          .selectFrom(table)
          .select(['id', 'name', 'archive_name', 'blob_key', 'size', 'sha1'])
          .$if(after !== undefined, (q) => q.where('id', '>', after!))
          .orderBy('id')
          .limit(BATCH)
          .execute(),
      (r) => r.id,
    )) {
      if (table === 'oldimages') counts.oldVersions += rows.length;
      else counts.deletedVersions += rows.length;
      for (const r of rows) cx.referenced.add(r.blob_key);
      await inspectAll(
        cx,
        rows.map((r) => version({ table, name: r.name, id: r.id, archiveName: r.archive_name }, r)),
      );
    }
  }
}

type StashRow = { key: string; state: string; blob_key: string; size: number; sha1: string | null };

/** What a stash entry's blob should be; null when it need not exist yet (a chunked upload without bytes). */
const stashExpected = (r: StashRow): Expected | null =>
  r.state !== 'ready' && Number(r.size) === 0
    ? null
    : {
        subject: { table: 'uploadstash', key: r.key, state: r.state },
        blobKey: r.blob_key,
        size: Number(r.size),
        sha1: r.state === 'ready' ? r.sha1 : null,
        atLeast: r.state === 'receiving',
      };

/** Stash entries: whole files, chunked uploads receiving, assemblies. */
async function checkStash(cx: CheckContext): Promise<void> {
  const { db } = cx;
  const columns = ['key', 'state', 'blob_key', 'size', 'sha1'] as const;
  for await (const rows of batches(
    (after: string | undefined) =>
      db
        .selectFrom('uploadstash')
        .select(columns)
        .$if(after !== undefined, (q) => q.where('key', '>', after!))
        .orderBy('key')
        .limit(BATCH)
        .execute(),
    (r) => r.key,
  )) {
    cx.counts.stashEntries += rows.length;
    for (const r of rows) cx.referenced.add(r.blob_key);
    const list = rows.map(stashExpected).filter((e): e is Expected => e !== null);
    await inspectAll(cx, list, async (e) => {
      const now = await db
        .selectFrom('uploadstash')
        .select(columns)
        .where('key', '=', e.subject.key!)
        .executeTakeFirst();
      return now ? stashExpected(now) : null;
    });
  }
}
