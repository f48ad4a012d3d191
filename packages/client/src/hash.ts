/**
 * Incremental SHA-1 of the bytes the server has confirmed. The upload engine moves it forward as the
 * server's offset moves; it is what resume tokens and the final integrity check compare against.
 */
import { createSHA1, type IHasher } from 'hash-wasm';
import type { UploadSource } from './source.js';
import { toHex } from './util.js';

/** Largest read when the hasher has to catch up from the source. */
const READ_STEP = 1024 * 1024;

export class Sha1Tracker {
  #hasher: IHasher | undefined;
  #at = 0;
  #scratch: Uint8Array | undefined;

  /** Bytes [0, position) are hashed. */
  get position(): number {
    return this.#at;
  }

  async #h(): Promise<IHasher> {
    if (!this.#hasher) {
      this.#hasher = await createSHA1();
      this.#hasher.init();
    }
    return this.#hasher;
  }

  /**
   * Hashes up to `target`. `hint` is a buffer holding bytes starting at `hintStart` (typically the chunk
   * just sent), used when it covers what is missing; otherwise the bytes are read from `source`.
   * Going backwards re-hashes from zero.
   */
  async advanceTo(
    target: number,
    source: UploadSource,
    hint?: { start: number; bytes: Uint8Array },
    signal?: AbortSignal,
  ): Promise<void> {
    const h = await this.#h();
    if (target < this.#at) {
      h.init();
      this.#at = 0;
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
    const h = await this.#h();
    const state = h.save();
    const digest = h.digest('binary');
    h.load(state);
    return toHex(digest);
  }
}

/** SHA-1 of a whole in-memory buffer. */
export async function sha1Hex(bytes: Uint8Array): Promise<string> {
  const h = await createSHA1();
  h.init();
  h.update(bytes);
  return toHex(h.digest('binary'));
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
