/**
 * What every step of the upload engine shares: the source, the options, progress, retries with
 * backoff, resume tokens and the SHA-1 check.
 */
import type { MwApi } from '../api.js';
import { type MwClientError, UploadError } from '../errors.js';
import type { UploadSource } from '../source.js';
import type { ResumeToken, UploadOptions } from '../types.js';
import { backoffDelay, sleep } from '../util.js';
import type { UploadOps } from './ops.js';
import { ProgressTracker } from './progress.js';

export interface EngineInit {
  ops: UploadOps;
  source: UploadSource;
  filename: string;
  opts: UploadOptions;
  chunkSize: number;
}

export abstract class EngineBase {
  protected readonly ops: UploadOps;
  protected readonly api: MwApi;
  protected readonly src: UploadSource;
  protected readonly opts: UploadOptions;
  protected readonly chunkSize: number;
  protected filename: string;
  protected readonly progress: ProgressTracker;
  protected readonly maxRetries: number;

  constructor(init: EngineInit) {
    this.ops = init.ops;
    this.api = init.ops.api;
    this.src = init.source;
    this.opts = init.opts;
    this.filename = init.filename;
    this.chunkSize = init.chunkSize;
    this.progress = new ProgressTracker(init.filename, init.source.size, init.opts.onProgress);
    this.maxRetries = this.api.options.maxRetries ?? 8;
  }

  protected get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  protected async backoff(attempt: number, e: MwClientError): Promise<void> {
    const delayMs = backoffDelay(attempt, this.api.options.backoff, e.retryAfter);
    this.api.options.onRetry?.({ error: e, attempt, delayMs, action: 'upload' });
    await sleep(delayMs, this.signal);
  }

  protected async emitToken(
    t: Omit<ResumeToken, 'v' | 'api' | 'filename' | 'filesize' | 'chunkSize' | 'updatedAt'>,
  ) {
    const cb = this.opts.onResumeToken;
    if (!cb) return;
    await cb({
      v: 1,
      api: this.api.api,
      filename: this.filename,
      filesize: this.src.size ?? 0,
      chunkSize: this.chunkSize,
      ...(this.src.path !== undefined ? { path: this.src.path } : {}),
      ...(this.src.mtimeMs !== undefined ? { mtimeMs: this.src.mtimeMs } : {}),
      updatedAt: new Date().toISOString(),
      ...t,
    });
  }

  protected checkSha1(
    local: string | undefined,
    remote: string | undefined,
    filekey: string | undefined,
  ): void {
    if (this.opts.verifySha1 === false || !local || !remote) return;
    if (local.toLowerCase() !== remote.toLowerCase()) {
      throw new UploadError({
        code: 'sha1-mismatch',
        info: `The server holds different bytes (SHA-1 ${remote}) than were sent (SHA-1 ${local}).`,
        data: { expected: local, actual: remote, ...(filekey ? { filekey } : {}) },
      });
    }
  }
}
