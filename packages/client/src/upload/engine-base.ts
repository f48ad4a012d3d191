/**
 * What every step of the upload engine shares: the source, the options, progress, retries with
 * backoff, request bodies hashed while they are sent, resume tokens and the SHA-1 check.
 */
import type { MwApi, RequestFile } from '../api.js';
import { type MwClientError, UploadError } from '../errors.js';
import { HashTap, type Sha1Tracker } from '../hash.js';
import type { UploadSource } from '../source.js';
import type { ResumeToken, UploadOptions } from '../types.js';
import { backoffDelay, sleep } from '../util.js';
import { ChunkSizer, DEFAULT_MAX_CHUNK_SIZE, STREAM_MAX_CHUNK_SIZE } from './chunk-size.js';
import type { UploadOps } from './ops.js';
import { ProgressTracker } from './progress.js';

/** A request body for bytes [start, end) of the source, hashed into a tracker as it is read. */
export interface HashedBody {
  file: RequestFile;
  /** Settles when the bytes sent are hashed (at once, unless a Blob is hashed alongside the request). */
  hashed: Promise<void>;
  tap: HashTap;
  /** The bytes, when they were read into memory. */
  hint?: { start: number; bytes: Uint8Array };
}

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

  /**
   * The chunk sizes of this upload: from the configured size, growing while the server is fast up to
   * `maxChunkSize` (default 64 MiB, 16 MiB for a stream, which is held in memory a chunk at a time;
   * with an explicit `chunkSize` and no `maxChunkSize`, fixed).
   */
  protected chunkSizer(): ChunkSizer {
    const explicit =
      this.opts.chunkSize !== undefined ||
      (this.api.options as { chunkSize?: number }).chunkSize !== undefined;
    const byDefault = this.src.seekable ? DEFAULT_MAX_CHUNK_SIZE : STREAM_MAX_CHUNK_SIZE;
    const cap = this.opts.maxChunkSize ?? (explicit ? this.chunkSize : byDefault);
    if (!Number.isSafeInteger(cap) || cap <= 0) throw new RangeError(`Invalid maxChunkSize ${cap}`);
    return new ChunkSizer(this.chunkSize, cap);
  }

  /**
   * The body of a request carrying bytes [start, end): read from a file while it is sent (the Node
   * transport) and hashed as it is read; a Blob slice sent as it is and hashed alongside; other
   * sources read into memory and hashed at once. Each byte is read once (a Blob twice, concurrently).
   */
  protected async hashedBody(
    start: number,
    end: number,
    tracker: Sha1Tracker,
    filename: string,
  ): Promise<HashedBody> {
    await tracker.ready();
    const tap = new HashTap(tracker);
    const src = this.src;
    if (src.readInto) {
      return {
        file: { range: { source: tap.source(src), start, end }, filename },
        hashed: Promise.resolve(),
        tap,
      };
    }
    if (src.blob) {
      const blob = src.blob(start, end);
      const hashed =
        typeof blob.stream === 'function'
          ? tap.consume(blob.stream() as ReadableStream<Uint8Array>, start, this.signal)
          : Promise.resolve();
      hashed.catch(() => {});
      return { file: { data: blob, filename }, hashed, tap };
    }
    const bytes = await src.read(start, end, this.signal);
    if (bytes.byteLength !== end - start) {
      throw new UploadError({
        code: 'source-changed',
        info: `Read ${bytes.byteLength} bytes at offset ${start} instead of ${end - start}; the file changed.`,
      });
    }
    tap.feed(start, bytes);
    return { file: { data: bytes, filename }, hashed: Promise.resolve(), tap, hint: { start, bytes } };
  }

  /** Lets the hashing of a body finish (when it was sent whole) and cuts it off from the tracker. */
  protected async settleBody(body: HashedBody, sent: boolean): Promise<void> {
    if (sent) await body.hashed.catch(() => {});
    body.tap.stop();
  }

  /** Sends `body` as the file part `field` of an upload request (no retries here), then settles it. */
  protected sendHashed(params: Record<string, unknown>, field: string, body: HashedBody) {
    return this.api
      .write(params as Parameters<MwApi['write']>[0], {
        files: { [field]: body.file },
        signal: this.signal,
        retry: 'none',
      })
      .then(
        async (answer) => {
          await this.settleBody(body, true);
          return answer;
        },
        async (e: unknown) => {
          await this.settleBody(body, false);
          throw e;
        },
      );
  }

  /**
   * Follows the server to offset `n` of a `size`-byte upload: the hash is brought there (re-reading
   * only bytes not hashed yet; bytes hashed ahead of the server, a body it did not keep, are dropped
   * back to it) and progress reported. An offset outside the file is refused.
   */
  protected async hashUpTo(
    n: number,
    size: number,
    tracker: Sha1Tracker,
    hint: { start: number; bytes: Uint8Array } | undefined,
  ): Promise<void> {
    if (!Number.isSafeInteger(n) || n < 0 || n > size) {
      throw new UploadError({
        code: 'bad-offset',
        info: `The server reported offset ${n} for a ${size}-byte file.`,
      });
    }
    await tracker.advanceTo(n, this.src, hint, this.signal);
    tracker.mark();
    this.progress.update('uploading', n);
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
