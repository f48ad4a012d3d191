import type { Readable } from 'node:stream';

export type BlobBody = Readable | AsyncIterable<Uint8Array>;

/**
 * A body that can write itself into a file, hashing as it goes (a large request body read from its
 * socket: http/socket-body.ts): its size and SHA-1 (hex). More than `limit` bytes: rejects with
 * {@link BodyTooLarge}, having written at most `limit`. Bytes are flushed to disk every `syncEvery`
 * but the last ones (the caller's).
 */
export interface FileSinkBody {
  sinkInto(
    fd: number,
    position: number,
    opts: { limit: number; syncEvery: number },
  ): Promise<{ size: number; sha1: string }>;
}

export const isFileSinkBody = (body: unknown): body is FileSinkBody =>
  typeof (body as Partial<FileSinkBody> | null)?.sinkInto === 'function';

/**
 * A body that copies itself into buffers it is given, hashing as it goes (a large request body read
 * from its socket: http/socket-body.ts), for stores that gather bytes in memory (S3's parts).
 */
export interface FillableBody {
  /**
   * Copy the next bytes into `target` (until it is full or the body ends): how many, and once the
   * body has ended its SHA-1 and the SHA-1's state before it was finished (else null: more follow).
   */
  fillInto(target: Uint8Array): Promise<Filled>;
  /**
   * Hash on from a saved SHA-1 state (util/sha1-state.ts, portable bytes) instead of from the
   * start: before the first {@link fillInto} (the bytes appended to a blob already hashed so far).
   */
  hashFrom(state: Uint8Array): void;
}

/** What a {@link FillableBody} copied. */
export interface Filled {
  length: number;
  /** Hex SHA-1 of the body (with what `hashFrom` stands for), once it has ended. */
  sha1: string | null;
  /** The portable state of that SHA-1 before it was finished, once the body has ended. */
  state: Uint8Array | null;
}

export const isFillableBody = (body: unknown): body is FillableBody =>
  typeof (body as Partial<FillableBody> | null)?.fillInto === 'function';

/** A {@link FileSinkBody} or {@link FillableBody} longer than its limit. */
export class BodyTooLarge extends Error {}

export interface BlobStat {
  size: number;
  mtimeMs: number;
}

/**
 * Where file bytes live. Keys are relative, slash-separated names made of `[A-Za-z0-9._/-]`.
 * Every backend passes the contract suite in test/storage.
 */
export interface BlobStore {
  readonly kind: string;
  /**
   * Stream `body` into a new blob. The blob becomes visible only once it is complete and durable;
   * on error (including an aborted source) nothing is left behind. Resolves to the size written.
   */
  write(key: string, body: BlobBody): Promise<number>;
  /**
   * Like {@link write}, for a body that writes itself into a file (where the store has files):
   * its size and SHA-1. Stores without it take the body as a stream.
   */
  writeSunk?(key: string, body: FileSinkBody, limit: number): Promise<{ size: number; sha1: string }>;
  /** Like {@link writeSunk}, for a body that copies itself into the store's buffers. */
  writeFilled?(key: string, body: FillableBody, limit: number): Promise<{ size: number; sha1: string }>;
  /**
   * Like {@link append}, for a body that copies itself into the store's buffers: the blob's new
   * size and the state of the body's SHA-1 (continued from `hashFrom` when the caller gave one). More
   * than `limit` bytes: {@link BodyTooLarge}, and the blob is cut back to `offset`.
   */
  appendFilled?(
    key: string,
    offset: number,
    body: FillableBody,
    limit: number,
  ): Promise<{ size: number; state: Uint8Array }>;
  /**
   * Write `body` at byte `offset` of an appendable blob (offset 0 creates it), discarding whatever is
   * stored beyond `offset` first. Resolves to the new size once the bytes are stored (readable by
   * every node; durable on disk at the latest when the blob is sealed). On error the blob is cut back
   * to `offset`. Callers serialise appends to one key. Appending past 0 to a blob that is not there,
   * or past its stored end, fails with an error that {@link isMissingBlob} recognises.
   */
  append(key: string, offset: number, body: BlobBody): Promise<number>;
  /**
   * Finish an appendable blob of `size` bytes so that it reads like any other blob, durably. Fails
   * as a missing blob ({@link isMissingBlob}) when fewer bytes are stored.
   */
  seal(key: string, size: number): Promise<void>;
  /**
   * Read a blob, or the inclusive byte range `[start, end]` of it. The stream errors if the blob is
   * missing ({@link isMissingBlob}).
   */
  read(key: string, range?: { start: number; end: number }): Readable;
  stat(key: string): Promise<BlobStat | null>;
  /** Remove a blob (and any appendable state). Removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Blobs whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<{ key: string; mtimeMs: number }>;
  /**
   * The keys `list` gives, without their times: where a blob's time costs a call of its own (a
   * file's `stat`), a listing of many blobs that needs the times of few of them.
   */
  keys(prefix: string): AsyncIterable<string>;
  /** A local file holding the blob's bytes, when the backend keeps one. */
  localPath(key: string): string | null;
}

/**
 * The error for a blob that is not stored, or not all of it: a caller that counts on more bytes
 * than are there (an append past the stored end, a seal) finds them gone.
 */
export function missingBlob(message: string): Error {
  return Object.assign(new Error(message), { code: 'ENOENT' });
}

/** A seal's error when `stored` bytes (null: no blob) are found where `size` are expected. */
export function sealMismatch(key: string, stored: number | null, size: number): Error {
  const message = `cannot seal ${key}: ${stored ?? 'no'} bytes stored, ${size} expected`;
  return stored === null || stored < size ? missingBlob(message) : new Error(message);
}

/** Whether `e` says that a blob, or bytes of it, are not in the store (code `ENOENT` on every backend). */
export function isMissingBlob(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((p) => p === '.' || p === '..')) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
}
