/**
 * An upload's SHA-1 hashed on libuv's thread pool (`native/sha1-pool.c`: the OpenSSL Node carries,
 * on the CPU's SHA instructions) instead of the JavaScript thread, which receives, parses and writes
 * the body meanwhile: a whole body's, or a chunk's, continuing the state the chunk before saved
 * (sha1-state.ts).
 *
 * A direct upload of one large file keeps the JavaScript thread busy and little else: hashing there
 * took ~0.65 ms of its ~2.4 ms per MiB. The bytes are hashed where they are (the network's own
 * buffers, no copy), gathered into batches (one trip to the pool each), one batch hashed at a time
 * while the next is gathered; the caller waits when both are full.
 *
 * While several uploads are received at once the bytes are hashed on the calling thread instead, as
 * they come (the same OpenSSL state): those uploads keep every core busy anyway, and each pooled hash
 * holds up to two batches of network buffers (50 uploads of 20 MiB at once peaked at 175–187 MB
 * with 1 MiB batches for all of them, against 146–150 without the pool).
 */
import { uploadsReceiving } from './byte-garbage.js';
import { type PoolSha1Handle, type Sha1PoolAddon, sha1PoolAddon } from './native.js';

/** Bytes gathered before they go to the pool (one trip each; the caller holds at most two batches). */
export const POOL_BATCH = 1024 * 1024;

/**
 * What is left at the end up to this is hashed on the calling thread (20 KB: ~10 µs), not sent to
 * the pool, where it would wait behind the flushes of other uploads for a free thread.
 */
export const HASH_HERE_AT_END = 64 * 1024;

/** Bytes go to the pool while at most this many uploads are received (the hash's own included). */
export const POOL_UPLOADS = 2;

/** A SHA-1 on the pool (the shape of sha1.ts's `ResumableSha1`). */
export interface PoolSha1 {
  /** Hash `data` (kept, not copied: it must not change until hashed). A promise: wait before more. */
  update(data: Uint8Array): Promise<void> | undefined;
  /** Hex SHA-1 of every byte given; the hash is finished. */
  digest(): Promise<string>;
  /** The state after every byte given (sha1-state.ts's portable form); the hash is finished. */
  save(): Promise<Uint8Array>;
  discard(): void;
}

/**
 * A SHA-1 on the thread pool, new or continuing a saved portable `state` (which must be one), or null
 * where the addon was not built.
 */
export function poolSha1(
  addon: Sha1PoolAddon | null = sha1PoolAddon(),
  state: Uint8Array | null = null,
): PoolSha1 | null {
  if (!addon) return null;
  const handle: PoolSha1Handle = addon.create(state);
  let gathered: Uint8Array[] = [];
  let gatheredBytes = 0;
  /** The batch on the pool, settled once it is hashed. */
  let hashing: Promise<void> | null = null;
  let failed: Error | null = null;
  const take = () => {
    const parts = gathered;
    gathered = [];
    gatheredBytes = 0;
    return parts;
  };
  /** The gathered bytes to the pool, unless a batch is there already. */
  const send = () => {
    if (hashing || gathered.length === 0) return;
    const parts = take();
    hashing = new Promise<void>((resolve) => {
      addon.update(handle, parts, (ok) => {
        if (!ok) failed ??= new Error('SHA-1 failed');
        hashing = null;
        resolve();
      });
    });
  };
  /** Every byte given hashed (or the failure thrown). */
  const settle = async () => {
    while (hashing) await hashing;
    if (gatheredBytes <= HASH_HERE_AT_END) hashHere();
    send();
    while (hashing) await hashing;
    if (failed) throw failed;
  };
  /** The gathered bytes hashed on this thread, once no batch is on the pool. */
  const hashHere = () => {
    if (hashing) return;
    for (const part of take()) addon.updateSync(handle, part);
  };
  return {
    update(data) {
      if (failed) throw failed;
      if (data.length === 0) return undefined;
      gathered.push(data);
      gatheredBytes += data.length;
      if (uploadsReceiving() > POOL_UPLOADS) {
        if (!hashing) {
          hashHere();
          return undefined;
        }
        return hashing.then(hashHere);
      }
      if (gatheredBytes < POOL_BATCH) return undefined;
      if (!hashing) {
        send();
        return undefined;
      }
      // One batch is being hashed and the next is full: it goes once the first is done.
      return hashing.then(send);
    },
    async digest() {
      await settle();
      return addon.digest(handle).toString('hex');
    },
    async save() {
      await settle();
      return addon.save(handle);
    },
    discard() {
      // A batch on the pool finishes on its own; the handle goes with the last reference.
      take();
    },
  };
}
