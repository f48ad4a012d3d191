import { randomInt } from 'node:crypto';
import type { Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { UploadStashTable } from '../db/schema.js';
import { MwError } from '../errors.js';
import type { FileProps } from '../files/types.js';
import type { BlobStore } from '../storage/blob-store.js';
import { isoNow } from '../util/time.js';

export interface StashEntry {
  key: string;
  userId: number;
  blobKey: string;
  /** 'finished' or 'chunks' */
  status: string;
  filename: string;
  size: number;
  expectedSize: number | null;
  sha1: string | null;
  hashState: string | null;
  chunkCount: number;
  mime: string | null;
  props: FileProps | null;
  sourceType: string | null;
  timestamp: string;
  expiresMs: number;
}

/** MediaWiki's file key syntax. */
export const FILEKEY_RE = /^[\w\-.]+\.\w*$/;

function fromRow(r: UploadStashTable): StashEntry {
  return {
    key: r.key,
    userId: r.user_id,
    blobKey: r.blob_key,
    status: r.status,
    filename: r.filename,
    size: Number(r.size),
    expectedSize: r.expected_size === null ? null : Number(r.expected_size),
    sha1: r.sha1,
    hashState: r.hash_state,
    chunkCount: r.chunk_count,
    mime: r.mime,
    props: r.props ? (JSON.parse(r.props) as FileProps) : null,
    sourceType: r.source_type,
    timestamp: r.timestamp,
    expiresMs: Number(r.expires_ms),
  };
}

export const stashNotFound = (key: string) =>
  new MwError('uploadstash-file-not-found', `Key "${key}" not found in stash.`);

/**
 * The upload stash: files (or chunked uploads in progress) kept for their owner until published or
 * expired. Rows live in the database, bytes in blob storage — nothing only in a process.
 */
export class UploadStash {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly config: Config,
  ) {}

  /** A new key: `<time base36>.<random base36>.<user id>.<extension>`, as MediaWiki makes them. */
  newKey(userId: number, ext: string): string {
    const micros = BigInt(Date.now()) * 1000n + BigInt(randomInt(1000));
    const rand = randomInt(36 ** 5, 36 ** 6).toString(36);
    const safeExt = /^\w{0,10}$/.test(ext) ? ext.toLowerCase() : '';
    return `${micros.toString(36)}.${rand}.${userId}.${safeExt}`;
  }

  private expiry(): number {
    return Date.now() + this.config.uploads.stashMaxAgeSeconds * 1000;
  }

  async add(e: {
    userId: number;
    blobKey: string;
    status?: string;
    filename: string;
    size: number;
    expectedSize?: number | null;
    sha1: string | null;
    hashState?: string | null;
    chunkCount?: number;
    mime: string | null;
    props: FileProps | null;
    sourceType: string | null;
    ext: string;
    db?: Db;
  }): Promise<StashEntry> {
    const key = this.newKey(e.userId, e.ext);
    const row: UploadStashTable = {
      key,
      user_id: e.userId,
      blob_key: e.blobKey,
      status: e.status ?? 'finished',
      filename: e.filename,
      size: e.size,
      expected_size: e.expectedSize ?? null,
      sha1: e.sha1,
      hash_state: e.hashState ?? null,
      chunk_count: e.chunkCount ?? 0,
      mime: e.mime,
      props: e.props ? JSON.stringify(e.props) : null,
      source_type: e.sourceType,
      timestamp: isoNow(),
      expires_ms: this.expiry(),
    };
    await (e.db ?? this.db).insertInto('uploadstash').values(row).execute();
    return fromRow(row);
  }

  /** Look an entry up without checking its owner (null when unknown or expired). */
  async peek(key: string, db: Db = this.db): Promise<StashEntry | null> {
    const r = await db.selectFrom('uploadstash').selectAll().where('key', '=', key).executeTakeFirst();
    if (!r || Number(r.expires_ms) <= Date.now()) return null;
    return fromRow(r);
  }

  /** The entry for its owner; MediaWiki 1.39's stash errors otherwise. */
  async get(key: string, who: Identity, db: Db = this.db): Promise<StashEntry> {
    if (!who.user) throw new MwError('stashnotloggedin', 'You must be logged in to upload this file.');
    const e = await this.peek(key, db);
    if (!e) throw stashNotFound(key);
    if (e.userId !== who.user.id) {
      throw new MwError('uploadstash-wrong-owner', `This file (${key}) doesn't belong to the current user.`);
    }
    return e;
  }

  async update(key: string, set: Partial<Omit<UploadStashTable, 'key'>>, db: Db = this.db): Promise<void> {
    await db
      .updateTable('uploadstash')
      .set({ ...set, expires_ms: this.expiry() })
      .where('key', '=', key)
      .execute();
  }

  /** Remove an entry. Its blob goes too unless `keepBlob` (it was published). */
  async remove(key: string, opts: { keepBlob: boolean; db?: Db }): Promise<void> {
    const db = opts.db ?? this.db;
    const e = await db.selectFrom('uploadstash').select('blob_key').where('key', '=', key).executeTakeFirst();
    await db.deleteFrom('uploadstash').where('key', '=', key).execute();
    if (e && !opts.keepBlob) await this.deleteBlobIfUnused(e.blob_key);
  }

  private async deleteBlobIfUnused(blobKey: string): Promise<void> {
    for (const table of ['images', 'oldimages', 'filearchive', 'uploadstash'] as const) {
      const r = await this.db
        .selectFrom(table)
        .select('blob_key')
        .where('blob_key', '=', blobKey)
        .executeTakeFirst();
      if (r) return;
    }
    await this.blobs.delete(blobKey);
  }

  /** Remove expired entries and their blobs; returns how many. */
  async cleanup(now = Date.now()): Promise<number> {
    const rows = await this.db
      .selectFrom('uploadstash')
      .select(['key', 'blob_key'])
      .where('expires_ms', '<=', now)
      .execute();
    for (const r of rows) {
      await this.db
        .deleteFrom('uploadstash')
        .where('key', '=', r.key)
        .where('expires_ms', '<=', now)
        .execute();
      await this.deleteBlobIfUnused(r.blob_key);
    }
    await this.db.deleteFrom('upload_status').where('expires_ms', '<=', now).execute();
    return rows.length;
  }
}
