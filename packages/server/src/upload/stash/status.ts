import type { Db } from '../../db/index.js';

/** What `checkstatus` reports for a file key: a stage of an async job, its result, or its failure. */
export interface UploadStatus {
  result: 'Poll' | 'Success' | 'Warning' | 'Failure';
  stage: string;
  /** The new file key after assembly. */
  filekey?: string;
  /** The published file name. */
  filename?: string;
  warnings?: Record<string, unknown>;
  /** Bytes fetched so far (URL uploads), and the announced total when known. */
  progress?: { bytes: number; total?: number };
  /** Set for failures: the error to report. */
  error?: { code: string; info: string; data?: Record<string, unknown> };
}

/** Upload status rows (one per file key), kept for a day as MediaWiki keeps its session status. */
export class StatusStore {
  static readonly TTL_MS = 24 * 3600 * 1000;

  constructor(private readonly db: Db) {}

  async set(key: string, userId: number, status: UploadStatus, db: Db = this.db): Promise<void> {
    const now = Date.now();
    const data = JSON.stringify(status);
    await db
      .insertInto('upload_status')
      .values({ key, user_id: userId, data, updated_ms: now, expires_ms: now + StatusStore.TTL_MS })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ user_id: userId, data, updated_ms: now, expires_ms: now + StatusStore.TTL_MS }),
      )
      .execute();
  }

  async get(key: string, userId: number): Promise<UploadStatus | null> {
    const r = await this.db
      .selectFrom('upload_status')
      .select(['data', 'user_id', 'expires_ms'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!r || r.user_id !== userId || Number(r.expires_ms) <= Date.now()) return null;
    return JSON.parse(r.data) as UploadStatus;
  }

  /**
   * Record an outcome for whoever is waiting for it: only when a status is kept for the key (an
   * async job, or a `checkstatus` during the work). Part of the transaction that makes the outcome.
   */
  async setIfKept(key: string, status: UploadStatus, db: Db = this.db): Promise<void> {
    const now = Date.now();
    await db
      .updateTable('upload_status')
      .set({ data: JSON.stringify(status), updated_ms: now, expires_ms: now + StatusStore.TTL_MS })
      .where('key', '=', key)
      .execute();
  }
}
