import { Transform } from 'node:stream';
import { createSHA1 } from 'hash-wasm';
import type { Identity } from '../auth/identity.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { MwError } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { StashLocks } from './locks.js';
import { HEAD_BYTES, newBlobKey, type ReceivePlan } from './receive.js';
import { stashExtension, type UploadService, type Verified } from './service.js';
import { type StashEntry, stashNotFound, type UploadStash } from './stash.js';
import type { StatusStore } from './status.js';
import type { UploadWarnings } from './warnings.js';

/** A chunk part as the receiver stored it. */
export interface ReceivedChunk {
  size: number;
  head: Buffer;
  target:
    | { kind: 'blob'; blobKey: string }
    | { kind: 'append'; stashKey: string; blobKey: string; offset: number; hashState: string };
}

export type ChunkOutcome =
  | { kind: 'continue'; filekey: string; offset: number }
  | { kind: 'done'; entry: StashEntry; warnings: UploadWarnings }
  | { kind: 'poll'; filekey: string };

interface Deps {
  config: Config;
  db: Db;
  blobs: BlobStore;
  stash: UploadStash;
  service: UploadService;
  status: StatusStore;
  locks: StashLocks;
  jobs: JobQueue;
}

export const ASSEMBLE_JOB = 'AssembleUploadChunks';

const invalidOffset = (stored: number) =>
  // MediaWiki sends the expected offset as a string; clients parse it either way.
  new MwError('stashfailed', 'Invalid chunk offset', { offset: String(stored) });

async function digestState(state: string | null): Promise<string> {
  const h = await createSHA1();
  if (state) h.load(Buffer.from(state, 'base64'));
  else h.init();
  return h.digest('hex');
}

/**
 * Chunked uploads into the stash. Each chunk is appended to one blob where it stays; the SHA-1
 * state travels with the stash row, so finishing never re-reads the chunks (only the head of the
 * file is read again for verification, plus whole-file scans of small XML-like types).
 */
export class ChunkedUploads {
  constructor(private readonly d: Deps) {}

  /**
   * Where a chunk part should be written while the request body is still arriving: straight onto
   * the upload's blob when the request looks valid (the caller then holds the key's lock), else a
   * temporary blob that the handler checks and copies.
   */
  async plan(
    userId: number | null,
    filekey: string | undefined,
    offset: number | undefined,
    owner: string,
  ): Promise<{ plan: ReceivePlan; release?: () => Promise<void> }> {
    if (userId === null) return { plan: { kind: 'blob' } };
    if (!filekey && offset === 0) {
      return { plan: { kind: 'append', stashKey: '', blobKey: newBlobKey(), offset: 0, hashState: null } };
    }
    if (!filekey || offset === undefined || offset <= 0) return { plan: { kind: 'blob' } };
    const e = await this.d.stash.peek(filekey);
    if (!e || e.userId !== userId || e.status !== 'chunks' || e.size !== offset)
      return { plan: { kind: 'blob' } };
    const release = await this.d.locks.acquire(filekey, owner, 30_000);
    if (!release) return { plan: { kind: 'blob' } };
    const fresh = await this.d.stash.peek(filekey);
    if (fresh?.status !== 'chunks' || fresh.size !== offset) return { plan: { kind: 'blob' }, release };
    return {
      plan: { kind: 'append', stashKey: filekey, blobKey: fresh.blobKey, offset, hashState: fresh.hashState },
      release,
    };
  }

  /** Checks MediaWiki makes on every chunk before storing it (after name checks and warnings). */
  checkChunk(offset: number, chunkSize: number, filesize: number): void {
    if (offset + chunkSize > filesize) {
      throw new MwError('invalid-chunk', 'Offset plus current chunk is greater than claimed file size.');
    }
    const min = this.d.config.uploads.minChunkSize;
    if (offset + chunkSize < filesize && chunkSize < min) {
      throw new MwError(
        'chunk-too-small',
        `Minimum chunk size is ${min.toLocaleString('en-US')} bytes for non-final chunks.`,
      );
    }
  }

  /** The first chunk: a new stash entry in 'chunks' state. */
  async first(
    who: Identity,
    chunk: ReceivedChunk,
    filename: string,
    filesize: number,
    ext: string,
  ): Promise<{ entry: StashEntry; claimedBlob: string }> {
    let blobKey: string;
    let hashState: string;
    if (chunk.target.kind === 'append' && chunk.target.offset === 0 && chunk.target.stashKey === '') {
      blobKey = chunk.target.blobKey;
      hashState = chunk.target.hashState;
    } else {
      blobKey = newBlobKey();
      hashState = await this.copyInto(blobKey, 0, null, chunk);
    }
    const entry = await this.d.stash.add({
      userId: who.user!.id,
      blobKey,
      status: chunk.size === filesize ? 'assembling' : 'chunks',
      filename,
      size: chunk.size,
      expectedSize: filesize,
      sha1: null,
      hashState,
      chunkCount: 1,
      mime: null,
      props: null,
      sourceType: 'chunks',
      ext,
    });
    return { entry, claimedBlob: blobKey };
  }

  /** A later chunk, under the key's lock. */
  async next(
    who: Identity,
    filekey: string,
    offset: number,
    chunk: ReceivedChunk,
    filename: string,
    filesize: number,
    owner: string,
  ): Promise<StashEntry> {
    const release = await this.d.locks.acquire(filekey, owner, 60_000);
    if (!release) {
      if (!(await this.d.stash.peek(filekey))) throw stashNotFound(filekey);
      throw new MwError('stashfailed', 'Another request for this chunked upload is still running.', {
        retryable: true,
      });
    }
    try {
      const e = await this.d.stash.get(filekey, who);
      if (e.status !== 'chunks')
        throw new MwError('stashfailed', 'Chunked upload is already completed, check status for details.');
      if (e.size !== offset) throw invalidOffset(e.size);
      const max = this.d.config.uploads.maxUploadSize;
      if (e.size + chunk.size > max) {
        throw new MwError('stashfailed', 'The file you submitted was too large.', { offset: String(e.size) });
      }
      let hashState: string;
      if (
        chunk.target.kind === 'append' &&
        chunk.target.stashKey === filekey &&
        chunk.target.offset === offset &&
        chunk.target.blobKey === e.blobKey
      ) {
        hashState = chunk.target.hashState;
      } else {
        hashState = await this.copyInto(e.blobKey, offset, e.hashState, chunk);
      }
      const size = offset + chunk.size;
      // A complete upload leaves the 'chunks' state before the lock is released.
      const status = size === filesize ? 'assembling' : 'chunks';
      await this.d.stash.update(filekey, {
        size,
        hash_state: hashState,
        chunk_count: e.chunkCount + 1,
        filename,
        expected_size: filesize,
        status,
      });
      return {
        ...e,
        size,
        hashState,
        chunkCount: e.chunkCount + 1,
        filename,
        expectedSize: filesize,
        status,
      };
    } finally {
      await release();
    }
  }

  /** Append a chunk that was stored in a temporary blob (clients that send fields after the file). */
  private async copyInto(
    blobKey: string,
    offset: number,
    state: string | null,
    chunk: ReceivedChunk,
  ): Promise<string> {
    if (chunk.target.kind !== 'blob') throw new Error('chunk not in a temporary blob');
    const hasher = await createSHA1();
    if (state) hasher.load(Buffer.from(state, 'base64'));
    else hasher.init();
    const tap = new Transform({
      transform(c: Buffer, _e, cb) {
        hasher.update(c);
        cb(null, c);
      },
    });
    const src = this.d.blobs.read(chunk.target.blobKey);
    src.on('error', (e) => tap.destroy(e));
    await this.d.blobs.append(blobKey, offset, src.pipe(tap));
    await this.d.blobs.delete(chunk.target.blobKey);
    return Buffer.from(hasher.save()).toString('base64');
  }

  /**
   * The last chunk arrived: verify the whole file and move it under a new key (synchronously), or
   * queue that work and answer Poll (async).
   */
  async finish(who: Identity, e: StashEntry, asyncMode: boolean): Promise<ChunkOutcome> {
    if (asyncMode) {
      await this.d.status.set(e.key, who.user!.id, { result: 'Poll', stage: 'queued' });
      await this.d.jobs.enqueue(
        ASSEMBLE_JOB,
        { filekey: e.key, userId: who.user!.id },
        { dedupeKey: `assemble:${e.key}` },
      );
      return { kind: 'poll', filekey: e.key };
    }
    const done = await this.assemble(e.key, who);
    return { kind: 'done', entry: done.entry, warnings: done.warnings };
  }

  /**
   * Turn a complete chunked upload into a finished stash entry under a new key: seal the blob,
   * take the SHA-1 from the saved state, verify, compute warnings. On a verification failure the
   * upload is removed and `stashfailed` is thrown with the reason.
   */
  async assemble(
    filekey: string,
    who: Identity,
    onCreated?: (trx: Db, entry: StashEntry, warnings: UploadWarnings) => Promise<void>,
  ): Promise<{ entry: StashEntry; warnings: UploadWarnings }> {
    const e = await this.d.stash.peek(filekey);
    if (!e) throw stashNotFound(filekey);
    if (e.status !== 'assembling' || e.size !== e.expectedSize) {
      throw new MwError('stashfailed', 'The chunked upload is not complete.');
    }
    const sha1 = await digestState(e.hashState);
    await this.d.blobs.seal(e.blobKey, e.size);
    const file = {
      blobKey: e.blobKey,
      size: e.size,
      sha1,
      head: await this.d.service.readHead(e.blobKey, Math.min(e.size, HEAD_BYTES)),
      tail: await this.d.service.readTail(e.blobKey, e.size),
      sourceType: 'chunks' as const,
    };
    let v: Verified;
    try {
      v = await this.d.service.verify(file, e.filename);
    } catch (err) {
      if (err instanceof MwError) {
        await this.d.stash.remove(filekey, { keepBlob: false });
        const data: Record<string, unknown> = {};
        if (err.data.details) data.details = err.data.details;
        throw new MwError(
          'stashfailed',
          err.code === 'verification-error' ? 'This file did not pass file verification.' : err.info,
          { ...data, verification: err.code },
        );
      }
      throw err;
    }
    const warnings = await this.d.service.warnings(v, who);
    const ext = stashExtension(v.props.mime, e.filename);
    const entry = await this.d.db.transaction().execute(async (trx) => {
      const created = await this.d.stash.add({
        userId: e.userId,
        blobKey: e.blobKey,
        filename: e.filename,
        size: e.size,
        sha1,
        mime: v.props.mime,
        props: v.props,
        sourceType: 'chunks',
        ext,
        db: trx,
      });
      await trx.deleteFrom('uploadstash').where('key', '=', filekey).execute();
      await onCreated?.(trx, created, warnings);
      return created;
    });
    return { entry, warnings };
  }
}
