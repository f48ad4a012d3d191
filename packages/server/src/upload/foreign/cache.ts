/**
 * The answers of foreign repositories, kept in memory for a while (MediaWiki keeps them in its
 * WAN object cache). In memory because every entry is a copy of something another wiki can give
 * again: a node that restarts or another node of a cluster asks once more, which costs one request,
 * while a shared table would write to the database on every read path. Entries expire, the number of
 * entries is bounded (the oldest go first), and callers asking for a key that is being loaded wait
 * for that one load instead of starting their own.
 */

interface Entry<T> {
  value: T;
  expires: number;
}

export class ExpiringCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T>>();

  constructor(
    private readonly maxEntries = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value of `key`, loading it when absent or expired; `ttlMs(value)` says how long it is kept (≤ 0: not kept). */
  get(key: string, load: () => Promise<T>, ttlMs: (value: T) => number): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return Promise.resolve(hit.value);
    if (hit) this.entries.delete(key);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const p = load().then(
      (value) => {
        this.loading.delete(key);
        const ttl = ttlMs(value);
        if (ttl > 0) this.set(key, value, ttl);
        return value;
      },
      (e: unknown) => {
        this.loading.delete(key);
        throw e;
      },
    );
    this.loading.set(key, p);
    return p;
  }

  private set(key: string, value: T, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
