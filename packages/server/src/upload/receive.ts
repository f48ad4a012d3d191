import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MwError } from '../errors.js';
import {
  type BlobStore,
  BodyTooLarge,
  type FillableBody,
  isFileSinkBody,
  isFillableBody,
  isMissingBlob,
} from '../storage/blob-store.js';
import { bytesReceived, receiving } from '../util/byte-garbage.js';
import { resumeSha1, type StreamingSha1, wholeSha1 } from '../util/sha1.js';
import { portableStateBytes, savedPortableState } from '../util/sha1-state.js';
import { HEAD_BYTES, readHead, readTail } from './read-back.js';
import type { LeasedEntry } from './stash/locks.js';

/**
 * A part of at most this many bytes is kept in memory as it streams in (it is its own head); a longer
 * one keeps nothing, and its head (and tail) are read back from storage once it is stored.
 */
const KEPT_BYTES = 64 * 1024;

/** Where a file part goes, decided while the request body arrives. */
export type ReceivePlan =
  /** A new temporary blob (whole files; chunks that cannot be appended in place). */
  | { kind: 'blob' }
  /** The first chunk of a new chunked upload: a new appendable blob, where the upload will stay. */
  | { kind: 'new-upload' }
  /**
   * A later chunk, appended to its upload's blob at the size the entry had when its lease was taken
   * (the lease stays with the part until the chunk is recorded or the request ends).
   */
  | { kind: 'append'; upload: LeasedEntry };

/** Where the bytes of a received part are. */
export type StoredPart =
  /** `tail`: the last TAIL_BYTES, when the head does not hold the whole file. */
  | { kind: 'blob'; blobKey: string; sha1: string; tail?: Buffer }
  | { kind: 'new-upload'; blobKey: string; hashState: string }
  /** Appended to `upload` at its size; `hashState` is the SHA-1 state after the part. */
  | { kind: 'append'; upload: LeasedEntry; hashState: string };

/** A file part of a multipart request, already stored. */
export interface ReceivedFile {
  field: string;
  /** The part's own file name (clients send anything here; it is not used as the target name). */
  partName: string;
  size: number;
  /** The first bytes (up to 1 MiB; none for chunks after the first). */
  head: Buffer;
  stored: StoredPart;
  /** Set when the upload took ownership of the bytes (otherwise they are discarded after the request). */
  claimed: boolean;
}

/**
 * A streaming tap: counts and hashes the bytes flowing through, enforcing a size limit, and keeps
 * them when they are few. The store pulls the bytes through {@link Tap.flow} (no stream stage of its
 * own: each one holds a network read of every upload in progress).
 */
class Tap {
  size = 0;
  private headParts: Buffer[] = [];

  constructor(
    private readonly limit: number,
    private readonly hash: StreamingSha1,
    /**
     * Bytes kept while the stream is no longer than this; a longer stream keeps none (its start and
     * end are read back once stored: 64 KiB of every upload in progress is memory fifty uploads at
     * once cannot spare, where the file is read back in a few microseconds).
     */
    private readonly keepUpTo: number,
  ) {}

  /**
   * The bytes of `src`, each chunk counted, hashed and kept as needed before it is passed on; calls
   * `handed` once the hash has had every byte. A store that stops early leaves `src` as it is (its
   * owner drains or destroys it).
   */
  async *flow(src: Readable, handed: () => void = () => {}): AsyncGenerator<Buffer> {
    // Counted while it runs: how many uploads are received at once decides how buffers are collected.
    const over = receiving();
    try {
      for await (const chunk of src.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        this.size += chunk.length;
        bytesReceived(chunk.length);
        if (this.size > this.limit) throw fileTooLarge(this.limit);
        const wait = this.hash.update(chunk);
        if (wait) await wait;
        if (this.size <= this.keepUpTo) this.headParts.push(Buffer.from(chunk));
        else this.headParts = [];
        yield chunk;
      }
      handed();
    } finally {
      over();
    }
  }

  /** All the bytes, when there were at most `keepUpTo` of them (otherwise null: read them back). */
  kept(): Buffer | null {
    return this.size <= this.keepUpTo ? Buffer.concat(this.headParts, this.size) : null;
  }
}

export function fileTooLarge(limit: number): MwError {
  return new MwError(
    'file-too-large',
    `The file you submitted was too large. Maximum is ${limit.toLocaleString('en-US')} bytes.`,
    {
      max: limit,
    },
  );
}

/** A new key for an uploaded blob. Blob keys are never reused. */
export function newBlobKey(kind: 'upload' | 'thumb' = 'upload'): string {
  const id = randomUUID().replace(/-/g, '');
  return `${kind}/${id.slice(0, 2)}/${id}`;
}

/** MediaWiki's answer when a stashed file's bytes are gone from storage (its path does not exist). */
export const STASHED_BYTES_GONE = 'uploadstash-file-not-found-not-exists';
export const stashedBytesGone = () =>
  new MwError(STASHED_BYTES_GONE, 'Cannot find path, or not a plain file.');

/**
 * Append `stream` at `offset` of an appendable blob while hashing it on from `hashState`; returns the
 * state after it. The bytes are written where they stay: chunks are never copied again.
 */
export async function appendHashed(
  blobs: BlobStore,
  blobKey: string,
  offset: number,
  stream: Readable,
  hashState: string | null,
  opts: { limit?: number; keepHead?: boolean } = {},
): Promise<{ size: number; head: Buffer; hashState: string }> {
  try {
    const from = hashState === null ? null : portableStateBytes(hashState);
    if (isFillableBody(stream) && blobs.appendFilled && (hashState === null || from)) {
      return await appendFilled(blobs, blobKey, offset, stream, from, opts);
    }
    const hasher = await resumeSha1(hashState, {
      stored: () => blobs.read(blobKey, { start: 0, end: offset - 1 }),
    });
    const tap = new Tap(opts.limit ?? Number.POSITIVE_INFINITY, hasher, opts.keepHead ? KEPT_BYTES : 0);
    // The hash is saved as soon as every byte has been handed to it, while the store still makes the
    // bytes durable (fdatasync): the two waits overlap instead of adding up.
    let saved: Promise<string> | undefined;
    const save = () => {
      saved = hasher.save();
      saved.catch(() => {}); // awaited below unless the append fails first
    };
    try {
      await blobs.append(blobKey, offset, tap.flow(stream, save));
      const hashState = await (saved ?? hasher.save());
      // Only the first chunk asks for its head (it starts the blob).
      const head = opts.keepHead
        ? (tap.kept() ?? (await readHead(blobs, blobKey, tap.size)))
        : Buffer.alloc(0);
      return { size: tap.size, head, hashState };
    } catch (e) {
      hasher.discard();
      throw e;
    }
  } catch (e) {
    // The bytes stashed so far are gone from storage (removed by hand, a lost volume): as MediaWiki
    // says when a stashed file's path does not exist.
    throw offset > 0 && isMissingBlob(e) ? stashedBytesGone() : e;
  }
}

/**
 * A store's write of a body that writes or copies itself (read from its socket), counted while it
 * runs as an upload being received; more than `limit` bytes answers file-too-large.
 */
async function selfWritten<T>(limit: number, write: () => Promise<T>): Promise<T> {
  const over = receiving();
  try {
    return await write();
  } catch (e) {
    throw e instanceof BodyTooLarge ? fileTooLarge(limit) : e;
  } finally {
    over();
  }
}

/**
 * {@link appendHashed} for a body read from its socket that copies itself into the store's buffers,
 * hashed on the way (on the socket's thread) from the state saved so far (`from`; null: the first
 * chunk).
 */
async function appendFilled(
  blobs: BlobStore,
  blobKey: string,
  offset: number,
  body: FillableBody,
  from: Uint8Array | null,
  opts: { limit?: number; keepHead?: boolean },
): Promise<{ size: number; head: Buffer; hashState: string }> {
  if (from) body.hashFrom(from);
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const { size: end, state } = await selfWritten(limit, () =>
    blobs.appendFilled!(blobKey, offset, body, limit),
  );
  const size = end - offset;
  // Only the first chunk asks for its head (it starts the blob).
  const head = opts.keepHead ? await readHead(blobs, blobKey, size) : Buffer.alloc(0);
  return { size, head, hashState: savedPortableState(state) };
}

/**
 * Stream an uploaded part into storage while sizing and hashing it. Never buffers the part: one of
 * at most KEPT_BYTES is kept whole; a longer one's first HEAD_BYTES (and, for whole files, its last
 * TAIL_BYTES) are read back once stored. On any failure nothing is left behind.
 */
export async function receivePart(
  blobs: BlobStore,
  part: { field: string; partName: string; stream: Readable },
  plan: ReceivePlan,
  limit: number,
): Promise<ReceivedFile> {
  const { field, partName, stream } = part;
  if (plan.kind === 'new-upload') {
    const blobKey = newBlobKey();
    try {
      const r = await appendHashed(blobs, blobKey, 0, stream, null, { limit, keepHead: true });
      return {
        field,
        partName,
        size: r.size,
        head: r.head,
        stored: { kind: 'new-upload', blobKey, hashState: r.hashState },
        claimed: false,
      };
    } catch (e) {
      // The first chunk of an upload that never came to be: nothing may stay behind.
      await blobs.delete(blobKey);
      throw e;
    }
  }
  if (plan.kind === 'append') {
    const { entry } = plan.upload;
    const r = await appendHashed(blobs, entry.blobKey, entry.size, stream, entry.hashState, { limit });
    return {
      field,
      partName,
      size: r.size,
      head: r.head,
      stored: { kind: 'append', upload: plan.upload, hashState: r.hashState },
      claimed: false,
    };
  }
  const blobKey = newBlobKey();
  let size: number;
  let sha1: string;
  let head: Buffer | null = null;
  const selfWriting =
    isFileSinkBody(stream) && blobs.writeSunk
      ? () => blobs.writeSunk!(blobKey, stream, limit)
      : isFillableBody(stream) && blobs.writeFilled
        ? () => blobs.writeFilled!(blobKey, stream, limit)
        : null;
  if (selfWriting) {
    // A body that writes itself into the file, or copies itself into the store's buffers (read from
    // its socket): sized and hashed as it does.
    ({ size, sha1 } = await selfWritten(limit, selfWriting));
  } else {
    const hash = wholeSha1();
    const tap = new Tap(limit, hash, KEPT_BYTES);
    await blobs.write(blobKey, tap.flow(stream));
    size = tap.size;
    head = tap.kept();
    sha1 = await hash.digest();
  }
  let tail: Buffer | undefined;
  if (!head) {
    try {
      // A file longer than its head has its end read too (what ZIP-based type detection needs).
      [head, tail] = await Promise.all([
        readHead(blobs, blobKey, size),
        size > HEAD_BYTES ? readTail(blobs, blobKey, size) : undefined,
      ]);
    } catch (e) {
      await blobs.delete(blobKey).catch(() => {});
      throw e;
    }
  }
  return {
    field,
    partName,
    size,
    head,
    stored: {
      kind: 'blob',
      blobKey,
      sha1,
      ...(tail ? { tail } : {}),
    },
    claimed: false,
  };
}
