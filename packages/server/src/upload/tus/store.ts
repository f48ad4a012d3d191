/**
 * Resumable uploads (tus 1.0 and the IETF resumable-upload draft) onto the upload stash. An upload
 * is a stash entry like a chunked upload's — receiving, assembling, ready — plus a row of its own
 * (`tus_uploads`) for what the protocols need: the id in its URL, the client's metadata and the
 * announced length (which may come later). Bytes are appended where they stay, under the entry's
 * lease, while the SHA-1 state moves on with them; the last byte moves the entry to assembling and
 * the upload is verified and becomes a ready stash file with MediaWiki's checks, its key the one that
 * publishes it (`action=upload&filekey=…`).
 */
import { Readable } from 'node:stream';
import type { Identity } from '../../auth/identity.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { MwError } from '../../errors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { isoNow } from '../../util/timestamp.js';
import type { Assembler } from '../assemble.js';
import type { UploadChecks } from '../checks.js';
import { appendHashed, fileTooLarge, newBlobKey, STASHED_BYTES_GONE } from '../receive.js';
import type { HeldLease, StashLeases } from '../stash/locks.js';
import { leaseLive, type StashEntry, type StashState, type StashTransitions } from '../stash/state.js';
import type { StatusStore } from '../stash/status.js';
import type { UploadStash } from '../stash/store.js';
import { CHECKSUM_ALGORITHMS, ChecksumTap, segments } from './segments.js';

/** Bytes of a request body stored and confirmed at a time: what an interrupted request keeps. */
export const SEGMENT_BYTES = 8 * 1024 * 1024;

/** A refusal with the HTTP status the protocols give it. */
export class TusRefusal extends MwError {
  constructor(
    readonly status: number,
    code: string,
    info: string,
  ) {
    super(code, info);
  }
}

const notFound = () => new TusRefusal(404, 'tus-upload-not-found', 'No such upload.');
const gone = () =>
  new TusRefusal(410, 'tus-upload-gone', 'The upload expired, was cancelled, or was published.');
const conflict = (stored: number) =>
  new TusRefusal(409, 'tus-offset-conflict', `The upload holds ${stored} bytes: send from there.`);
const busy = () =>
  new TusRefusal(423, 'tus-upload-busy', 'Another request is writing to this upload; try again shortly.');

/** An upload as the protocols show it. */
export interface TusUpload {
  id: string;
  stashKey: string;
  metadata: Record<string, string | null>;
  /** The announced total size; null while deferred. */
  length: number | null;
  /** Bytes stored. */
  offset: number;
  state: StashState;
  /** When the stash entry expires unless touched (epoch ms). */
  expiresMs: number;
  /** The key that publishes the file, once it is complete and verified. */
  filekey: string | null;
}

export interface AppendOptions {
  /** The checksum of the body (`Upload-Checksum`): the body is kept only if it matches. */
  checksum?: { algorithm: string; digest: Buffer };
  /** The body ends the upload (IETF `Upload-Complete: ?1`): its length is what is stored then. */
  complete?: boolean;
}

export class TusUploads {
  constructor(
    private readonly d: {
      config: Config;
      db: Db;
      blobs: BlobStore;
      stash: UploadStash;
      leases: StashLeases;
      transitions: StashTransitions;
      status: StatusStore;
      checks: UploadChecks;
      assembler: Assembler;
    },
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {}

  private get maxSize(): number {
    return this.d.config.uploads.maxUploadSize;
  }

  /** A new upload of `who` (whose right to upload was checked): a receiving stash entry, no bytes yet. */
  async create(
    who: Identity,
    u: { id: string; length: number | null; metadata: Record<string, string | null> },
  ): Promise<TusUpload> {
    const user = who.user;
    if (!user) throw new TusRefusal(401, 'mustbeloggedin', 'You must be logged in to upload this file.');
    const filename = (u.metadata.filename ?? u.metadata.name ?? '').trim();
    if (!filename) {
      throw new TusRefusal(400, 'missingparam', 'The upload needs a file name (metadata "filename").');
    }
    if (u.length === 0) throw new MwError('empty-file', 'The file you submitted was empty.');
    if (u.length !== null && u.length > this.maxSize) throw fileTooLarge(this.maxSize);
    // The name rules first, as for the first chunk of a chunked upload: a refused name costs no bytes.
    const name = await this.d.checks.verifyName(
      { blobKey: '', size: 0, sha1: '', head: Buffer.alloc(0), sourceType: 'chunks' },
      filename,
    );
    const key = this.d.stash.newKey(user.id, name.finalExt);
    const now = Date.now();
    const expiresMs = this.d.stash.expiry();
    await this.d.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('uploadstash')
        .values({
          key,
          user_id: user.id,
          blob_key: newBlobKey(),
          state: 'receiving',
          filename,
          size: 0,
          expected_size: u.length,
          sha1: null,
          hash_state: null,
          chunk_count: 0,
          mime: null,
          props: null,
          source_type: 'chunks',
          timestamp: isoNow(),
          expires_ms: expiresMs,
          lease_owner: null,
          lease_until_ms: null,
        })
        .execute();
      await trx
        .insertInto('tus_uploads')
        .values({
          id: u.id,
          user_id: user.id,
          stash_key: key,
          metadata: JSON.stringify(u.metadata),
          length: u.length,
          created_ms: now,
          expires_ms: expiresMs,
        })
        .execute();
    });
    return {
      id: u.id,
      stashKey: key,
      metadata: u.metadata,
      length: u.length,
      offset: 0,
      state: 'receiving',
      expiresMs,
      filekey: null,
    };
  }

  /**
   * The upload `id` of `who`; refused when unknown (404), another user's (403) or no longer in the
   * stash (410). With `settle`, an upload whose assembly was left by a stopped node is assembled now.
   */
  async find(id: string, who: Identity, opts: { settle?: string } = {}): Promise<TusUpload> {
    const row = await this.d.db.selectFrom('tus_uploads').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    if (row.user_id !== who.user?.id) {
      throw new TusRefusal(403, 'uploadstash-wrong-owner', "This upload doesn't belong to the current user.");
    }
    let stashKey = row.stash_key;
    let e = await this.d.stash.peek(stashKey);
    if (!e) {
      // Assembled under its new key by a request that stopped before recording it here.
      const st = await this.d.status.get(stashKey, row.user_id);
      if (st?.result === 'Success' && st.filekey) {
        e = await this.d.stash.peek(st.filekey);
        if (e) stashKey = await this.moved(id, e.key);
      }
    }
    if (!e) throw gone();
    if (opts.settle && e.state === 'assembling' && !leaseLive(e.lease)) {
      const done = await this.assemble(id, e.key, opts.settle, who).catch(() => null);
      if (done) e = done;
    }
    return this.view(id, row, e);
  }

  private view(id: string, row: { metadata: string; length: number | null }, e: StashEntry): TusUpload {
    const length = e.state === 'receiving' ? (row.length === null ? null : Number(row.length)) : e.size;
    return {
      id,
      stashKey: e.key,
      metadata: JSON.parse(row.metadata) as Record<string, string | null>,
      length,
      offset: e.size,
      state: e.state,
      expiresMs: e.expiresMs,
      filekey: e.state === 'ready' ? e.key : null,
    };
  }

  private async moved(id: string, stashKey: string): Promise<string> {
    await this.d.db
      .updateTable('tus_uploads')
      .set({ stash_key: stashKey, expires_ms: this.d.stash.expiry() })
      .where('id', '=', id)
      .execute();
    return stashKey;
  }

  /** Announce the length of an upload that deferred it (tus creation-defer-length). */
  async declareLength(id: string, who: Identity, length: number): Promise<void> {
    const u = await this.find(id, who);
    if (u.length !== null) {
      if (u.length === length) return;
      throw new TusRefusal(400, 'tus-length-set', 'The length of this upload is already known.');
    }
    if (length < u.offset) {
      throw new TusRefusal(400, 'tus-length-too-small', `The upload already holds ${u.offset} bytes.`);
    }
    if (length > this.maxSize) throw fileTooLarge(this.maxSize);
    await this.d.db.updateTable('tus_uploads').set({ length }).where('id', '=', id).execute();
    await this.d.db
      .updateTable('uploadstash')
      .set({ expected_size: length })
      .where('key', '=', u.stashKey)
      .where('state', '=', 'receiving')
      .execute();
  }

  /**
   * Append `body` at `offset` (which must be what the upload holds), under the entry's lease. Bytes
   * are confirmed segment by segment, so an interrupted request keeps what it confirmed — or, with a
   * checksum, all or nothing. The last byte assembles the upload: verified, it is a ready stash file.
   */
  async append(
    id: string,
    who: Identity,
    owner: string,
    offset: number,
    body: Readable,
    opts: AppendOptions = {},
  ): Promise<TusUpload> {
    const u = await this.find(id, who, { settle: owner });
    if (u.state !== 'receiving' || u.offset !== offset) throw conflict(u.offset);
    const got = await this.d.leases.acquire(u.stashKey, owner, 'receiving', this.d.leases.leaseMs + 1000);
    if (got.kind === 'missing') throw gone();
    if (got.kind === 'busy') throw busy();
    if (got.kind === 'other-state') throw conflict(u.length ?? u.offset);
    let lost: MwError;
    try {
      return await this.appendHeld(id, who, owner, got.lease, offset, body, opts);
    } catch (e) {
      if (!(e instanceof MwError && e.code === STASHED_BYTES_GONE)) throw e;
      lost = e;
    } finally {
      await got.lease.release();
      await this.d.db
        .updateTable('tus_uploads')
        .set({ expires_ms: this.d.stash.expiry() })
        .where('id', '=', id)
        .execute();
    }
    // The bytes stored so far are gone from storage: the upload can never be finished. It goes, so
    // that a client resuming it is told so (404) and starts again, and this request is answered 410.
    await this.remove(id, who, owner);
    throw new TusRefusal(410, lost.code, lost.info);
  }

  private async appendHeld(
    id: string,
    who: Identity,
    owner: string,
    lease: HeldLease,
    offset: number,
    body: Readable,
    opts: AppendOptions,
  ): Promise<TusUpload> {
    const u = await this.find(id, who);
    if (u.state !== 'receiving' || u.offset !== offset) throw conflict(u.offset);
    const e = await this.d.stash.peek(u.stashKey);
    if (e?.state !== 'receiving') throw conflict(u.offset);
    const limit = u.length ?? this.maxSize;
    let size = offset;
    let hashState = e.hashState;
    let chunks = e.chunkCount;
    const commit = async (newSize: number, newState: string, complete: boolean) => {
      const ok = await this.d.transitions.chunkStored(u.stashKey, owner, {
        offset: size,
        size: newSize,
        hashState: newState,
        chunkCount: chunks + 1,
        filename: e.filename,
        expectedSize: complete ? newSize : (u.length ?? newSize),
        complete,
        keepLease: true,
      });
      if (!ok) throw busy();
      chunks++;
      size = newSize;
      hashState = newState;
    };
    const tooLarge = () =>
      u.length === null
        ? fileTooLarge(this.maxSize)
        : new TusRefusal(413, 'tus-too-long', 'More bytes than the upload length.');
    const store = async (stream: Readable) => {
      try {
        return await appendHashed(this.d.blobs, e.blobKey, size, stream, hashState, { limit: limit - size });
      } catch (err) {
        if (err instanceof MwError && err.code === 'file-too-large') throw tooLarge();
        throw err;
      }
    };
    if (opts.checksum) {
      const tap = new ChecksumTap(CHECKSUM_ALGORITHMS[opts.checksum.algorithm] ?? opts.checksum.algorithm);
      body.on('error', (err) => tap.destroy(err));
      const r = await store(body.pipe(tap));
      // A mismatch keeps nothing: the blob is cut back to what was stored before.
      if (!tap.digest().equals(opts.checksum.digest)) {
        await this.d.blobs.append(e.blobKey, size, Readable.from([]));
        throw new TusRefusal(460, 'tus-checksum-mismatch', 'Checksum Mismatch');
      }
      if (r.size > 0) await commit(size + r.size, r.hashState, false);
    } else {
      for await (const seg of segments(body, this.segmentBytes)) {
        if (!(await lease.renew())) throw busy();
        const r = await store(seg);
        if (r.size > 0) await commit(size + r.size, r.hashState, false);
      }
    }
    const length = opts.complete && u.length === null ? size : u.length;
    if (opts.complete && length !== size) {
      throw new TusRefusal(400, 'tus-incomplete', `The upload is complete at ${length} bytes, not ${size}.`);
    }
    if (length === null || size < length) return { ...u, offset: size, expiresMs: this.d.stash.expiry() };
    if (u.length === null)
      await this.d.db.updateTable('tus_uploads').set({ length }).where('id', '=', id).execute();
    if (hashState === null) throw new MwError('empty-file', 'The file you submitted was empty.');
    // All bytes are in: assembling, held by this request, which assembles now.
    await commit(size, hashState, true);
    await this.d.status.set(u.stashKey, who.user!.id, { result: 'Poll', stage: 'assembling' });
    const done = await this.assemble(id, u.stashKey, owner, who);
    if (!done) return { ...u, offset: size, length, state: 'assembling' };
    return {
      ...u,
      offset: size,
      length,
      state: 'ready',
      stashKey: done.key,
      filekey: done.key,
      expiresMs: done.expiresMs,
    };
  }

  /** Assemble a complete upload as `owner`; null when another request or node has it. */
  private async assemble(id: string, stashKey: string, owner: string, who: Identity) {
    const done = await this.d.assembler.run(stashKey, owner, who);
    if (done.kind !== 'ready') return null;
    await this.moved(id, done.entry.key);
    return done.entry;
  }

  /**
   * Terminate an upload (tus termination): a receiving one loses its bytes, a finished one leaves
   * the stash. Afterwards its URL is unknown.
   */
  async remove(id: string, who: Identity, owner: string): Promise<void> {
    let u: TusUpload;
    try {
      u = await this.find(id, who);
    } catch (e) {
      if (e instanceof TusRefusal && e.status === 410) {
        await this.forget(id);
        throw notFound();
      }
      throw e;
    }
    if (u.state === 'ready') {
      await this.d.stash.remove(u.stashKey, who.user!.id);
    } else if (u.state === 'receiving') {
      const got = await this.d.leases.acquire(u.stashKey, owner, 'receiving', this.d.leases.leaseMs + 1000);
      if (got.kind === 'busy') throw busy();
      if (got.kind === 'other-state') throw conflict(u.length ?? u.offset);
      if (got.kind === 'acquired') {
        const row = await this.d.db
          .deleteFrom('uploadstash')
          .where('key', '=', u.stashKey)
          .where('state', '=', 'receiving')
          .where('lease_owner', '=', owner)
          .returning('blob_key')
          .executeTakeFirst();
        if (row) await this.d.stash.deleteBlobIfUnused(row.blob_key);
      }
    } else {
      throw busy();
    }
    await this.forget(id);
  }

  private async forget(id: string): Promise<void> {
    await this.d.db.deleteFrom('tus_uploads').where('id', '=', id).execute();
  }

  /** Remove the rows of uploads past their expiry (their stash entries expire on their own). */
  async cleanup(now = Date.now()): Promise<number> {
    const r = await this.d.db.deleteFrom('tus_uploads').where('expires_ms', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
