/**
 * Caps on the uploads (multipart API requests) one node handles at once: in total, and per user
 * (per client address when logged out). A request over the total is shed before its body is read
 * (HTTP 503 with `Retry-After`, as a load balancer would); one over its user's share gets
 * MediaWiki's `ratelimited`.
 */
import { MwError } from '../errors.js';

/** Seconds a shed client is told to wait (MediaWiki's `maxlag` answers at least 5). */
export const RETRY_AFTER_SECONDS = 5;

export class UploadSlots {
  private total = 0;
  private readonly perKey = new Map<string, number>();

  constructor(
    private readonly limits: { maxConcurrentUploads: number; maxConcurrentUploadsPerUser: number },
  ) {}

  /** In use now, in total. */
  get inUse(): number {
    return this.total;
  }

  /**
   * A slot for `key` (a user, or an address), released by the function returned; throws
   * `ratelimited` (or the 503 error when the node is full) instead.
   */
  take(key: string): () => void {
    if (this.total >= this.limits.maxConcurrentUploads) throw new NodeFull();
    const mine = this.perKey.get(key) ?? 0;
    if (mine >= this.limits.maxConcurrentUploadsPerUser) {
      throw new MwError(
        'ratelimited',
        "You've exceeded your rate limit. Please wait some time and try again.",
      );
    }
    this.total++;
    this.perKey.set(key, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left > 0) this.perKey.set(key, left);
      else this.perKey.delete(key);
    };
  }
}

/** The answer of a node that has no room: `ratelimited`, told apart by HTTP 503 and `Retry-After`. */
export class NodeFull extends MwError {
  constructor() {
    super(
      'ratelimited',
      `The server is handling too many uploads at once. Please try again in ${RETRY_AFTER_SECONDS} seconds.`,
    );
  }
}
