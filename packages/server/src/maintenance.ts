import type { Services } from './api/services.js';
import type { Config } from './config.js';
import type { JobQueue } from './jobs/queue.js';

/**
 * How long a blob may exist unreferenced before it counts as left over from a crash (younger ones
 * may belong to an upload in progress): a day, or twice the stash's lifetime when that is longer.
 */
export const orphanGraceMs = (config: Config): number =>
  Math.max(24 * 3600 * 1000, config.uploads.stashMaxAgeSeconds * 1000 * 2);

/**
 * Housekeeping: expired stash entries (and their blobs), expired sessions, old login attempts and
 * finished jobs; now and then, blobs that nothing references (left behind by a crash between
 * writing a blob and committing the row that points to it).
 */
export async function runMaintenance(s: Services, jobs: JobQueue, opts: { orphans: boolean }): Promise<void> {
  await s.uploads.stash.cleanup();
  await s.uploads.tus.cleanup();
  await s.sessions.sweepExpired();
  await s.loginThrottle.forgetBefore(Date.now() - 24 * 3600 * 1000);
  await jobs.prune(7 * 24 * 3600 * 1000);
  const local = s.blobs as { sweepTemp?: (ms: number) => Promise<number> };
  if (local.sweepTemp) await local.sweepTemp(3600 * 1000);
  if (opts.orphans) await removeOrphans(s);
}

/** Blob keys looked up in the database at once by the orphan sweep. */
export const ORPHAN_BATCH = 500;

/**
 * Remove the upload blobs that nothing references and that are older than the grace period. The
 * keys are listed without their times and looked up in batches; only the few that nothing
 * references have their time read, and are looked up once more just before they go (a row may have
 * come meanwhile). Returns how many were removed. `now` and `batch` are for tests.
 */
export async function removeOrphans(
  s: Services,
  opts: { now?: number; batch?: number } = {},
): Promise<number> {
  let n = 0;
  const cutoff = (opts.now ?? Date.now()) - orphanGraceMs(s.config);
  const size = opts.batch ?? ORPHAN_BATCH;
  const sweep = async (keys: string[]) => {
    const referenced = await s.files.referencedBlobs(keys);
    for (const key of keys) {
      if (referenced.has(key)) continue;
      const st = await s.blobs.stat(key);
      if (!st || st.mtimeMs > cutoff) continue;
      if (await s.files.isBlobReferenced(key)) continue;
      await s.blobs.delete(key);
      n++;
    }
  };
  let batch: string[] = [];
  for await (const key of s.blobs.keys('upload/')) {
    batch.push(key);
    if (batch.length < size) continue;
    await sweep(batch);
    batch = [];
  }
  await sweep(batch);
  return n;
}

/** Runs work unless another node of the cluster is running work of that name. */
export type RunAlone = (name: string, fn: () => Promise<void>) => Promise<boolean>;

/**
 * Run maintenance every `intervalMs` (orphan removal every 12th time), on one node of a cluster at
 * a time (a node that finds another at it skips that round); returns a stop function.
 */
export function startMaintenance(
  s: Services,
  jobs: JobQueue,
  intervalMs: number,
  runAlone: RunAlone,
): () => Promise<void> {
  let round = 0;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    const orphans = round++ % 12 === 0;
    running = runAlone('mwup-maintenance', () => runMaintenance(s, jobs, { orphans }))
      .catch((e) => s.log.error(e, 'maintenance failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
