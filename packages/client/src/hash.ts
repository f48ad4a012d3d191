/**
 * Incremental SHA-1 of the bytes the server has confirmed. The upload engine feeds it the bytes of each
 * chunk as they are read to be sent (so each byte is read and hashed once), and moves it to where the
 * server's offset is; it is what resume tokens and the final integrity check compare against.
 *
 * The digest comes from hash-wasm everywhere; the Node entry plugs in node:crypto, which is faster.
 */
import { createSHA1 } from 'hash-wasm';
import type { UploadSource } from './source.js';
import { toHex } from './util.js';

/** Largest read when the hasher has to catch up from the source. */
const READ_STEP = 1024 * 1024;

/** A running SHA-1 whose state can be saved and restored. */
export interface Sha1State {
  update(bytes: Uint8Array): void;
  /** Hex digest of what was fed so far, without disturbing the running state. */
  hex(): string;
  save(): unknown;
  load(state: unknown): void;
  reset(): void;
}

async function wasmSha1(): Promise<Sha1State> {
  const h = await createSHA1();
  h.init();
  return {
    update: (b) => void h.update(b),
    hex() {
      const state = h.save();
      const digest = h.digest('binary');
      h.load(state);
      return toHex(digest);
    },
    save: () => h.save(),
    load: (s) => void h.load(s as Uint8Array),
    reset: () => void h.init(),
  };
}

let factory: () => Sha1State | Promise<Sha1State> = wasmSha1;

/** Replaces the SHA-1 implementation (the Node entry installs node:crypto's). */
export function setSha1Implementation(f: () => Sha1State | Promise<Sha1State>): void {
  factory = f;
}

export class Sha1Tracker {
  #state: Sha1State | undefined;
  #at = 0;
  #scratch: Uint8Array | undefined;
  /** A saved state at a confirmed position, to go back to without re-hashing from zero. */
  #mark: { at: number; state: unknown } | undefined;

  /** Bytes [0, position) are hashed. */
  get position(): number {
    return this.#at;
  }

  /** Prepares the hasher, after which `feed` can be called. */
  async ready(): Promise<void> {
    this.#state ??= await factory();
  }

  async #h(): Promise<Sha1State> {
    await this.ready();
    return this.#state as Sha1State;
  }

  /**
   * Hashes `bytes`, which start at byte `start` of the file, as far as they continue the hashed prefix:
   * bytes already hashed are skipped, bytes after a gap are ignored. Needs `ready()` first.
   */
  feed(start: number, bytes: Uint8Array): void {
    const h = this.#state;
    if (!h) throw new Error('Sha1Tracker.feed before ready()');
    const end = start + bytes.byteLength;
    if (start > this.#at || end <= this.#at) return;
    h.update(start === this.#at ? bytes : bytes.subarray(this.#at - start));
    this.#at = end;
  }

  /** Remembers the current state: going back to this position later costs no re-reading. */
  mark(): void {
    if (!this.#state || this.#mark?.at === this.#at) return;
    this.#mark = { at: this.#at, state: this.#state.save() };
  }

  /**
   * Hashes up to `target`. `hint` is a buffer holding bytes starting at `hintStart` (typically the chunk
   * just sent), used when it covers what is missing; otherwise the bytes are read from `source`.
   * Going backwards starts again from the mark, or from zero.
   */
  async advanceTo(
    target: number,
    source: UploadSource,
    hint?: { start: number; bytes: Uint8Array },
    signal?: AbortSignal,
  ): Promise<void> {
    const h = await this.#h();
    if (target < this.#at) {
      if (this.#mark && this.#mark.at <= target) {
        h.load(this.#mark.state);
        this.#at = this.#mark.at;
      } else {
        h.reset();
        this.#at = 0;
        this.#mark = undefined;
      }
    }
    while (this.#at < target) {
      signal?.throwIfAborted();
      if (hint && hint.start <= this.#at && hint.start + hint.bytes.byteLength > this.#at) {
        const from = this.#at - hint.start;
        const to = Math.min(hint.bytes.byteLength, target - hint.start);
        h.update(hint.bytes.subarray(from, to));
        this.#at = hint.start + to;
        continue;
      }
      const end = Math.min(target, this.#at + READ_STEP);
      let bytes: Uint8Array;
      if (source.readInto) {
        // Reuse one buffer: hashing a large file allocates nothing per step.
        this.#scratch ??= new Uint8Array(READ_STEP);
        const n = await source.readInto(this.#at, this.#scratch.subarray(0, end - this.#at), signal);
        bytes = this.#scratch.subarray(0, n);
      } else {
        bytes = await source.read(this.#at, end, signal);
      }
      if (bytes.byteLength === 0) throw new RangeError(`Source ended at byte ${this.#at}`);
      h.update(bytes);
      this.#at += bytes.byteLength;
    }
  }

  /** Hex digest of bytes [0, position), without disturbing the running state. */
  async hex(): Promise<string> {
    return (await this.#h()).hex();
  }
}

/**
 * Feeds a tracker with the bytes of one request body as they are read to be sent, until `stop()`: after
 * that, whatever is still being read (a request that was abandoned) no longer reaches the tracker.
 */
export class HashTap {
  #on = true;
  constructor(private readonly tracker: Sha1Tracker) {}

  feed(start: number, bytes: Uint8Array): void {
    if (this.#on) this.tracker.feed(start, bytes);
  }

  stop(): void {
    this.#on = false;
  }

  /** The same source, with every range read from it also fed to the tracker. */
  source(source: UploadSource): UploadSource {
    const out: UploadSource = {
      get size() {
        return source.size;
      },
      seekable: source.seekable,
      name: source.name,
      type: source.type,
      read: async (start, end, signal) => {
        const bytes = await source.read(start, end, signal);
        this.feed(start, bytes);
        return bytes;
      },
      close: async () => {},
    };
    const readInto = source.readInto?.bind(source);
    if (readInto) {
      out.readInto = async (start, target, signal) => {
        const n = await readInto(start, target, signal);
        this.feed(start, target.subarray(0, n));
        return n;
      };
    }
    return out;
  }

  /** Reads a stream of the bytes from `start` on (e.g. a Blob slice that is being sent) into the tracker. */
  async consume(stream: ReadableStream<Uint8Array>, start: number, signal?: AbortSignal): Promise<void> {
    const reader = stream.getReader();
    try {
      let at = start;
      while (this.#on) {
        signal?.throwIfAborted();
        const { done, value } = await reader.read();
        if (done) return;
        this.feed(at, value);
        at += value.byteLength;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }
}

/** SHA-1 of a whole in-memory buffer. */
export async function sha1Hex(bytes: Uint8Array): Promise<string> {
  const h = await factory();
  h.update(bytes);
  return h.hex();
}

/** SHA-1 of bytes [0, end) of a source, read piece by piece. */
export async function sha1OfSource(
  source: UploadSource,
  end: number,
  signal?: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<string> {
  const t = new Sha1Tracker();
  let at = 0;
  while (at < end) {
    const next = Math.min(end, at + 256 * READ_STEP);
    await t.advanceTo(next, source, undefined, signal);
    at = next;
    onBytes?.(at);
  }
  return t.hex();
}
