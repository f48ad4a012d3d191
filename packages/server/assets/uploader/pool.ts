/** Runs queued work a few at a time (uploads in parallel), in the order it was queued. No DOM. */

export interface Runnable {
  run(): Promise<void>;
}

export class Pool<T extends Runnable> {
  readonly #waiting: T[] = [];
  #running = 0;

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`Invalid pool size ${limit}`);
  }

  /** Puts `item` in line (once, however often it is added) and starts what fits. */
  add(item: T): void {
    if (!this.#waiting.includes(item)) this.#waiting.push(item);
    this.#pump();
  }

  /** How many run now. */
  get running(): number {
    return this.#running;
  }

  /** How many wait for a free slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #pump(): void {
    while (this.#running < this.limit) {
      const item = this.#waiting.shift();
      if (!item) return;
      this.#running++;
      let run: Promise<void>;
      try {
        run = item.run();
      } catch (e) {
        run = Promise.reject(e);
      }
      run
        .catch(() => {
          // Each item reports its own failures; the pool only keeps going.
        })
        .finally(() => {
          this.#running--;
          this.#pump();
        });
    }
  }
}
