/**
 * The blob store's side: thumbnails, and blobs nothing references.
 *
 * Thumbnails are a cache: a row whose blob is gone is rendered again when asked for, a blob without
 * a row is overwritten then; only a blob of another size than its row says would be served wrong.
 * Blobs under `upload/` that nothing references are orphans once older than the grace period
 * (younger ones may belong to an upload in progress), as maintenance removes them.
 *
 * With `repair`, orphans past the grace period are deleted and thumbnail rows of the wrong size
 * dropped with their blob. Nothing else is changed.
 */
import { isBlobReferenced } from '../../files/repo.js';
import { BATCH, batches, type CheckContext } from './context.js';
import { formatAge, type Problem, type Subject } from './report.js';

export async function checkThumbnails(cx: CheckContext): Promise<void> {
  const { db, blobs } = cx;
  for await (const rows of batches(
    (after: string | undefined) =>
      db
        .selectFrom('thumbnails')
        .select(['key', 'blob_key', 'size'])
        .$if(after !== undefined, (q) => q.where('key', '>', after!))
        .orderBy('key')
        .limit(BATCH)
        .execute(),
    (r) => r.key,
  )) {
    cx.counts.thumbnails += rows.length;
    const found = await Promise.all(
      rows.map((r) => cx.limit(async () => ({ r, st: await blobs.stat(r.blob_key) }))),
    );
    for (const { r, st } of found) {
      cx.referenced.add(r.blob_key);
      const subject: Subject = { table: 'thumbnails', key: r.key };
      if (!st) {
        cx.notes.push({
          kind: 'thumbnail-not-stored',
          subject,
          blobKey: r.blob_key,
          message: 'rendered again when asked for',
        });
      } else if (st.size !== Number(r.size)) {
        const p: Problem = {
          kind: 'thumbnail-size-mismatch',
          subject,
          blobKey: r.blob_key,
          message: `${r.size} bytes recorded, ${st.size} stored`,
          expected: Number(r.size),
          actual: st.size,
        };
        if (cx.opts.repair) {
          await db
            .deleteFrom('thumbnails')
            .where('key', '=', r.key)
            .where('blob_key', '=', r.blob_key)
            .execute();
          await blobs.delete(r.blob_key);
          p.repaired = true;
        }
        cx.problems.push(p);
      }
    }
  }
}

/**
 * Blobs nothing references. The rows were read before the listing, so what looks unreferenced is
 * looked up again: a server at work may have written or moved its row meanwhile.
 */
export async function checkUnreferenced(cx: CheckContext): Promise<void> {
  const { db, blobs, opts } = cx;
  const now = Date.now();
  for await (const b of blobs.list('')) {
    cx.counts.blobs++;
    if (cx.referenced.has(b.key)) continue;
    const subject: Subject = { table: 'blobs', key: b.key };
    const ageMs = Math.max(0, now - b.mtimeMs);
    if (b.key.startsWith('thumbs/')) {
      const listed = await db
        .selectFrom('thumbnails')
        .select('key')
        .where('blob_key', '=', b.key)
        .executeTakeFirst();
      if (!listed) {
        cx.notes.push({
          kind: 'thumbnail-not-listed',
          subject,
          blobKey: b.key,
          message: 'overwritten when rendered again',
        });
      }
    } else if (!b.key.startsWith('upload/')) {
      cx.notes.push({
        kind: 'unknown-blob',
        subject,
        blobKey: b.key,
        message: 'not a blob this wiki writes',
      });
    } else if (await isBlobReferenced(db, b.key)) {
      // Referenced by now.
    } else if (ageMs < opts.graceMs) {
      cx.notes.push({
        kind: 'recent-unreferenced-blob',
        subject,
        blobKey: b.key,
        ageMs,
        message: `unreferenced for now, ${formatAge(ageMs)} old: maybe an upload in progress`,
      });
    } else {
      const p: Problem = {
        kind: 'orphan-blob',
        subject,
        blobKey: b.key,
        ageMs,
        message: `referenced by nothing, ${formatAge(ageMs)} old`,
      };
      if (opts.repair) {
        await blobs.delete(b.key);
        p.repaired = true;
      }
      cx.problems.push(p);
    }
  }
}
