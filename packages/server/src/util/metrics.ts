/**
 * Prometheus metrics of this process (prom-client): what an operator watches. The counters are
 * updated where things happen; gauges that need the database are read when Prometheus scrapes.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Told how long a lock of a kind was waited for. */
export type LockWaitObserver = (lock: 'file' | 'stash', seconds: number) => void;

export class Metrics {
  readonly registry = new Registry();
  readonly apiRequests = new Counter({
    name: 'mwup_api_requests_total',
    help: 'Action API requests by module and outcome (ok, or the error code).',
    labelNames: ['module', 'code'] as const,
    registers: [this.registry],
  });
  readonly apiDuration = new Histogram({
    name: 'mwup_api_request_duration_seconds',
    help: 'Time to answer an Action API request, by module.',
    labelNames: ['module'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly uploads = new Counter({
    name: 'mwup_uploads_total',
    help: 'action=upload requests by kind (file, chunk, url, stash, status) and result (Success, Warning, Continue, Poll, or the error code).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly uploadBytes = new Counter({
    name: 'mwup_upload_bytes_total',
    help: 'Bytes of files and chunks received by action=upload.',
    registers: [this.registry],
  });
  readonly thumbnailRenders = new Counter({
    name: 'mwup_thumbnail_renders_total',
    help: 'Thumbnails rendered (not served from the cache).',
    registers: [this.registry],
  });

  readonly lockWaits = new Histogram({
    name: 'mwup_lock_wait_seconds',
    help: 'Time spent waiting for a lock: a file name (publish, delete, restore; PostgreSQL) or a stash entry (chunks, commits).',
    labelNames: ['lock'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  /** Told how long a lock was waited for (what the repository and the stash report). */
  readonly lockWaited: LockWaitObserver = (lock, seconds) => this.lockWaits.observe({ lock }, seconds);

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mwup_' });
  }

  /** A gauge whose value is read when metrics are scraped (a count in the database). */
  gauge(name: string, help: string, read: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  /** The text Prometheus reads. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
