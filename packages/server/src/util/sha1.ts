/**
 * SHA-1: the one way the server hashes bytes, and MediaWiki's base-36 form of a SHA-1.
 *
 * - {@link wholeSha1}: bytes that arrive in one request (whole files, URL fetches): OpenSSL (with the
 *   CPU's SHA instructions where it has them) on libuv's thread pool through the server's addon
 *   (sha1-pool.ts), else node:crypto on the calling thread.
 * - {@link resumeSha1}: a chunked upload's bytes, hashed while they are written; after each chunk
 *   its state is saved as a string with the upload, and the next chunk (another request, perhaps
 *   another process) continues from it: a portable `sha1:` state (sha1-state.ts), hashed on the
 *   thread pool through the server's addon (OpenSSL over the network's own buffers), or in plain
 *   JavaScript where it was not built. States saved by earlier versions are still continued:
 *   hash-wasm's (in a worker thread, sha1-thread.ts), and `kept:` tokens, which named a hash kept in
 *   the process that made it (the stored bytes are hashed again). Against hash-wasm (object
 *   storage): 0.63–0.72 against 1.57–2.23 ms of CPU per MiB hashed. Against node:crypto kept in the
 *   process (local storage), 256 MiB in 5 MiB chunks: 4 of 4 pairs faster with a switch in one
 *   build (best of three 306–402 against 258–339 MiB/s), but no clear difference in 6 pairs against
 *   the build before (307–358 against 302–351; CPU per MiB 3.5–3.7 against 3.1–4.1 ms); what it
 *   does give there: no state bound to a process, so no stored bytes read again by another one.
 *
 * On a machine of two cores shared with the clients, CPU time counts more than which thread spends
 * it: hash-wasm in a worker thread cost more in all than node:crypto on the calling thread (copies,
 * messages); the pool takes the bytes where they are, and frees the JavaScript thread, which
 * receives, parses and writes them meanwhile (direct 256 MiB: 3 of 3 paired runs faster, 471–501 ->
 * 490–555 MiB/s; see bench/README.md).
 */
import { createHash, type Hash } from 'node:crypto';
import { sha1PoolAddon } from './native.js';
import { poolSha1 } from './sha1-pool.js';
import { PORTABLE_STATE, portableStateBytes, ScriptSha1, savedPortableState } from './sha1-state.js';
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

/** The prefix of a token that named a hash kept in the process that made it (earlier versions). */
const KEPT = 'kept:';

export interface ResumeOptions {
  /** The bytes the state covers, read from storage: hashed again for a `kept:` token. */
  stored: () => AsyncIterable<Uint8Array>;
  /** The hash runs on the thread pool where the addon is built (false: in plain JavaScript). */
  pool?: boolean;
}

/**
 * Continue a SHA-1 from a state saved by {@link ResumableSha1.save} (null: no bytes yet). Resolves
 * once the hash is ready for the new bytes (after hashing the stored ones again if need be).
 */
export async function resumeSha1(state: string | null, opts: ResumeOptions): Promise<ResumableSha1> {
  const pool = opts.pool !== false;
  if (state === null || state.startsWith(PORTABLE_STATE)) return portableSha1(state, pool);
  if (state.startsWith(KEPT)) {
    // Its process kept the hash, and is gone (the version that kept hashes ran before a restart).
    const hash = portableSha1(null, pool);
    for await (const b of opts.stored()) await hash.update(b);
    return hash;
  }
  // hash-wasm's state, saved by an earlier version: continued as such.
  return hashThread().open(Buffer.from(state, 'base64'));
}

/** A hash whose state is saved whole (sha1-state.ts): new, or continuing `state`. */
function portableSha1(state: string | null, pool: boolean): ResumableSha1 {
  const bytes = state === null ? null : portableStateBytes(state);
  if (state !== null && !bytes) throw new Error('not a saved SHA-1 state');
  const pooled = pool ? poolSha1(sha1PoolAddon(), bytes) : null;
  if (pooled) return { ...pooled, save: async () => savedPortableState(await pooled.save()) };
  const script = new ScriptSha1(bytes);
  return {
    update(data) {
      script.update(data);
      return undefined;
    },
    digest: async () => script.digest(),
    save: async () => savedPortableState(script.save()),
    discard() {},
  };
}

/** Hex SHA-1 of the bytes a saved state covers (null: no bytes); `stored` as for {@link resumeSha1}. */
export async function sha1OfState(
  state: string | null,
  stored: () => AsyncIterable<Uint8Array>,
): Promise<string> {
  if (state === null) return sha1Hex(new Uint8Array(0));
  return (await resumeSha1(state, { stored })).digest();
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
