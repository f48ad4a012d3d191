/**
 * SHA-1: the one way the server hashes bytes, and MediaWiki's base-36 form of a SHA-1.
 *
 * - {@link wholeSha1}: bytes that arrive in one request (whole files, URL fetches): OpenSSL (with the
 *   CPU's SHA instructions where it has them) on libuv's thread pool through the server's addon
 *   (sha1-pool.ts), else node:crypto on the calling thread.
 * - {@link resumeSha1}: a chunked upload's bytes, hashed while they are written; after each chunk
 *   its state is saved as a string with the upload, and the next chunk (another request, perhaps
 *   another process) continues from it. Two kinds of state:
 *   - a `kept:` token: the hash stays in this process (node:crypto, no copies, several times faster
 *     than WebAssembly). A token is new after every save, so it names exactly the bytes of one saved
 *     state. A process that does not hold it (another node, a restart, or one pushed out by newer
 *     ones) hashes the stored bytes again first: for bytes that are cheap to read back (local disk);
 *   - hash-wasm's whole state (base64), hashed in a worker thread ({@link HashThread}): any process
 *     continues it without reading anything back (object storage, several nodes).
 *
 * On a machine of two cores shared with the clients, CPU time counts more than which thread spends
 * it: for a chunk, node:crypto on the calling thread cost less in all than the same hash in a worker
 * thread (copies, messages) and was as fast. A whole large body is another matter: its one request
 * keeps the JavaScript thread busy, and the pool takes its bytes without a copy (direct 256 MiB:
 * 3 of 3 paired runs faster, 471–501 -> 490–555 MiB/s; see bench/README.md).
 */
import { createHash, type Hash, randomUUID } from 'node:crypto';
import { poolSha1 } from './sha1-pool.js';
import { hashThread } from './sha1-thread.js';

/** A SHA-1 fed piece by piece. */
export interface StreamingSha1 {
  /**
   * Hash more bytes (which must not change until the digest: they may be hashed later, where they
   * are). Returns a promise when the caller should wait before sending more.
   */
  update(data: Uint8Array): Promise<void> | undefined;
  /** Hex SHA-1 of every byte given; the hash cannot be updated afterwards. */
  digest(): Promise<string>;
  /** Forget the hash (on failure). */
  discard(): void;
}

/** A SHA-1 whose state can be saved and continued by a later request. */
export interface ResumableSha1 extends StreamingSha1 {
  /** The state after every byte given so far; the hash cannot be updated afterwards. */
  save(): Promise<string>;
}

/** Hex SHA-1 of bytes in memory (small things: page texts, keys). */
export function sha1Hex(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * A SHA-1 of bytes arriving in one go (whole files): on the thread pool ({@link poolSha1}) where the
 * server's addon is built (`pool: false`, or without it: node:crypto on this thread).
 */
export function wholeSha1(opts: { pool?: boolean } = {}): StreamingSha1 {
  const pooled = opts.pool === false ? null : poolSha1();
  if (pooled) return pooled;
  let hash: Hash | null = createHash('sha1');
  return {
    update(data) {
      hash!.update(data);
      return undefined;
    },
    async digest() {
      const hex = hash!.digest('hex');
      hash = null;
      return hex;
    },
    discard() {
      hash = null;
    },
  };
}

const KEPT = 'kept:';
/**
 * Hashes kept between requests, by token (a few hundred bytes each). At most MAX_KEPT (uploads in
 * progress at once, with room to spare); the oldest goes first.
 */
const kept = new Map<string, Hash>();
const MAX_KEPT = 4096;

export interface ResumeOptions {
  /** A new hash (no state yet) stays in this process; otherwise its whole state is saved. */
  keep: boolean;
  /** The bytes the state covers, read from storage: hashed again when a kept hash is not held here. */
  stored: () => AsyncIterable<Uint8Array>;
}

/**
 * Continue a SHA-1 from a state saved by {@link ResumableSha1.save} (null: no bytes yet). Resolves
 * once the hash is ready for the new bytes (after hashing the stored ones again if need be).
 */
export async function resumeSha1(state: string | null, opts: ResumeOptions): Promise<ResumableSha1> {
  if (state === null ? !opts.keep : !state.startsWith(KEPT)) {
    return hashThread().open(state === null ? null : Buffer.from(state, 'base64'));
  }
  const from = kept.get(state ?? '');
  let hash: Hash | null = from ? from.copy() : createHash('sha1');
  if (state !== null && !from) for await (const b of opts.stored()) hash.update(b);
  return {
    update(data) {
      hash!.update(data);
      return undefined;
    },
    async save() {
      const token = KEPT + randomUUID();
      if (state !== null) kept.delete(state);
      kept.set(token, hash!);
      hash = null;
      if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
      return token;
    },
    async digest() {
      if (state !== null) kept.delete(state);
      const hex = hash!.digest('hex');
      hash = null;
      return hex;
    },
    discard() {
      hash = null;
    },
  };
}

/** Hex SHA-1 of the bytes a saved state covers (null: no bytes); `stored` as for {@link resumeSha1}. */
export async function sha1OfState(
  state: string | null,
  stored: () => AsyncIterable<Uint8Array>,
): Promise<string> {
  if (state === null) return sha1Hex(new Uint8Array(0));
  return (await resumeSha1(state, { keep: true, stored })).digest();
}

/** Drop the hashes kept in this process, as a restart would (tests). */
export function forgetKeptHashes(): void {
  kept.clear();
}

/** SHA-1 in MediaWiki's base-36 form (31 characters, zero-padded), as stored in img_sha1 and log params. */
export function sha1Base36(hex: string): string {
  return BigInt(`0x${hex}`).toString(36).padStart(31, '0');
}

export function sha1FromBase36(b36: string): string {
  let n = 0n;
  for (const ch of b36.toLowerCase()) n = n * 36n + BigInt(Number.parseInt(ch, 36));
  return n.toString(16).padStart(40, '0');
}
