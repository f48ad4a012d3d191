import type { Identity } from '../../auth/identity.js';
import type { Config } from '../../config.js';
import { MwError } from '../../errors.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { ASSEMBLE_JOB, type Assembler } from '../assemble.js';
import type { UploadChecks } from '../checks.js';
import { appendHashed, newBlobKey, type ReceivedFile, type ReceivePlan } from '../receive.js';
import type { Caller, Target, UploadAnswer } from '../requests.js';
import type { LeasedEntry, StashLeases } from '../stash/locks.js';
import { type ChunkedEntry, type StashTransitions, stashNotFound } from '../stash/state.js';
import type { StatusStore } from '../stash/status.js';
import type { UploadStash } from '../stash/store.js';

/** A chunk request (MediaWiki's UploadFromChunks). */
export interface ChunkRequest {
  part: ReceivedFile;
  /** Absent for the first chunk. */
  filekey?: string;
  offset: number;
  filesize: number;
}

const invalidOffset = (stored: number) =>
  // MediaWiki sends the expected offset as a string; clients parse it either way.
  new MwError('stashfailed', 'Invalid chunk offset', { offset: String(stored) });

const alreadyComplete = () =>
  new MwError('stashfailed', 'Chunked upload is already completed, check status for details.');

/**
 * Chunked uploads into the stash. Each chunk is appended to one blob where it stays, while the
 * request body arrives when it can be (see `plan`); the SHA-1 state travels with the entry, so
 * finishing never re-reads the chunks. The last chunk moves the entry to assembling, which this
 * request does right away, or a job (`async`).
 */
export class ChunkSource {
  constructor(
    private readonly d: {
      config: Config;
      blobs: BlobStore;
      stash: UploadStash;
      leases: StashLeases;
      transitions: StashTransitions;
      status: StatusStore;
      jobs: JobQueue;
      checks: UploadChecks;
      assembler: Assembler;
    },
  ) {}

  /**
   * Where a chunk part should be written while the request body is still arriving: straight onto
   * the upload's blob when the request looks valid — the user's receiving entry at that offset, whose
   * lease is taken and which is read in one statement, and held until the chunk is recorded or
   * `release` — else a temporary blob that `upload` checks and appends.
   */
  async plan(
    userId: number | null,
    filekey: string | undefined,
    offset: number | undefined,
    owner: string,
  ): Promise<{ plan: ReceivePlan; release?: () => Promise<void> }> {
    if (userId === null) return { plan: { kind: 'blob' } };
    if (!filekey && offset === 0) return { plan: { kind: 'new-upload' } };
    if (!filekey || offset === undefined || offset <= 0) return { plan: { kind: 'blob' } };
    const upload = await this.d.leases.acquireReceiving(filekey, owner, { userId, size: offset }, 30_000);
    if (!upload) return { plan: { kind: 'blob' } };
    return { plan: { kind: 'append', upload }, release: () => upload.lease.release() };
  }

  /**
   * The entry `r`'s chunk was appended to while it arrived, under its lease (read then), if it is
   * `who`'s upload `r.filekey`.
   */
  private leasedWhileReceiving(r: ChunkRequest, who: Identity): LeasedEntry | null {
    const s = r.part.stored;
    if (s.kind !== 'append' || !r.filekey) return null;
    const { entry } = s.upload;
    return entry.key === r.filekey && who.user?.id === entry.userId ? s.upload : null;
  }

  /** A chunk: MediaWiki's checks in its order, store it, then Continue, Warning, or the assembly. */
  async upload(caller: Caller, r: ChunkRequest, target: Target): Promise<UploadAnswer> {
    const { checks } = this.d;
    const { who } = caller;
    const { part, offset, filesize } = r;
    // The entry was read (and found to be this user's) when its lease was taken, or is read now.
    if (r.filekey && !this.leasedWhileReceiving(r, who)) await this.d.stash.get(r.filekey, who);
    caller.authorize(false);
    const max = this.d.config.uploads.maxUploadSize;
    if (filesize > max) throw new MwError('file-too-large', 'The file you submitted was too large.', { max });
    const probe = {
      blobKey: '',
      size: part.size,
      sha1: '',
      head: offset === 0 ? part.head : Buffer.alloc(0),
      sourceType: 'chunks' as const,
    };
    const name = await checks.verifyName(probe, target.filename);
    // What the overwrite check read of the name: the warnings use it rather than read it again.
    const known = target.stash ? undefined : await checks.checkOverwrite(name.dbKey, who);
    const warnings = target.ignoreWarnings ? {} : await checks.warnings({ name, file: probe }, who, known);
    this.checkChunk(offset, part.size, filesize);
    const hasWarnings = Object.keys(warnings).length > 0;
    const completes = offset + part.size === filesize;
    // Who assembles when this chunk completes the file: this request, or (async, or an answer with
    // warnings on a file not yet whole) nobody yet — a job, queued now or when someone asks with
    // checkstatus.
    const assembler = target.async || (hasWarnings && !completes) ? null : caller.requestId;
    const entry =
      offset === 0
        ? await this.first(caller, part, target.filename, filesize, name.finalExt, assembler)
        : await this.next(caller, r, target.filename, assembler);
    part.claimed = true;
    if (hasWarnings && completes && !target.async) {
      // MediaWiki answers the warnings with the file stashed whole: its key publishes.
      const done = await this.d.assembler.run(entry.key, caller.requestId, who);
      return { result: 'Warning', warnings, filekey: done.kind === 'elsewhere' ? entry.key : done.entry.key };
    }
    if (hasWarnings) return { result: 'Warning', warnings, filekey: entry.key };
    if (entry.size < filesize) return { result: 'Continue', offset: entry.size, filekey: entry.key };
    return this.finish(caller, entry, target.async);
  }

  /** Checks MediaWiki makes on every chunk before storing it (after name checks and warnings). */
  private checkChunk(offset: number, chunkSize: number, filesize: number): void {
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

  /** The first chunk: a new entry, receiving (or assembling, when it is the whole file). */
  private async first(
    caller: Caller,
    part: ReceivedFile,
    filename: string,
    filesize: number,
    ext: string,
    assembler: string | null,
  ): Promise<ChunkedEntry> {
    let blobKey: string;
    let hashState: string;
    if (part.stored.kind === 'new-upload') {
      ({ blobKey, hashState } = part.stored);
    } else {
      blobKey = newBlobKey();
      hashState = await this.copyInto(blobKey, 0, null, part);
    }
    return this.d.stash.startChunked({
      userId: caller.who.user!.id,
      blobKey,
      filename,
      size: part.size,
      expectedSize: filesize,
      hashState,
      ext,
      assembler,
      leaseMs: this.d.leases.leaseMs,
    });
  }

  /**
   * A later chunk, under the entry's lease: receiving → receiving | assembling. The change records the
   * chunk and gives the lease up (or keeps it to assemble now) in one statement.
   */
  private async next(
    caller: Caller,
    r: ChunkRequest,
    filename: string,
    assembler: string | null,
  ): Promise<ChunkedEntry> {
    const filekey = r.filekey!;
    const { entry: e, lease } = await this.lease(caller, r);
    try {
      if (e.size !== r.offset) throw invalidOffset(e.size);
      const max = this.d.config.uploads.maxUploadSize;
      if (e.size + r.part.size > max) {
        throw new MwError('stashfailed', 'The file you submitted was too large.', { offset: String(e.size) });
      }
      const s = r.part.stored;
      const inPlace =
        s.kind === 'append' &&
        s.upload.entry.key === filekey &&
        s.upload.entry.size === r.offset &&
        s.upload.entry.blobKey === e.blobKey;
      const hashState = inPlace ? s.hashState : await this.copyInto(e.blobKey, r.offset, e.hashState, r.part);
      const size = r.offset + r.part.size;
      const complete = size === r.filesize;
      const change = {
        offset: r.offset,
        size,
        hashState,
        chunkCount: e.chunkCount + 1,
        filename,
        expectedSize: r.filesize,
        complete,
        keepLease: complete && assembler === caller.requestId,
      };
      if (!(await this.d.transitions.chunkStored(filekey, caller.requestId, change))) {
        // The lease ran out and another request moved the upload on: say where it stands.
        const now = await this.d.stash.peek(filekey);
        if (!now) throw stashNotFound(filekey);
        throw now.state === 'receiving' ? invalidOffset(now.size) : alreadyComplete();
      }
      lease.forget();
      return {
        ...e,
        state: complete ? 'assembling' : 'receiving',
        size,
        hashState,
        chunkCount: change.chunkCount,
        filename,
        expectedSize: r.filesize,
        lease: change.keepLease ? e.lease : null,
      };
    } finally {
      await lease.release();
    }
  }

  /**
   * The receiving entry under this request's lease: the one taken while the chunk arrived, else
   * taken now (waiting for another request that holds it).
   */
  private async lease(caller: Caller, r: ChunkRequest): Promise<LeasedEntry> {
    const held = this.leasedWhileReceiving(r, caller.who);
    if (held) return held;
    const filekey = r.filekey!;
    const got = await this.d.leases.acquire(filekey, caller.requestId, 'receiving', 60_000);
    if (got.kind === 'missing') throw stashNotFound(filekey);
    if (got.kind === 'busy') {
      throw new MwError('stashfailed', 'Another request for this chunked upload is still running.', {
        retryable: true,
      });
    }
    try {
      const e = await this.d.stash.get(filekey, caller.who);
      if (got.kind !== 'acquired' || e.state !== 'receiving') throw alreadyComplete();
      return { entry: e, lease: got.lease };
    } catch (err) {
      if (got.kind === 'acquired') await got.lease.release();
      throw err;
    }
  }

  /** Append a chunk that was stored in a temporary blob (clients that send fields after the file). */
  private async copyInto(blobKey: string, offset: number, state: string | null, part: ReceivedFile) {
    if (part.stored.kind !== 'blob') throw new Error('chunk not in a temporary blob');
    const src = this.d.blobs.read(part.stored.blobKey);
    const r = await appendHashed(this.d.blobs, blobKey, offset, src, state);
    await this.d.blobs.delete(part.stored.blobKey);
    return r.hashState;
  }

  /** All bytes are in: assemble now (this request holds the entry), or leave it to a job (Poll). */
  private async finish(caller: Caller, e: ChunkedEntry, asyncMode: boolean): Promise<UploadAnswer> {
    const userId = caller.who.user!.id;
    if (asyncMode) {
      await this.d.status.set(e.key, userId, { result: 'Poll', stage: 'queued' });
      await this.d.jobs.enqueue(ASSEMBLE_JOB, { filekey: e.key, userId }, { dedupeKey: `assemble:${e.key}` });
      return { result: 'Poll', stage: 'queued', filekey: e.key };
    }
    const done = await this.d.assembler.run(e.key, caller.requestId, caller.who);
    if (done.kind === 'elsewhere') return { result: 'Poll', stage: 'assembling', filekey: e.key };
    return { result: 'Success', filekey: done.entry.key, warnings: done.warnings, stashed: done.entry };
  }
}
