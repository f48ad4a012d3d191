/**
 * One file's upload, driven through the client library: a direct upload for files up to the chunk
 * size, otherwise chunks into the stash and a publish by file key with the name and description the
 * row holds then. Continues from resume tokens (kept in memory and in localStorage), stops on the
 * wiki's warnings with the file stashed (publish it anyway, or under another name), and can be
 * cancelled and retried. No DOM: runs in Node for the tests, with a stand-in client.
 */
import {
  type IgnoreWarnings,
  isAbortError,
  isStashNotFound,
  MwClientError,
  type ResumeToken,
  type UploadOptions,
  type UploadProgress,
  type UploadResult,
  type UploadWarnings,
} from 'mwup/browser';
import type { JobClient, JobContext } from './context.js';
import { checkFile, type Refusal } from './limits.js';
import { describeError, type ErrorFacts, initialPageText, type JobState } from './messages.js';
import type { FileIdentity } from './resume-store.js';

export type { JobClient, JobContext, JobState };

/** Codes after which the stored state is useless and the file is sent again from the start. */
const START_OVER = new Set([
  'resume-file-changed',
  'resume-wrong-wiki',
  'resume-badtoken',
  'upload-session-lost',
  'source-not-seekable',
]);

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

const BUSY: ReadonlySet<JobState> = new Set(['checking', 'uploading', 'assembling', 'publishing']);

export class UploadJob {
  destName: string;
  description: string;
  state: JobState = 'queued';
  /** Bytes the server has confirmed. */
  bytesSent = 0;
  refusal: Refusal | undefined;
  warnings: UploadWarnings | undefined;
  error: ErrorFacts | undefined;
  /** The published file's name. */
  published: string | undefined;
  alreadyUploaded = false;
  /** Where a continued upload picked up (bytes). */
  resumedAt: number | undefined;
  /** A passing remark: a request being retried, an upload started over. */
  note: string | undefined;
  /** Called after every change. */
  onChange: () => void = () => {};

  #token: ResumeToken | undefined;
  #stashed: { filekey: string; sha1?: string | undefined } | undefined;
  #controller: AbortController | undefined;
  #ignoreOnce = false;
  #client: JobClient | undefined;

  constructor(
    readonly file: File,
    private readonly ctx: JobContext,
    init: { destName: string; description: string },
  ) {
    this.destName = init.destName;
    this.description = init.description;
  }

  get identity(): FileIdentity {
    return { name: this.file.name, size: this.file.size, lastModified: this.file.lastModified };
  }

  /** Whether the file goes up in chunks (then its name and description count when it is published). */
  get chunked(): boolean {
    return this.file.size > this.ctx.limits.chunkSize;
  }

  get busy(): boolean {
    return BUSY.has(this.state);
  }

  /** Checks the file and the name, then queues the upload (or its publication). */
  start(): void {
    if (this.busy) return;
    this.refusal = checkFile(this.file.size, this.destName, this.ctx.limits) ?? undefined;
    this.error = undefined;
    this.note = undefined;
    if (this.refusal) {
      this.#set('refused');
      return;
    }
    this.#set('queued');
    this.ctx.enqueue(this);
  }

  /** After an error, a cancellation, a refusal or warnings (then with the name the row holds now). */
  retry(): void {
    if (['error', 'cancelled', 'refused', 'warning'].includes(this.state)) this.start();
  }

  /** Publishes despite the warnings (`ignorewarnings`). */
  uploadAnyway(): void {
    if (this.state !== 'warning') return;
    this.#ignoreOnce = true;
    this.start();
  }

  /** Stops the upload; Retry continues it. The stored state is dropped: a reload starts afresh. */
  cancel(): void {
    this.ctx.store.remove(this.identity);
    if (this.busy) {
      this.#controller?.abort();
      return;
    }
    if (this.state === 'queued' || this.state === 'warning') {
      this.note = undefined;
      this.#set('cancelled');
    }
  }

  /** Forgets the saved state (the row is removed). */
  discard(): void {
    this.cancel();
  }

  /** Runs the queued upload to its end: published, warnings, an error or cancelled. */
  async run(): Promise<void> {
    if (this.state !== 'queued') return;
    const controller = new AbortController();
    this.#controller = controller;
    const { signal } = controller;
    const ignore = this.#ignoreOnce ? true : this.ctx.ignoreWarnings();
    this.#ignoreOnce = false;
    this.warnings = undefined;
    try {
      let result: UploadResult;
      try {
        result = await this.#attempt(ignore, signal);
      } catch (e) {
        if (signal.aborted || !this.#startOver(e)) throw e;
        this.#forget();
        this.resumedAt = undefined;
        this.bytesSent = 0;
        this.note = `The interrupted upload could not be continued (${describeError(e).info}); it starts again from the beginning.`;
        result = await this.#attempt(ignore, signal);
      }
      this.#finish(result);
    } catch (e) {
      if (signal.aborted || isAbortError(e, signal)) {
        this.note = undefined;
        this.#set('cancelled');
      } else if (e instanceof Refused) {
        this.refusal = e.refusal;
        this.#set('refused');
      } else {
        this.error = describeError(e);
        if (e instanceof MwClientError && e.code === 'sha1-mismatch') this.#forget();
        this.note = undefined;
        this.#set('error');
      }
    } finally {
      this.#controller = undefined;
    }
  }

  #startOver(e: unknown): boolean {
    return e instanceof MwClientError && (START_OVER.has(e.code) || isStashNotFound(e));
  }

  async #attempt(ignore: IgnoreWarnings, signal: AbortSignal): Promise<UploadResult> {
    const result = this.#stashed ? undefined : await this.#send(ignore, signal);
    if (result && result.result !== 'Stashed') return result;
    if (result) this.#stashed = { filekey: result.filekey, sha1: result.sha1 };
    return this.#publish(ignore, signal);
  }

  #getClient(): JobClient {
    this.#client ??= this.ctx.client((r) => {
      this.note = `${r.error.info} — trying again in ${Math.max(1, Math.round(r.delayMs / 1000))} s.`;
      this.onChange();
    });
    return this.#client;
  }

  /** Sends the bytes: continuing a saved upload, in chunks into the stash, or in one request. */
  async #send(ignore: IgnoreWarnings, signal: AbortSignal): Promise<UploadResult> {
    const client = this.#getClient();
    const token = this.#token ?? this.ctx.store.load(this.identity)?.token;
    const chunkSize = this.ctx.limits.chunkSize;
    const base: UploadOptions = {
      filename: this.destName.trim(),
      signal,
      chunkSize,
      chunkThreshold: chunkSize,
      onProgress: (p) => this.#progress(p),
      onResumeToken: (t) => this.#keep(t),
    };
    if (token) {
      this.resumedAt = token.offset;
      this.#set('checking');
      return client.upload(this.file, { ...base, resume: token, stash: true });
    }
    this.#set('uploading');
    if (this.chunked) {
      const protocol = this.ctx.protocol ?? 'chunked';
      return client.upload(this.file, { ...base, stash: true, protocol });
    }
    return client.upload(this.file, { ...base, ...this.#pageOptions(ignore) });
  }

  /** Publishes the stashed file under the name and with the description the row holds now. */
  async #publish(ignore: IgnoreWarnings, signal: AbortSignal): Promise<UploadResult> {
    const stashed = this.#stashed as { filekey: string; sha1?: string };
    const refusal = checkFile(this.file.size, this.destName, this.ctx.limits);
    if (refusal) throw new Refused(refusal);
    this.#set('publishing');
    return this.#getClient().publishStash(stashed.filekey, {
      filename: this.destName.trim(),
      ...this.#pageOptions(ignore),
      signal,
      onProgress: (p) => this.#progress(p),
      ...(stashed.sha1 ? { sha1: stashed.sha1 } : {}),
    });
  }

  #pageOptions(
    ignore: IgnoreWarnings,
  ): Pick<UploadOptions, 'comment' | 'text' | 'watchlist' | 'ignoreWarnings'> {
    return {
      comment: this.description,
      ...(this.ctx.reupload ? {} : { text: initialPageText(this.description) }),
      watchlist: this.ctx.watch() ? 'watch' : 'nochange',
      ignoreWarnings: ignore,
    };
  }

  #finish(r: UploadResult): void {
    this.note = undefined;
    if (r.result === 'Success') {
      this.published = r.filename;
      this.alreadyUploaded = r.alreadyUploaded === true;
      this.bytesSent = this.file.size;
      this.#forget();
      this.#set('done');
      return;
    }
    if (r.result === 'Warning') {
      this.warnings = r.warnings;
      this.bytesSent = this.file.size;
      this.#stashed = r.filekey ? { filekey: r.filekey, sha1: r.sha1 } : undefined;
      if (r.filekey && r.sha1) {
        // Kept so that the decision can still be taken after a reload (the file is in the stash).
        this.#keep({
          v: 1,
          api: this.ctx.api,
          filename: this.destName.trim(),
          stage: 'stashed',
          filekey: r.filekey,
          offset: this.file.size,
          filesize: this.file.size,
          sha1: r.sha1,
          chunkSize: this.ctx.limits.chunkSize,
          updatedAt: new Date().toISOString(),
        });
      }
      this.#set('warning');
      return;
    }
    this.error = {
      code: 'badresponse',
      info: 'The server kept the file in the stash but did not publish it.',
    };
    this.#set('error');
  }

  #progress(p: UploadProgress): void {
    if (p.phase === 'preparing') this.#set('checking');
    else if (p.phase === 'uploading' && this.state !== 'publishing') {
      if (p.bytesSent !== this.bytesSent) this.note = undefined;
      this.bytesSent = Math.max(this.bytesSent, Math.min(p.bytesSent, this.file.size));
      this.#set('uploading');
    } else if (p.phase === 'assembling') {
      this.bytesSent = this.file.size;
      this.#set('assembling');
    } else if (p.phase === 'publishing') this.#set('publishing');
  }

  #keep(t: ResumeToken): void {
    this.#token = t;
    this.ctx.store.save(this.identity, { token: t, destName: this.destName, description: this.description });
  }

  #forget(): void {
    this.#token = undefined;
    this.#stashed = undefined;
    this.ctx.store.remove(this.identity);
  }

  #set(state: JobState): void {
    this.state = state;
    this.onChange();
  }
}
