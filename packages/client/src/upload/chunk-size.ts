/**
 * The size of the next chunk of a chunked upload. It starts at the configured chunk size and doubles
 * after each chunk the server took quickly, up to a cap; a slow chunk halves it (not below the start);
 * a failed chunk that was larger than the start sends it back to the start and lowers the cap below
 * the size that failed (a proxy or PHP limit on request bodies, a connection that cannot carry it).
 */

/** Largest chunk the size grows to unless the caller sets another cap. */
export const DEFAULT_MAX_CHUNK_SIZE = 64 * 1024 * 1024;
/** The same for a stream, whose chunks are held in memory. */
export const STREAM_MAX_CHUNK_SIZE = 16 * 1024 * 1024;

/** A chunk answered within this time is fast: the next may be twice as large. */
const FAST_MS = 2_000;
/** A chunk that took longer than this is slow: the next is half as large. */
const SLOW_MS = 15_000;

export class ChunkSizer {
  readonly initial: number;
  #size: number;
  #max: number;

  constructor(initial: number, max: number) {
    this.initial = initial;
    this.#size = initial;
    this.#max = Math.max(initial, max);
  }

  /** Bytes of the next chunk (the last one may be shorter). */
  get size(): number {
    return this.#size;
  }

  get max(): number {
    return this.#max;
  }

  /** A chunk of `bytes` (a full one, not the short last chunk) was accepted after `ms`. */
  accepted(bytes: number, ms: number): void {
    if (bytes < this.#size) return;
    if (ms < FAST_MS) this.#size = Math.min(this.#max, this.#size * 2);
    else if (ms > SLOW_MS) this.#size = Math.max(this.initial, Math.floor(this.#size / 2));
  }

  /**
   * A chunk of `bytes` failed. Returns true when it was larger than the start: the size is back at the
   * start and never grows to `bytes` again, so sending the same bytes in smaller chunks is worth a try.
   */
  failed(bytes: number): boolean {
    if (bytes <= this.initial) return false;
    this.#max = Math.max(this.initial, Math.floor(bytes / 2));
    this.#size = this.initial;
    return true;
  }
}
