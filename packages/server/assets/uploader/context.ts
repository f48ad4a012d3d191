/** What an upload job needs from the page: limits, settings, storage, clients and the queue. */
import type {
  IgnoreWarnings,
  PublishStashOptions,
  UploadOptions,
  UploadProtocol,
  UploadResult,
} from 'mwup/browser';
import type { Limits } from './limits.js';
import type { Runnable } from './pool.js';
import type { ResumeStore } from './resume-store.js';

/** The part of `MwClient` a job uses. */
export interface JobClient {
  upload(source: Blob, options: UploadOptions): Promise<UploadResult>;
  publishStash(filekey: string, options: PublishStashOptions): Promise<UploadResult>;
}

/** A request the client is about to send again (its `onRetry`). */
export interface RetryNotice {
  error: { code: string; info: string };
  attempt: number;
  delayMs: number;
}

/** What every job shares: the page's limits and settings, storage, clients and the pool. */
export interface JobContext {
  /** The absolute api.php URL (as resume tokens name it). */
  api: string;
  limits: Limits;
  /** How files larger than a chunk travel (`data-upload-protocol`): chunked uploads (default) or tus. */
  protocol?: UploadProtocol;
  store: ResumeStore;
  /** A client whose retries are reported to `onRetry`. */
  client(onRetry: (r: RetryNotice) => void): JobClient;
  /**
   * Warnings to publish despite (read when an upload starts): all with the form's "Ignore any
   * warnings", `exists` alone for a new version of a file, else none.
   */
  ignoreWarnings(): IgnoreWarnings;
  /** A new version of an existing file: its page keeps its text. */
  reupload: boolean;
  /** The form's "Watch this file". */
  watch(): boolean;
  /** Puts the job in line; `job.run()` is called when a slot is free. */
  enqueue(job: Runnable): void;
}
