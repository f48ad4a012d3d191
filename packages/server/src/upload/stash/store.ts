import { randomInt } from 'node:crypto';
import type { Identity } from '../../auth/identity.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import type { UploadStashTable } from '../../db/schema.js';
import { MwError } from '../../errors.js';
import type { FileRepo } from '../../files/repo.js';
import type { FileProps } from '../../files/types.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { isoNow } from '../../util/timestamp.js';
import { type ChunkedEntry, fromRow, type ReadyEntry, type StashEntry, stashNotFound } from './state.js';

/** One row of `list=mystashedfiles`. */
export interface StashListing {
  key: string;
  state: StashEntry['state'];
  size: number;
  mime: string | null;
  props: Partial<FileProps>;
}

/**
 * The upload stash: files (or chunked uploads in progress) kept for their owner until published or
 * expired. Rows live in the database, bytes in blob storage — nothing only in a process. How an
 * entry moves between its states is in ./state.ts.
 */
export class UploadStash {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly config: Config,
    /** Who else may refer to a blob (file versions). */
    private readonly files: Pick<FileRepo, 'isBlobReferenced'>,
  ) {}

  /** How many entries the stash holds (metrics). */
  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('uploadstash')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** A new key: `<time base36>.<random base36>.<user id>.<extension>`, as MediaWiki makes them. */
  newKey(userId: number, ext: string): string {
    const micros = BigInt(Date.now()) * 1000n + BigInt(randomInt(1000));
    const rand = randomInt(36 ** 5, 36 ** 6).toString(36);
    const safeExt = /^\w{0,10}$/.test(ext) ? ext.toLowerCase() : '';
    return `${micros.toString(36)}.${rand}.${userId}.${safeExt}`;
  }

  /** When an entry written now expires. */
  expiry(): number {
    return Date.now() + this.config.uploads.stashMaxAgeSeconds * 1000;
  }

  private async insert(row: UploadStashTable): Promise<StashEntry> {
    await this.db.insertInto('uploadstash').values(row).execute();
    return fromRow(row);
  }

  /** A whole file enters the stash, ready. */
  async addFile(e: {
    userId: number;
    blobKey: string;
    filename: string;
    size: number;
    sha1: string;
    mime: string | null;
    props: FileProps | null;
    sourceType: string | null;
    ext: string;
  }): Promise<ReadyEntry> {
    const row: UploadStashTable = {
      key: this.newKey(e.userId, e.ext),
      user_id: e.userId,
      blob_key: e.blobKey,
      state: 'ready',
      filename: e.filename,
      size: e.size,
      expected_size: null,
      sha1: e.sha1,
      hash_state: null,
      chunk_count: 0,
      mime: e.mime,
      props: e.props ? JSON.stringify(e.props) : null,
      source_type: e.sourceType,
      timestamp: isoNow(),
      expires_ms: this.expiry(),
      lease_owner: null,
      lease_until_ms: null,
    };
    return (await this.insert(row)) as ReadyEntry;
  }

  /**
   * The first chunk of a chunked upload was stored: a new entry, receiving — or, when that chunk is
   * the whole file, assembling (held by `assembler` when it assembles right away).
   */
  async startChunked(e: {
    userId: number;
    blobKey: string;
    filename: string;
    size: number;
    expectedSize: number;
    hashState: string;
    ext: string;
    assembler: string | null;
    leaseMs: number;
  }): Promise<ChunkedEntry> {
    const complete = e.size === e.expectedSize;
    const row: UploadStashTable = {
      key: this.newKey(e.userId, e.ext),
      user_id: e.userId,
      blob_key: e.blobKey,
      state: complete ? 'assembling' : 'receiving',
      filename: e.filename,
      size: e.size,
      expected_size: e.expectedSize,
      sha1: null,
      hash_state: e.hashState,
      chunk_count: 1,
      mime: null,
      props: null,
      source_type: 'chunks',
      timestamp: isoNow(),
      expires_ms: this.expiry(),
      lease_owner: complete ? e.assembler : null,
      lease_until_ms: complete && e.assembler ? Date.now() + e.leaseMs : null,
    };
    return (await this.insert(row)) as ChunkedEntry;
  }

  /** Look an entry up without checking its owner (null when unknown or expired). */
  async peek(key: string): Promise<StashEntry | null> {
    const r = await this.db.selectFrom('uploadstash').selectAll().where('key', '=', key).executeTakeFirst();
    if (!r || Number(r.expires_ms) <= Date.now()) return null;
    return fromRow(r);
  }

  /** The entry for its owner; MediaWiki 1.39's stash errors otherwise. */
  async get(key: string, who: Identity): Promise<StashEntry> {
    if (!who.user) throw new MwError('stashnotloggedin', 'You must be logged in to upload this file.');
    const e = await this.peek(key);
    if (!e) throw stashNotFound(key);
    if (e.userId !== who.user.id) {
      throw new MwError('uploadstash-wrong-owner', `This file (${key}) doesn't belong to the current user.`);
    }
    return e;
  }

  /** Record the media properties of a ready file kept before they were known. */
  async setProps(key: string, props: FileProps): Promise<void> {
    await this.db
      .updateTable('uploadstash')
      .set({ props: JSON.stringify(props), mime: props.mime, expires_ms: this.expiry() })
      .where('key', '=', key)
      .where('state', '=', 'ready')
      .execute();
  }

  /** A user's entries in key order, from `from` on (for list=mystashedfiles). */
  async listForUser(userId: number, opts: { from?: string; limit: number }): Promise<StashListing[]> {
    let q = this.db
      .selectFrom('uploadstash')
      .select(['key', 'state', 'size', 'mime', 'props'])
      .where('user_id', '=', userId)
      .where('expires_ms', '>', Date.now());
    if (opts.from !== undefined) q = q.where('key', '>=', opts.from);
    const rows = await q.orderBy('key').limit(opts.limit).execute();
    return rows.map((r) => ({
      key: r.key,
      state: r.state,
      size: Number(r.size),
      mime: r.mime,
      props: r.props ? (JSON.parse(r.props) as Partial<FileProps>) : {},
    }));
  }

  /**
   * Remove a ready entry of its owner and its bytes (MediaWiki's UploadStash::removeFile, as
   * Special:Upload's cancel button uses it). False when the user has no such ready entry: unknown,
   * another user's, still being received, or published meanwhile (then the file keeps its bytes).
   */
  async remove(key: string, userId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('uploadstash')
      .select('blob_key')
      .where('key', '=', key)
      .where('user_id', '=', userId)
      .where('state', '=', 'ready')
      .executeTakeFirst();
    if (!row) return false;
    const r = await this.db
      .deleteFrom('uploadstash')
      .where('key', '=', key)
      .where('user_id', '=', userId)
      .where('state', '=', 'ready')
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) return false;
    await this.deleteBlobIfUnused(row.blob_key);
    return true;
  }

  /** Remove a blob that no file version and no stash entry refers to. */
  async deleteBlobIfUnused(blobKey: string): Promise<void> {
    if (!(await this.files.isBlobReferenced(blobKey))) await this.blobs.delete(blobKey);
  }

  /** Remove expired entries and their blobs (and expired upload statuses); returns how many entries. */
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
