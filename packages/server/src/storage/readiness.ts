/**
 * Whether this node can serve: the database answers and the blob storage answers, each within a
 * short time. What `/readyz` reports to a load balancer.
 */
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import type { BlobStore } from './blob-store.js';

export interface Readiness {
  ready: boolean;
  /** `ok`, or what went wrong. */
  database: string;
  storage: string;
}

const TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(db: Db, blobs: BlobStore): Promise<Readiness> {
  const [database, storage] = await Promise.all([
    probe(() => sql`select 1`.execute(db)),
    // Asking for a key that is never written reaches the store (a missing key is a normal answer).
    probe(() => blobs.stat('readiness-probe/none')),
  ]);
  return { ready: database === 'ok' && storage === 'ok', database, storage };
}
