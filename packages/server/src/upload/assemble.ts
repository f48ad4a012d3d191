import type { Identity } from '../auth/identity.js';
import type { Db } from '../db/index.js';
import { MwError } from '../errors.js';
import { type BlobStore, isMissingBlob } from '../storage/blob-store.js';
import { sha1OfState } from '../util/sha1.js';
import type { UploadChecks, Verified } from './checks.js';
import type { UploadHooks } from './hooks.js';
import { stashExtension } from './pipeline.js';
import { readHead, readTail } from './read-back.js';
import { stashedBytesGone } from './receive.js';
import type { StashLeases } from './stash/locks.js';
import { type ReadyEntry, type StashTransitions, stashNotFound } from './stash/state.js';
import type { StatusStore } from './stash/status.js';
import type { UploadStash } from './stash/store.js';
import type { UploadWarnings } from './warnings.js';

export const ASSEMBLE_JOB = 'AssembleUploadChunks';

/** How an assembly attempt ended (a verification failure is thrown as `stashfailed`). */
export type Assembly =
  | { kind: 'ready'; entry: ReadyEntry; warnings: UploadWarnings }
  /** Another request or job holds the assembly (or finished it): its outcome is the one that counts. */
  | { kind: 'elsewhere' };

const incomplete = () => new MwError('stashfailed', 'The chunked upload is not complete.');

/**
 * Assembly of a complete chunked upload: claim it (a lease, renewed while working), seal the blob,
 * take the SHA-1 from the saved state, verify, compute the warnings, and make the entry the file
 * (assembling → ready, under a new key) — or, when verification fails, remove it (→ failed). The
 * outcome goes into the upload status in the same transaction, for whoever polls `checkstatus`.
 * The chunks are never read again, only the head and tail of the file (and whole small XML-like
 * files, for verification).
 */
export class Assembler {
  constructor(
    private readonly d: {
      db: Db;
      blobs: BlobStore;
      stash: UploadStash;
      leases: StashLeases;
      transitions: StashTransitions;
      status: StatusStore;
      checks: UploadChecks;
      hooks?: UploadHooks;
    },
  ) {}

  /** Long enough to outwait the lease of a holder that died. */
  get takeoverWaitMs(): number {
    return this.d.leases.leaseMs + 1000;
  }

  /**
   * Assemble `filekey` as `owner` (a request id, or a job's). While another holds the entry, wait
   * up to `waitMs` for it (a job retried after its node died waits out the dead node's lease).
   */
  async run(
    filekey: string,
    owner: string,
    who: Identity,
    onClaimed?: () => Promise<void>,
    waitMs = 0,
  ): Promise<Assembly> {
    const claim = await this.d.leases.acquire(filekey, owner, 'assembling', waitMs);
    if (claim.kind === 'missing' || claim.kind === 'busy') return { kind: 'elsewhere' };
    if (claim.kind === 'other-state') {
      if (claim.state === 'ready') return { kind: 'elsewhere' };
      throw incomplete();
    }
    const lease = claim.lease;
    try {
      await onClaimed?.();
      const e = await this.d.stash.peek(filekey);
      if (!e) throw stashNotFound(filekey);
      if (e.state !== 'assembling' || e.size !== e.expectedSize) throw incomplete();
      await this.d.hooks?.beforeAssemble?.(filekey);
      // Still ours? (A holder that stalled past its lease may have been taken over.)
      if (!(await lease.renew())) return { kind: 'elsewhere' };
      let sha1: string;
      try {
        sha1 = await sha1OfState(e.hashState, () =>
          this.d.blobs.read(e.blobKey, { start: 0, end: e.size - 1 }),
        );
        await this.d.blobs.seal(e.blobKey, e.size); // fails when fewer bytes are stored
      } catch (err) {
        // The stashed bytes are gone from storage (removed by hand, a lost volume): the upload
        // cannot be finished, as MediaWiki fails when a chunk's file cannot be read.
        if (!isMissingBlob(err)) throw err;
        return await this.failed(
          filekey,
          owner,
          e.blobKey,
          new MwError('stashfailed', stashedBytesGone().info),
        );
      }
      const file = {
        blobKey: e.blobKey,
        size: e.size,
        sha1,
        head: await readHead(this.d.blobs, e.blobKey, e.size),
        tail: await readTail(this.d.blobs, e.blobKey, e.size),
        sourceType: 'chunks' as const,
      };
      let v: Verified;
      try {
        v = await this.d.checks.verify(file, e.filename);
      } catch (err) {
        if (err instanceof MwError) return await this.failed(filekey, owner, e.blobKey, err);
        throw err;
      }
      const warnings = await this.d.checks.warnings(v, who);
      const newKey = this.d.stash.newKey(e.userId, stashExtension(v.props.mime, e.filename));
      const done = await this.d.db
        .transaction()
        .execute(async (trx) => {
          const moved = await this.d.transitions.assembled(trx, filekey, owner, {
            newKey,
            sha1,
            mime: v.props.mime,
            props: v.props,
          });
          if (!moved) throw LEASE_LOST;
          await this.d.status.setIfKept(
            filekey,
            { result: 'Success', stage: 'assembling', filekey: newKey, warnings },
            trx,
          );
          return true;
        })
        .catch((err: unknown) => {
          if (err === LEASE_LOST) return false;
          throw err;
        });
      if (!done) return { kind: 'elsewhere' };
      const entry = await this.d.stash.peek(newKey);
      if (entry?.state !== 'ready') throw stashNotFound(newKey);
      return { kind: 'ready', entry, warnings };
    } finally {
      await lease.release();
    }
  }

  /** assembling → failed: the entry and its blob go, the reason is kept for `checkstatus`. */
  private async failed(filekey: string, owner: string, blobKey: string, err: MwError): Promise<Assembly> {
    const data: Record<string, unknown> = {};
    if (err.data.details) data.details = err.data.details;
    const failure =
      err.code === 'stashfailed'
        ? err
        : new MwError(
            'stashfailed',
            err.code === 'verification-error' ? 'This file did not pass file verification.' : err.info,
            { ...data, verification: err.code },
          );
    const removed = await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.d.transitions.assemblyFailed(trx, filekey, owner))) return false;
      await this.d.status.setIfKept(
        filekey,
        {
          result: 'Failure',
          stage: 'assembling',
          error: { code: failure.code, info: failure.info, data: failure.data },
        },
        trx,
      );
      return true;
    });
    if (!removed) return { kind: 'elsewhere' };
    await this.d.stash.deleteBlobIfUnused(blobKey);
    throw failure;
  }
}

/** Rolls the final transaction back when the lease was taken over meanwhile. */
const LEASE_LOST = new Error('the assembly lease was taken over');
