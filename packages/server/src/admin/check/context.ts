/** What the parts of the consistency check share: the findings so far, and how a blob is inspected. */
import { createHash } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Db } from '../../db/index.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { CheckReport, Note, Problem, Subject } from './report.js';

export interface CheckOptions {
  /** Read every blob of a file version or ready stash entry and compare its SHA-1. */
  sha1: boolean;
  /** Unreferenced blobs younger than this are not (yet) orphans. */
  graceMs: number;
  /** Delete orphans past the grace period and thumbnail rows of the wrong size. */
  repair: boolean;
  /** Blobs looked at in parallel. */
  concurrency?: number;
}

export interface CheckContext {
  db: Db;
  blobs: BlobStore;
  opts: CheckOptions;
  limit: LimitFunction;
  problems: Problem[];
  notes: Note[];
  counts: CheckReport['counts'];
  /** Blob keys the rows read so far refer to (file versions, stash entries, thumbnails). */
  referenced: Set<string>;
}

export function newContext(db: Db, blobs: BlobStore, opts: CheckOptions): CheckContext {
  return {
    db,
    blobs,
    opts,
    limit: pLimit(opts.concurrency ?? 8),
    problems: [],
    notes: [],
    counts: {
      currentVersions: 0,
      oldVersions: 0,
      deletedVersions: 0,
      filePages: 0,
      stashEntries: 0,
      thumbnails: 0,
      blobs: 0,
      bytesHashed: 0,
    },
    referenced: new Set(),
  };
}

/** Rows are read this many at a time. */
export const BATCH = 500;

/** Rows page by page: `fetch` reads the next `BATCH` rows after the key `keyOf` gives of the last. */
export async function* batches<K, R>(
  fetch: (after: K | undefined) => Promise<R[]>,
  keyOf: (row: R) => K,
): AsyncGenerator<R[]> {
  let after: K | undefined;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length) yield rows;
    if (rows.length < BATCH) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

/** What a blob should be: its key, size and (when known) SHA-1. */
export interface Expected {
  subject: Subject;
  blobKey: string;
  size: number;
  sha1: string | null;
  /** The blob may hold more bytes than `size` (a chunked upload receiving). */
  atLeast?: boolean;
}

/** The problem with a blob, or null. */
async function inspect(cx: CheckContext, e: Expected): Promise<Problem | null> {
  const base = { subject: e.subject, blobKey: e.blobKey };
  const st = await cx.blobs.stat(e.blobKey);
  if (!st) return { ...base, kind: 'missing-blob', message: 'blob missing' };
  if (e.atLeast ? st.size < e.size : st.size !== e.size) {
    return {
      ...base,
      kind: 'size-mismatch',
      message: `${e.atLeast ? 'at least ' : ''}${e.size} bytes recorded, ${st.size} stored`,
      expected: e.size,
      actual: st.size,
    };
  }
  if (cx.opts.sha1 && e.sha1) {
    const hash = createHash('sha1');
    for await (const c of cx.blobs.read(e.blobKey)) hash.update(c as Uint8Array);
    cx.counts.bytesHashed += st.size;
    const actual = hash.digest('hex');
    if (actual !== e.sha1) {
      return {
        ...base,
        kind: 'sha1-mismatch',
        message: `SHA-1 ${e.sha1} recorded, ${actual} stored`,
        expected: e.sha1,
        actual,
      };
    }
  }
  return null;
}

/**
 * Inspect blobs in parallel and record their problems. With `recheck`, a problem is recorded only if
 * it is still there for the row as `recheck` reads it again (null: the row is gone), for rows a
 * server at work changes (a chunk stored, an entry published).
 */
export async function inspectAll(
  cx: CheckContext,
  list: Expected[],
  recheck?: (e: Expected) => Promise<Expected | null>,
): Promise<void> {
  const found = await Promise.all(list.map((e) => cx.limit(() => inspect(cx, e))));
  for (const [i, p] of found.entries()) {
    if (!p) continue;
    if (recheck) {
      const again = await recheck(list[i]!);
      const still = again ? await inspect(cx, again) : null;
      if (still) cx.problems.push(still);
    } else cx.problems.push(p);
  }
}
