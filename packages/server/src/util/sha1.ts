/**
 * SHA-1: the one way the server hashes bytes, and MediaWiki's base-36 form of a SHA-1.
 *
 * Two engines behind one interface ({@link StreamingSha1}):
 * - {@link wholeSha1}: node:crypto (OpenSSL) on the calling thread, for bytes that arrive in one
 *   request (whole files, URL fetches). About four times faster than WebAssembly, and nothing needs
 *   to be kept between requests.
 * - {@link resumableSha1}: hash-wasm in a worker thread, for chunked uploads. Its state is saved with
 *   the upload after each chunk, so the next chunk may be handled by another request, process or
 *   machine (Node's own SHA-1 cannot be resumed). Hashing overlaps receiving and writing on the main
 *   thread; a bounded amount of data is in flight (the sender waits when the thread falls behind).
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** A SHA-1 fed piece by piece. */
export interface StreamingSha1 {
  /** Hash more bytes. Returns a promise when the caller should wait before sending more. */
  update(data: Uint8Array): Promise<void> | undefined;
  /** Hex SHA-1 of every byte given; the hash cannot be updated afterwards. */
  digest(): Promise<string>;
  /** Forget the hash (on failure). */
  discard(): void;
}

/** A SHA-1 whose state can be saved (hash-wasm's format) and loaded again by another process. */
export interface ResumableSha1 extends StreamingSha1 {
  /** The state after every byte given so far; the hash cannot be updated afterwards. */
  save(): Promise<Uint8Array>;
}

/** Hex SHA-1 of bytes in memory (small things: page texts, keys). */
export function sha1Hex(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/** A SHA-1 of bytes arriving in one go (whole files). */
export function wholeSha1(): StreamingSha1 {
  let hash: ReturnType<typeof createHash> | null = createHash('sha1');
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

/** Start (or resume from `state`) a SHA-1 computed in the shared hashing thread. */
export function resumableSha1(state: Uint8Array | null): ResumableSha1 {
  if (!thread || thread.dead) thread = new HashThread();
  return thread.open(state);
}

/** Hex SHA-1 of the bytes a saved state covers (null: no bytes). */
export function sha1OfState(state: Uint8Array | null): Promise<string> {
  return resumableSha1(state).digest();
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

// ---------------------------------------------------------------------------------------------
// The hashing thread

/**
 * The worker: SHA-1 states by id (hash-wasm, whose state can be saved and loaded), messages handled
 * strictly in order. Plain JavaScript so that it runs the same from the sources and from dist.
 */
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const hashers = new Map();
const ready = import(workerData.hashWasm);
let chain = Promise.resolve();
async function handle(m) {
  const { createSHA1 } = await ready;
  if (m.op === 'open') {
    const h = await createSHA1();
    if (m.state) h.load(m.state); else h.init();
    hashers.set(m.id, h);
  } else if (m.op === 'update') {
    hashers.get(m.id)?.update(new Uint8Array(m.data, 0, m.length));
    parentPort.postMessage({ op: 'ack', id: m.id, bytes: m.length, buf: m.data }, [m.data]);
  } else if (m.op === 'save' || m.op === 'digest') {
    const h = hashers.get(m.id);
    hashers.delete(m.id);
    const result = h ? (m.op === 'save' ? h.save() : h.digest('hex')) : null;
    parentPort.postMessage({ op: 'done', id: m.id, result });
  } else if (m.op === 'close') {
    hashers.delete(m.id);
  }
}
parentPort.on('message', (m) => {
  chain = chain.then(() => handle(m)).catch((e) => parentPort.postMessage({ op: 'error', id: m.id, message: String(e) }));
});
`;

/**
 * Bytes handed to the worker but not hashed yet, before the sender waits (per hash: many uploads at
 * once must not hold much each; the thread hashes faster than a socket delivers).
 */
const MAX_IN_FLIGHT = 1024 * 1024;
/** Size of the buffers that carry bytes to the thread, and how many are kept for reuse. */
const SLOT = 256 * 1024;
const POOLED = 16;

type Reply =
  | { op: 'ack'; id: number; bytes: number; buf: ArrayBuffer }
  | { op: 'done'; id: number; result: Uint8Array | string | null }
  | { op: 'error'; id: number; message: string };

interface Pending {
  /** Bytes sent to the thread and not acknowledged. */
  inFlight: number;
  /** The buffer being filled, and how much of it is. */
  slot: ArrayBuffer | null;
  slotLen: number;
  waiters: (() => void)[];
  finished?: { resolve: (r: Uint8Array | string) => void; reject: (e: Error) => void };
  failed?: Error;
}

class HashThread {
  private readonly worker: Worker;
  private readonly hashes = new Map<number, Pending>();
  private nextId = 1;
  /** Buffers that travel to the thread and back: no garbage per chunk. */
  private readonly free: ArrayBuffer[] = [];
  dead = false;

  constructor() {
    this.worker = new Worker(THREAD_CODE, {
      eval: true,
      workerData: { hashWasm: import.meta.resolve('hash-wasm') },
      // A small heap: the thread only holds hash states and the chunks on their way through.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 24 },
    });
    this.worker.on('message', (m: Reply) => this.onReply(m));
    const fail = (e: Error) => {
      this.dead = true;
      for (const p of this.hashes.values()) this.fail(p, e);
      this.hashes.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`SHA-1 worker exited with code ${code}`)));
    this.updateRef();
  }

  /** The thread keeps the process alive only while a hash is open. */
  private updateRef(): void {
    if (this.hashes.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private forget(id: number): void {
    this.hashes.delete(id);
    this.updateRef();
  }

  private fail(p: Pending, e: Error): void {
    p.failed = e;
    p.finished?.reject(e);
    for (const w of p.waiters.splice(0)) w();
  }

  private onReply(m: Reply): void {
    if (m.op === 'ack' && this.free.length < POOLED) this.free.push(m.buf);
    const p = this.hashes.get(m.id);
    if (!p) return;
    if (m.op === 'ack') {
      p.inFlight -= m.bytes;
      if (p.inFlight <= MAX_IN_FLIGHT) for (const w of p.waiters.splice(0)) w();
    } else if (m.op === 'done') {
      this.forget(m.id);
      if (m.result !== null) p.finished?.resolve(m.result);
      else p.finished?.reject(new Error('SHA-1 state lost'));
    } else {
      this.forget(m.id);
      this.fail(p, new Error(m.message));
    }
  }

  /** Send the filled part of the hash's buffer to the thread. */
  private send(id: number, p: Pending): void {
    if (!p.slot || p.slotLen === 0) return;
    this.worker.postMessage({ op: 'update', id, data: p.slot, length: p.slotLen }, [p.slot]);
    p.inFlight += p.slotLen;
    p.slot = null;
    p.slotLen = 0;
  }

  /** Flush, then ask the thread for the saved state or the digest (which ends the hash). */
  private finish<T extends Uint8Array | string>(id: number, p: Pending, op: 'save' | 'digest'): Promise<T> {
    if (p.failed) return Promise.reject(p.failed);
    this.send(id, p);
    return new Promise<T>((resolve, reject) => {
      p.finished = { resolve: resolve as (r: Uint8Array | string) => void, reject };
      this.worker.postMessage({ op, id });
    });
  }

  open(state: Uint8Array | null): ResumableSha1 {
    const id = this.nextId++;
    const p: Pending = { inFlight: 0, slot: null, slotLen: 0, waiters: [] };
    this.hashes.set(id, p);
    this.updateRef();
    this.worker.postMessage({ op: 'open', id, state });
    return {
      update: (data) => {
        if (p.failed) throw p.failed;
        // Copied into pooled buffers that are handed over whole when full: the caller keeps its
        // own buffer (it is still being written).
        let at = 0;
        while (at < data.length) {
          p.slot ??= this.free.pop() ?? new ArrayBuffer(SLOT);
          const n = Math.min(SLOT - p.slotLen, data.length - at);
          new Uint8Array(p.slot, p.slotLen, n).set(data.subarray(at, at + n));
          p.slotLen += n;
          at += n;
          if (p.slotLen === SLOT) this.send(id, p);
        }
        if (p.inFlight <= MAX_IN_FLIGHT) return undefined;
        return new Promise<void>((resolve) => p.waiters.push(resolve));
      },
      save: () => this.finish<Uint8Array>(id, p, 'save'),
      digest: () => this.finish<string>(id, p, 'digest'),
      discard: () => {
        if (!this.hashes.has(id)) return;
        if (p.slot && this.free.length < POOLED) this.free.push(p.slot);
        p.slot = null;
        this.forget(id);
        this.worker.postMessage({ op: 'close', id });
      },
    };
  }
}

let thread: HashThread | null = null;
