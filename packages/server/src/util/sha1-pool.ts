/**
 * A whole body's SHA-1 hashed on libuv's thread pool (`native/sha1-pool.c`: the OpenSSL Node
 * carries, on the CPU's SHA instructions) instead of the JavaScript thread, which receives, parses
 * and writes the body meanwhile.
 *
 * A direct upload of one large file keeps the JavaScript thread busy and little else: hashing there
 * took ~0.65 ms of its ~2.4 ms per MiB. The bytes are hashed where they are (the network's own
 * buffers, no copy), gathered into batches (one trip to the pool each), one batch hashed at a time
 * while the next is gathered; the caller waits when both are full.
 */
import { uploadsReceiving } from './byte-garbage.js';
import { type PoolSha1Handle, type Sha1PoolAddon, sha1PoolAddon } from './native.js';

/**
 * Bytes gathered before they go to the pool, by uploads received at once. Each upload holds up to two
 * batches of its network buffers until they are hashed, so several at once take smaller ones (and
 * many at once hash on the main thread: sha1.ts).
 */
export function poolBatchBytes(uploads: number): number {
  return uploads <= 2 ? 1024 * 1024 : 128 * 1024;
}

/** A SHA-1 on the pool (the shape of sha1.ts's `StreamingSha1`). */
export interface PoolSha1 {
  /** Hash `data` (kept, not copied: it must not change until hashed). A promise: wait before more. */
  update(data: Uint8Array): Promise<void> | undefined;
  /** Hex SHA-1 of every byte given; the hash is finished. */
  digest(): Promise<string>;
  discard(): void;
}

/** A new SHA-1 on the thread pool, or null where the addon was not built. */
export function poolSha1(addon: Sha1PoolAddon | null = sha1PoolAddon()): PoolSha1 | null {
  if (!addon) return null;
  const handle: PoolSha1Handle = addon.create();
  let gathered: Uint8Array[] = [];
  let gatheredBytes = 0;
  /** The batch on the pool, settled once it is hashed. */
  let hashing: Promise<void> | null = null;
  let failed: Error | null = null;
  const send = () => {
    if (hashing || gathered.length === 0) return;
    const parts = gathered;
    gathered = [];
    gatheredBytes = 0;
    hashing = new Promise<void>((resolve) => {
      addon.update(handle, parts, (ok) => {
        if (!ok) failed ??= new Error('SHA-1 failed');
        hashing = null;
        resolve();
      });
    });
  };
  return {
    update(data) {
      if (failed) throw failed;
      if (data.length === 0) return undefined;
      gathered.push(data);
      gatheredBytes += data.length;
      if (gatheredBytes < poolBatchBytes(uploadsReceiving())) return undefined;
      if (!hashing) {
        send();
        return undefined;
      }
      // One batch is being hashed and the next is full: it goes once the first is done.
      return hashing.then(send);
    },
    async digest() {
      while (hashing) await hashing;
      send();
      while (hashing) await hashing;
      if (failed) throw failed;
      return addon.digest(handle).toString('hex');
    },
    discard() {
      // A batch on the pool finishes on its own; the handle goes with the last reference.
      gathered = [];
      gatheredBytes = 0;
    },
  };
}
