/**
 * The server's small native addons (`packages/server/native/`, built by the package's install
 * script with node-gyp): calls Node has none of. Optional: where they were not built (no compiler at
 * install) every caller goes on without them.
 */
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

export interface ReleaseMemoryAddon {
  /** `malloc_trim(0)`; true if memory was given back (always false where it is not supported). */
  trim(): boolean;
  /** Whether `trim` does anything here (glibc). */
  readonly trimSupported: boolean;
  /**
   * `posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED)`; true if the kernel took the advice
   * (false where it is not supported, or for arguments out of range).
   */
  dropPageCache(fd: number, offset: number, length: number): boolean;
  /** Whether `dropPageCache` does anything here. */
  readonly dropPageCacheSupported: boolean;
}

/** A SHA-1 of `native/sha1-pool.c`: an opaque handle. */
export type PoolSha1Handle = { readonly __poolSha1: unique symbol };

export interface Sha1PoolAddon {
  /** A new SHA-1, or one continuing a saved portable state (sha1-state.ts; throws if not one). */
  create(state?: Uint8Array | null): PoolSha1Handle;
  /**
   * Hash `parts` in order on libuv's thread pool, reading them where they are; `done(ok)` once they
   * are hashed. One update at a time per hash (a second throws).
   */
  update(hash: PoolSha1Handle, parts: Uint8Array[], done: (ok: boolean) => void): void;
  /** Hash `bytes` now, on this thread (throws while an update runs). */
  updateSync(hash: PoolSha1Handle, bytes: Uint8Array): void;
  /** The 20-byte digest; the hash is finished. Throws while an update runs. */
  digest(hash: PoolSha1Handle): Buffer;
  /** The portable state after every byte given (sha1-state.ts); the hash is finished. As `digest`. */
  save(hash: PoolSha1Handle): Buffer;
}

/** `native/whole-file.c`: a small file created, written, flushed and renamed by one pool job. */
export interface WholeFileAddon {
  /**
   * Create `tmp` (it must not exist), write `parts` into it in order (read where they are: not to
   * be changed before `done`), flush it and rename it to `dest`; `done(err)`: 0 or a negative
   * errno (then `dest` is untouched and no `tmp` of this call is left).
   */
  write(tmp: string, dest: string, parts: Uint8Array[], done: (err: number) => void): void;
}

/** A receiver of `native/socket-body.c`: an opaque handle. */
export type SocketBodyHandle = { readonly __socketBody: unique symbol };

/**
 * A request body read from its socket on a thread of the addon (see `native/socket-body.c`). `err`
 * is 0, a negative errno, {@link SocketBodyAddon.END_EARLY}, {@link SocketBodyAddon.TOO_LARGE} or
 * {@link SocketBodyAddon.NO_DELIMITER}.
 * One operation at a time (a second throws).
 */
export interface SocketBodyAddon {
  /** A receiver of a duplicate of `fd`: `head` pending, `remaining` bytes of the body left to read. */
  open(fd: number, head: Uint8Array, remaining: number): SocketBodyHandle;
  /** 1..max pending bytes, or null once the body is read whole. */
  read(r: SocketBodyHandle, max: number, done: (err: number, bytes?: Buffer | null) => void): void;
  /** The bytes before `delimiter` (at most `max`); `found` when it follows them (it is consumed). */
  readPart(
    r: SocketBodyHandle,
    delimiter: Uint8Array,
    max: number,
    done: (err: number, bytes?: Buffer, found?: boolean) => void,
  ): void;
  /** The bytes before `delimiter` written into `fd` from `position`, with their SHA-1 (20 bytes). */
  sink(
    r: SocketBodyHandle,
    fd: number,
    position: number,
    delimiter: Uint8Array,
    limit: number,
    syncEvery: number,
    done: (err: number, size?: number, sha1?: Buffer) => void,
  ): void;
  /**
   * The bytes before `delimiter` copied into `target` (until it is full), hashed as they are copied
   * (`start`: null a new hash, a saved state to continue, undefined the hash of the fill before);
   * once the delimiter followed them (it is consumed) the SHA-1 (20 bytes) and the saved state
   * before it was finished. `target` must not be touched until `done`.
   */
  fill(
    r: SocketBodyHandle,
    target: Uint8Array,
    delimiter: Uint8Array,
    start: Uint8Array | null | undefined,
    done: (err: number, length?: number, sha1?: Buffer | null, state?: Buffer | null) => void,
  ): void;
  /** Read and drop the rest of the body. */
  drain(r: SocketBodyHandle, done: (err: number) => void): void;
  /** Bytes read from the socket by the receiver so far. */
  bytesRead(r: SocketBodyHandle): number;
  /** Stop: an operation in progress ends with -ECANCELED. */
  close(r: SocketBodyHandle): void;
  /** The connection ended before the body did. */
  readonly END_EARLY: number;
  /** More than a sink's limit. */
  readonly TOO_LARGE: number;
  /** A sink's delimiter never came before the body's end. */
  readonly NO_DELIMITER: number;
}

/** An error as `node:fs` reports one, for the negative errno `err` an addon answered. */
export function errnoError(err: number, what: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(err);
  return Object.assign(new Error(`${code}: ${what}`), { code, errno: err });
}

const loaded = new Map<string, unknown>();

/** The addon built as `name`, or null where it was not built. */
function load<T>(name: string): T | null {
  if (!loaded.has(name)) {
    try {
      // From src/util or dist/util alike: the package's build directory.
      loaded.set(name, createRequire(import.meta.url)(`../../build/Release/${name}.node`));
    } catch {
      loaded.set(name, null);
    }
  }
  return loaded.get(name) as T | null;
}

/** `native/release-memory.c`, or null where it was not built. */
export const releaseMemoryAddon = (): ReleaseMemoryAddon | null => load<ReleaseMemoryAddon>('release_memory');

/** `native/sha1-pool.c`, or null where it was not built. */
export const sha1PoolAddon = (): Sha1PoolAddon | null => load<Sha1PoolAddon>('sha1_pool');

/** `native/whole-file.c`, or null where it was not built. */
export const wholeFileAddon = (): WholeFileAddon | null => load<WholeFileAddon>('whole_file');

/** `native/socket-body.c`, or null where it was not built. */
export const socketBodyAddon = (): SocketBodyAddon | null => load<SocketBodyAddon>('socket_body');
