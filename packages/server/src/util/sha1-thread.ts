/**
 * The hashing thread: hash-wasm's SHA-1, whose whole state can be saved after a chunk and loaded by
 * any process for the next one, hashed off the main thread while the chunk is received and written.
 * New uploads save a portable state instead (sha1-state.ts, on the thread pool through the addon:
 * OpenSSL, no copies); this continues the states that uploads begun before then saved.
 * Messages are handled strictly in order; bytes travel in pooled buffers that go to the thread and
 * back, and the sender waits while too many of its bytes are unhashed.
 */
import { Worker } from 'node:worker_threads';

/** Plain JavaScript so that it runs the same from the sources and from dist. */
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

/** A hash open in the thread (a `ResumableSha1` of sha1.ts). */
export interface ThreadSha1 {
  /** Hash more bytes (copied). Returns a promise when the caller should wait before sending more. */
  update(data: Uint8Array): Promise<void> | undefined;
  /** The whole state after every byte given (base64); the hash is closed. */
  save(): Promise<string>;
  /** Hex SHA-1 of every byte given; the hash is closed. */
  digest(): Promise<string>;
  discard(): void;
}

export class HashThread {
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

  /** Open a hash from a saved state (null: empty). */
  open(state: Uint8Array | null): ThreadSha1 {
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
      save: async () => Buffer.from(await this.finish<Uint8Array>(id, p, 'save')).toString('base64'),
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

/** The process's hashing thread (started on first use, again if it died). */
export function hashThread(): HashThread {
  if (!thread || thread.dead) thread = new HashThread();
  return thread;
}
