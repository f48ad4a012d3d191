/**
 * The stash entry as a state machine.
 *
 * ```
 * (whole file) ─────────────────────────────────────────────┐
 *                                                            ▼
 * receiving ──last chunk stored──▶ assembling ──verified──▶ ready ──publish──▶ published (row removed)
 *                                      │
 *                                      └──not verified──▶ failed (row and bytes removed)
 *
 * any state, not touched for stashMaxAgeSeconds: expired, removed by maintenance
 * ```
 *
 * `receiving`, `assembling` and `ready` are rows of the `uploadstash` table; `published` and `failed`
 * end the row (the outcome is kept in the upload status for whoever asks with `checkstatus`).
 * Whole files enter as `ready`. A publish that fails leaves the entry ready for another try (as
 * MediaWiki keeps it); an upload nobody finishes expires.
 *
 * Every transition here is one compare-and-set on the row (`UPDATE … WHERE key = ? AND state = ? …`)
 * whose row count says whether it happened: of two requests or nodes trying the same transition
 * exactly one wins, the other reads the outcome.
 * Work that takes time holds a lease on the row (owner + expiry, renewed while it runs, see
 * ./locks.ts); another request or node may take it over only after the lease ran out.
 */
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { UploadStashTable } from '../../db/schema.js';
import { MwError } from '../../errors.js';
import type { FileProps } from '../../files/types.js';

export type StashState = UploadStashTable['state'];

/** Who works on an entry, and until when (epoch ms). */
export interface Lease {
  owner: string;
  untilMs: number;
}

interface EntryBase {
  key: string;
  userId: number;
  blobKey: string;
  /** The file name the client asked for. */
  filename: string;
  /** Bytes stored so far (chunked uploads) or the file's size. */
  size: number;
  sourceType: string | null;
  timestamp: string;
  expiresMs: number;
}

/** A chunked upload whose bytes are still arriving, or complete and being assembled. */
export interface ChunkedEntry extends EntryBase {
  state: 'receiving' | 'assembling';
  /** The announced total size. */
  expectedSize: number;
  /** The SHA-1 state after the bytes stored so far (base64), null before any. */
  hashState: string | null;
  chunkCount: number;
  lease: Lease | null;
  sha1: null;
  mime: null;
  props: null;
}

/** A complete, verified file that may be published (or described, or served to its owner). */
export interface ReadyEntry extends EntryBase {
  state: 'ready';
  sha1: string;
  mime: string | null;
  /** Null for files kept after a recoverable error, before verification could finish. */
  props: FileProps | null;
}

export type StashEntry = ChunkedEntry | ReadyEntry;

/** MediaWiki's file key syntax. */
export const FILEKEY_RE = /^[\w\-.]+\.\w*$/;

export const stashNotFound = (key: string) =>
  new MwError('uploadstash-file-not-found', `Key "${key}" not found in stash.`);

/** The state as `list=mystashedfiles` names it (MediaWiki's us_status words; ours for assembling). */
export const STATUS_WORD: Record<StashState, string> = {
  receiving: 'chunks',
  assembling: 'assembling',
  ready: 'finished',
};

export function fromRow(r: UploadStashTable): StashEntry {
  const base: EntryBase = {
    key: r.key,
    userId: r.user_id,
    blobKey: r.blob_key,
    filename: r.filename,
    size: Number(r.size),
    sourceType: r.source_type,
    timestamp: r.timestamp,
    expiresMs: Number(r.expires_ms),
  };
  switch (r.state) {
    case 'ready':
      if (r.sha1 === null) throw new Error(`stash entry ${r.key} is ready without a SHA-1`);
      return {
        ...base,
        state: 'ready',
        sha1: r.sha1,
        mime: r.mime,
        props: r.props ? (JSON.parse(r.props) as FileProps) : null,
      };
    case 'receiving':
    case 'assembling':
      return {
        ...base,
        state: r.state,
        expectedSize: Number(r.expected_size ?? r.size),
        hashState: r.hash_state,
        chunkCount: r.chunk_count,
        lease:
          r.lease_owner !== null && r.lease_until_ms !== null
            ? { owner: r.lease_owner, untilMs: Number(r.lease_until_ms) }
            : null,
        sha1: null,
        mime: null,
        props: null,
      };
    default:
      throw new Error(`stash entry ${r.key} has an unknown state ${JSON.stringify(r.state)}`);
  }
}

/** Whether a lease is held by a live owner at `now`. */
export const leaseLive = (lease: Lease | null, now = Date.now()) => lease !== null && lease.untilMs >= now;

/** What a stored chunk changes (the receiving → receiving | assembling transition). */
export interface ChunkStored {
  /** Where the chunk was appended: the size the row must still have. */
  offset: number;
  size: number;
  hashState: string;
  chunkCount: number;
  filename: string;
  expectedSize: number;
  /** The upload is complete: move on to assembling. */
  complete: boolean;
  /**
   * Keep the lease (more to do under it: storing more bytes, or, when complete, assembling now) or
   * give it up in the same statement (the chunk is the request's last work on the entry; when
   * complete, a job assembles).
   */
  keepLease: boolean;
}

/** A chunk's bytes recorded: the statement of every chunk, built once (see prepared). */
const chunkStoredStatement = prepared(
  (
    db,
    v: Omit<ChunkStored, 'complete' | 'keepLease'> & {
      key: string;
      owner: string;
      state: StashState;
      expiresMs: number;
      /** Both given (a null gives the lease up) or both left out (the lease is kept as it is). */
      leaseOwner?: string | null;
      leaseUntil?: number | null;
    },
  ) =>
    db
      .updateTable('uploadstash')
      .set({
        size: v.size,
        hash_state: v.hashState,
        chunk_count: v.chunkCount,
        filename: v.filename,
        expected_size: v.expectedSize,
        state: v.state,
        expires_ms: v.expiresMs,
        ...(v.leaseOwner === undefined ? {} : { lease_owner: v.leaseOwner, lease_until_ms: v.leaseUntil }),
      })
      .where('key', '=', v.key)
      .where('state', '=', 'receiving')
      .where('size', '=', v.offset)
      .where('lease_owner', '=', v.owner)
      // The rows changed, counted by what they return (a prepared statement gives rows only).
      .returning('key'),
);

/**
 * The transitions, each a compare-and-set on the row. They return whether they happened; the
 * caller reads the outcome when they did not.
 */
export class StashTransitions {
  constructor(
    private readonly db: Db,
    /** When a row expires, from now. */
    private readonly expiry: () => number,
    private readonly leaseMs: number,
  ) {}

  /** receiving → receiving (more bytes) | assembling (all bytes): by the lease holder, at the stored size. */
  async chunkStored(key: string, owner: string, c: ChunkStored): Promise<boolean> {
    const { complete, keepLease, ...columns } = c;
    const lease = !keepLease
      ? { leaseOwner: null, leaseUntil: null }
      : complete
        ? { leaseOwner: owner, leaseUntil: Date.now() + this.leaseMs }
        : {};
    const rows = await chunkStoredStatement(this.db, {
      key,
      owner,
      ...columns,
      state: complete ? 'assembling' : 'receiving',
      expiresMs: this.expiry(),
      ...lease,
    });
    return rows.length === 1;
  }

  /**
   * assembling → ready, by the assembly's lease holder: the entry becomes the file, under a new key
   * (MediaWiki gives an assembled upload a key of its own). One row throughout: one upload, one key.
   */
  async assembled(
    trx: Db,
    key: string,
    owner: string,
    file: { newKey: string; sha1: string; mime: string; props: FileProps },
  ): Promise<boolean> {
    const r = await trx
      .updateTable('uploadstash')
      .set({
        key: file.newKey,
        state: 'ready',
        sha1: file.sha1,
        mime: file.mime,
        props: JSON.stringify(file.props),
        hash_state: null,
        lease_owner: null,
        lease_until_ms: null,
        expires_ms: this.expiry(),
      })
      .where('key', '=', key)
      .where('state', '=', 'assembling')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** assembling → failed (the row goes; the caller removes the blob), by the assembly's lease holder. */
  async assemblyFailed(trx: Db, key: string, owner: string): Promise<boolean> {
    const r = await trx
      .deleteFrom('uploadstash')
      .where('key', '=', key)
      .where('state', '=', 'assembling')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /**
   * ready → published, inside the publishing transaction: the row goes with the blob kept (it is the
   * file now). Throws MediaWiki's not-found error when another request published it first, which
   * rolls the publication back.
   */
  async published(trx: Db, key: string): Promise<void> {
    const r = await trx
      .deleteFrom('uploadstash')
      .where('key', '=', key)
      .where('state', '=', 'ready')
      .executeTakeFirst();
    if (Number(r.numDeletedRows) !== 1) throw stashNotFound(key);
  }

  /**
   * Run `then` in one transaction with a check that the entry is (still) being assembled, by a live
   * lease holder (`lease: 'live'`) or by nobody (`'free'`: none, or its lease ran out). The check
   * renews the entry's expiry and holds the row until the transaction ends, so an assembly cannot
   * finish in between: whatever `then` records (a status) is there when the assembly's outcome is.
   * Returns false, doing nothing, when the entry is in another state.
   */
  async whileAssembling(
    key: string,
    lease: 'live' | 'free',
    then: (trx: Db) => Promise<void>,
  ): Promise<boolean> {
    const now = Date.now();
    return this.db
      .transaction()
      .execute(async (trx) => {
        const r = await trx
          .updateTable('uploadstash')
          .set({ expires_ms: this.expiry() })
          .where('key', '=', key)
          .where('state', '=', 'assembling')
          .where((eb) =>
            lease === 'live'
              ? eb.and([eb('lease_owner', 'is not', null), eb('lease_until_ms', '>=', now)])
              : eb.or([eb('lease_owner', 'is', null), eb('lease_until_ms', '<', now)]),
          )
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw NOT_NOW;
        await then(trx);
        return true;
      })
      .catch((e: unknown) => {
        if (e === NOT_NOW) return false;
        throw e;
      });
  }
}

/** Rolls a transaction back when a compare-and-set found the row in another state. */
const NOT_NOW = new Error('the stash entry is in another state');
