/**
 * The upload engine: direct, chunked (stash), async with checkstatus polling, publish from stash,
 * recovery after lost answers, and resume from a token. Isomorphic.
 *
 * Invariants:
 * - Chunks go strictly in order. After any ambiguous failure the engine asks the server where the upload
 *   stands (checkstatus, or the `offset` of a `stashfailed`) and continues from there; it never starts over.
 * - The SHA-1 of the bytes the server confirmed is kept incrementally; the assembled file's SHA-1 must match
 *   the local one before anything is published.
 * - Progress only moves forward.
 */
import type { MwApi, RequestFile } from './api.js';
import {
  ApiError,
  isStashNotFound,
  type MwClientError,
  MwClientError as MwClientErrorClass,
  UploadError,
} from './errors.js';
import { Sha1Tracker, sha1Hex } from './hash.js';
import type { UploadSource } from './source.js';
import type {
  ApiResponse,
  ImageInfo,
  Params,
  PublishOptions,
  ResumeToken,
  UploadOptions,
  UploadPhase,
  UploadResult,
  UploadStatus,
  UploadWarnings,
} from './types.js';
import { backoffDelay, sleep, throwIfAborted } from './util.js';
import { warningsIgnorable } from './warnings.js';

export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

const PHASES: UploadPhase[] = ['preparing', 'uploading', 'assembling', 'publishing', 'done'];

/** Emits progress events that never move backwards (neither bytes nor phase). */
export class ProgressTracker {
  #phase = -1;
  #bytes = 0;
  constructor(
    private readonly filename: string,
    private readonly total: number | undefined,
    private readonly cb: ((p: import('./types.js').UploadProgress) => void) | undefined,
  ) {}

  update(phase: UploadPhase, bytes?: number): void {
    const pi = Math.max(this.#phase, PHASES.indexOf(phase));
    const b = Math.max(this.#bytes, bytes ?? 0);
    if (pi === this.#phase && b === this.#bytes) return;
    this.#phase = pi;
    this.#bytes = b;
    this.cb?.({
      filename: this.filename,
      phase: PHASES[pi] as UploadPhase,
      bytesSent: b,
      totalBytes: this.total,
    });
  }
}

/** Where the server says a file key stands. */
type Where =
  | { kind: 'continue'; offset: number }
  | { kind: 'poll'; stage: string }
  | { kind: 'assembled'; filekey: string; imageinfo?: ImageInfo; warnings?: UploadWarnings }
  | { kind: 'published'; filename: string; imageinfo?: ImageInfo; warnings?: UploadWarnings }
  | { kind: 'gone'; error: MwClientError };

const tagsParam = (t: string | readonly string[] | undefined) =>
  t === undefined ? undefined : typeof t === 'string' ? t : [...t];

function publishParams(filename: string, o: PublishOptions): Params {
  return {
    action: 'upload',
    filename,
    comment: o.comment,
    text: o.text,
    tags: tagsParam(o.tags),
    watchlist: o.watchlist,
    watchlistexpiry: o.watchlistexpiry,
  };
}

/** An ASCII name for the multipart part (the server ignores it; non-ASCII names upset some stacks). */
const partName = (filename: string) =>
  filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file';

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

// ---------------------------------------------------------------------------------------------------

/** Requests about uploads shared by the engine and the client class. */
export class UploadOps {
  constructor(readonly api: MwApi) {}

  /** `action=upload&checkstatus=1` for a file key. Failure states come back as thrown ApiErrors. */
  async checkStatus(
    filekey: string,
    signal?: AbortSignal,
    retry: 'all' | 'none' = 'all',
  ): Promise<UploadStatus> {
    const r = await this.api.write({ action: 'upload', filekey, checkstatus: true }, { signal, retry });
    const up = r.upload ?? {};
    if (up.result === 'Continue')
      return { result: 'Continue', stage: 'uploading', offset: toNumber(up.offset) };
    return up as UploadStatus;
  }

  /** Where a file key stands, as the engine needs it. */
  async whereIs(filekey: string, signal?: AbortSignal, retry: 'all' | 'none' = 'all'): Promise<Where> {
    let st: UploadStatus;
    try {
      st = await this.checkStatus(filekey, signal, retry);
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'missingresult' || isStashNotFound(e)))
        return { kind: 'gone', error: e };
      throw e;
    }
    if (st.result === 'Continue') return { kind: 'continue', offset: st.offset };
    if (st.result === 'Poll') return { kind: 'poll', stage: st.stage };
    if (st.result === 'Success') {
      const s = st as {
        stage?: string;
        filekey?: string;
        filename?: string;
        imageinfo?: ImageInfo;
        warnings?: UploadWarnings;
      };
      if (s.stage === 'publish' || (s.filename && !s.filekey)) {
        return {
          kind: 'published',
          filename: String(s.filename),
          imageinfo: s.imageinfo,
          warnings: s.warnings,
        };
      }
      if (s.filekey)
        return { kind: 'assembled', filekey: s.filekey, imageinfo: s.imageinfo, warnings: s.warnings };
    }
    throw new UploadError({
      code: 'badresponse',
      info: `Unexpected checkstatus answer: ${JSON.stringify(st)}`,
    });
  }

  /**
   * Polls `checkstatus` until the state is no longer `Poll`, with growing intervals and no time limit.
   * Transient failures of the poll itself are retried; only the signal stops it.
   */
  async pollUntilSettled(
    filekey: string,
    signal: AbortSignal | undefined,
    onPoll?: (stage: string) => void,
  ): Promise<Exclude<Where, { kind: 'poll' }>> {
    let interval = this.api.options.pollIntervalMs ?? 1000;
    const max = this.api.options.pollMaxIntervalMs ?? 30_000;
    let failures = 0;
    for (;;) {
      throwIfAborted(signal);
      let w: Where;
      try {
        w = await this.whereIs(filekey, signal);
        failures = 0;
      } catch (e) {
        if (e instanceof MwClientErrorClass && e.retryable) {
          failures++;
          await sleep(backoffDelay(failures, this.api.options.backoff, e.retryAfter), signal);
          continue;
        }
        throw e;
      }
      if (w.kind !== 'poll') return w;
      onPoll?.(w.stage);
      await sleep(interval, signal);
      interval = Math.min(max, interval * 1.5);
    }
  }

  /** The current version's imageinfo, or undefined when the file does not exist. */
  async imageInfo(filename: string, signal?: AbortSignal): Promise<ImageInfo | undefined> {
    await this.api.ensureLogin(signal);
    const title = /^file:/i.test(filename) ? filename : `File:${filename}`;
    const r = await this.api.request(
      {
        action: 'query',
        titles: title,
        prop: 'imageinfo',
        iiprop: [
          'timestamp',
          'user',
          'userid',
          'size',
          'dimensions',
          'sha1',
          'mime',
          'url',
          'comment',
          'canonicaltitle',
        ],
      },
      { signal },
    );
    const pages = r.query?.pages;
    const page = Array.isArray(pages) ? pages[0] : pages ? Object.values(pages)[0] : undefined;
    const ii = (page as { imageinfo?: ImageInfo[] } | undefined)?.imageinfo?.[0];
    return ii;
  }

  /** `prop=stashimageinfo` for a stashed file (size, sha1, mime…), or undefined if the server does not know it. */
  async stashImageInfo(filekey: string, signal?: AbortSignal): Promise<ImageInfo | undefined> {
    await this.api.ensureLogin(signal);
    try {
      const r = await this.api.request(
        {
          action: 'query',
          prop: 'stashimageinfo',
          siifilekey: filekey,
          siiprop: ['size', 'sha1', 'mime', 'timestamp'],
        },
        { signal },
      );
      const list = r.query?.stashimageinfo;
      return Array.isArray(list) ? (list[0] as ImageInfo | undefined) : undefined;
    } catch (e) {
      if (isStashNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Looks through the user's stash for a file with this size and SHA-1 (`list=mystashedfiles`), e.g. the
   * result of a synchronous assembly whose answer was lost.
   */
  async findStashed(size: number, sha1: string, signal?: AbortSignal): Promise<string | undefined> {
    const entries: { filekey: string; size?: number }[] = [];
    let cont: Record<string, string> = {};
    for (let page = 0; page < 20; page++) {
      let r: ApiResponse;
      try {
        r = await this.api.request(
          { action: 'query', list: 'mystashedfiles', msfprop: ['size', 'type'], msflimit: 'max', ...cont },
          { signal },
        );
      } catch (e) {
        if (e instanceof ApiError) return undefined;
        throw e;
      }
      entries.push(...((r.query?.mystashedfiles ?? []) as { filekey: string; size?: number }[]));
      if (!r.continue) break;
      cont = r.continue as Record<string, string>;
    }
    // Newest last: look at the most recent candidates first.
    const candidates = entries.filter((e) => toNumber(e.size) === size).map((e) => e.filekey);
    for (const key of candidates.reverse()) {
      const info = await this.stashImageInfo(key, signal).catch(() => undefined);
      if (info?.sha1 && info.sha1.toLowerCase() === sha1) return key;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------

interface EngineInit {
  ops: UploadOps;
  source: UploadSource;
  filename: string;
  opts: UploadOptions;
  chunkSize: number;
}

export class UploadEngine {
  readonly #ops: UploadOps;
  readonly #api: MwApi;
  readonly #src: UploadSource;
  readonly #opts: UploadOptions;
  readonly #chunkSize: number;
  #filename: string;
  readonly #progress: ProgressTracker;
  readonly #maxRetries: number;

  constructor(init: EngineInit) {
    this.#ops = init.ops;
    this.#api = init.ops.api;
    this.#src = init.source;
    this.#opts = init.opts;
    this.#filename = init.filename;
    this.#chunkSize = init.chunkSize;
    this.#progress = new ProgressTracker(init.filename, init.source.size, init.opts.onProgress);
    this.#maxRetries = this.#api.options.maxRetries ?? 8;
  }

  get #signal(): AbortSignal | undefined {
    return this.#opts.signal;
  }

  async #backoff(attempt: number, e: MwClientError): Promise<void> {
    const delayMs = backoffDelay(attempt, this.#api.options.backoff, e.retryAfter);
    this.#api.options.onRetry?.({ error: e, attempt, delayMs, action: 'upload' });
    await sleep(delayMs, this.#signal);
  }

  async #emitToken(t: Omit<ResumeToken, 'v' | 'api' | 'filename' | 'filesize' | 'chunkSize' | 'updatedAt'>) {
    const cb = this.#opts.onResumeToken;
    if (!cb) return;
    await cb({
      v: 1,
      api: this.#api.api,
      filename: this.#filename,
      filesize: this.#src.size ?? 0,
      chunkSize: this.#chunkSize,
      ...(this.#src.path !== undefined ? { path: this.#src.path } : {}),
      ...(this.#src.mtimeMs !== undefined ? { mtimeMs: this.#src.mtimeMs } : {}),
      updatedAt: new Date().toISOString(),
      ...t,
    });
  }

  // ------------------------------------------------------------------ direct

  /** One request with the whole file (small files). */
  async direct(): Promise<UploadResult> {
    const size = this.#src.size ?? 0;
    this.#progress.update('uploading', 0);
    let file: RequestFile;
    let sha1: string;
    if (this.#src.blob || this.#src.readInto) {
      // Read while sending (from disk, or a File slice); hashed separately with a reused buffer.
      const t = new Sha1Tracker();
      await t.advanceTo(size, this.#src, undefined, this.#signal);
      sha1 = await t.hex();
      file = { range: { source: this.#src, start: 0, end: size }, filename: partName(this.#filename) };
    } else {
      const bytes = await this.#src.read(0, size, this.#signal);
      sha1 = await sha1Hex(bytes);
      file = { data: bytes, filename: partName(this.#filename) };
    }
    const params: Params = {
      ...publishParams(this.#filename, this.#opts),
      ignorewarnings: this.#opts.ignoreWarnings === true,
      stash: this.#opts.stash === true,
    };
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.#api.write(params, {
          files: { file },
          signal: this.#signal,
          retry: 'none',
        });
        this.#progress.update('uploading', size);
        return await this.#handleAnswer(r.upload ?? {}, sha1, ambiguous);
      } catch (e) {
        if (!(e instanceof MwClientErrorClass)) throw e;
        if (e.code === 'fileexists-no-change' && ambiguous) {
          const done = await this.#alreadyUploaded(sha1);
          if (done) return done;
        }
        if (!e.retryable || attempt > this.#maxRetries) throw e;
        ambiguous ||= e.ambiguous;
        await this.#backoff(attempt, e);
      }
    }
  }

  /** If the current version of the target already has these bytes, the upload is done. */
  async #alreadyUploaded(sha1: string): Promise<UploadResult | undefined> {
    const info = await this.#ops.imageInfo(this.#filename, this.#signal).catch(() => undefined);
    if (info?.sha1 && info.sha1.toLowerCase() === sha1) {
      this.#progress.update('done', this.#src.size);
      return { result: 'Success', filename: this.#filename, imageinfo: info, sha1, alreadyUploaded: true };
    }
    return undefined;
  }

  /** Interprets an `upload` object answered to a direct upload or a publish. */
  async #handleAnswer(up: ApiResponse, sha1: string | undefined, ambiguous: boolean): Promise<UploadResult> {
    const warnings = up.warnings as UploadWarnings | undefined;
    if (up.result === 'Success') {
      if (typeof up.filename === 'string') {
        const ii = up.imageinfo as ImageInfo | undefined;
        this.#checkSha1(sha1, ii?.sha1, undefined);
        this.#progress.update('done', this.#src.size);
        return {
          result: 'Success',
          filename: up.filename,
          ...(ii ? { imageinfo: ii } : {}),
          ...(warnings ? { warnings } : {}),
          ...(sha1 ? { sha1 } : {}),
        };
      }
      const filekey = String(up.filekey ?? up.sessionkey);
      const ii = up.imageinfo as ImageInfo | undefined;
      this.#checkSha1(sha1, ii?.sha1, filekey);
      this.#progress.update('done', this.#src.size);
      await this.#emitToken({
        stage: 'stashed',
        filekey,
        offset: this.#src.size ?? 0,
        sha1: sha1 ?? '',
      });
      return {
        result: 'Stashed',
        filekey,
        filename: this.#filename,
        ...(ii ? { imageinfo: ii } : {}),
        ...(warnings ? { warnings } : {}),
        ...(sha1 ? { sha1 } : {}),
      };
    }
    if (up.result === 'Warning') {
      const w = (warnings ?? {}) as UploadWarnings;
      const filekey = (up.filekey ?? up.sessionkey) as string | undefined;
      if (ambiguous && w.nochange !== undefined && sha1) {
        const done = await this.#alreadyUploaded(sha1);
        if (done) return done;
      }
      if (filekey && warningsIgnorable(w, this.#opts.ignoreWarnings)) {
        return this.publish(filekey, sha1, true);
      }
      return {
        result: 'Warning',
        filename: this.#filename,
        warnings: w,
        ...(filekey ? { filekey } : {}),
        ...(up.stasherrors ? { stasherrors: up.stasherrors } : {}),
        ...(sha1 ? { sha1 } : {}),
      };
    }
    if (up.result === 'Poll') {
      return this.#finishPublishPoll(String(up.filekey ?? ''), sha1);
    }
    throw new UploadError({ code: 'badresponse', info: `Unexpected upload answer: ${JSON.stringify(up)}` });
  }

  #checkSha1(local: string | undefined, remote: string | undefined, filekey: string | undefined): void {
    if (this.#opts.verifySha1 === false || !local || !remote) return;
    if (local.toLowerCase() !== remote.toLowerCase()) {
      throw new UploadError({
        code: 'sha1-mismatch',
        info: `The server holds different bytes (SHA-1 ${remote}) than were sent (SHA-1 ${local}).`,
        data: { expected: local, actual: remote, ...(filekey ? { filekey } : {}) },
      });
    }
  }

  // ------------------------------------------------------------------ publish

  /** Publishes a stashed file (`filekey`), applying the ignore-warnings policy and async polling. */
  async publish(filekey: string, sha1: string | undefined, forceIgnore = false): Promise<UploadResult> {
    this.#progress.update('publishing', this.#src.size);
    const ignoreAll = forceIgnore || this.#opts.ignoreWarnings === true;
    const params: Params = {
      ...publishParams(this.#filename, this.#opts),
      filekey,
      ignorewarnings: ignoreAll,
      async: this.#opts.async === true,
    };
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.#api.write(params, { signal: this.#signal, retry: 'none' });
        const up = r.upload ?? {};
        if (up.result === 'Poll') {
          await this.#emitToken({
            stage: 'publishing',
            filekey,
            offset: this.#src.size ?? 0,
            sha1: sha1 ?? '',
          });
          return await this.#finishPublishPoll(filekey, sha1);
        }
        return await this.#handleAnswer(up, sha1, ambiguous);
      } catch (e) {
        if (!(e instanceof MwClientErrorClass)) throw e;
        if (e.code === 'publishfailed' && /in progress/i.test(e.info)) {
          return this.#finishPublishPoll(filekey, sha1);
        }
        if ((isStashNotFound(e) || e.code === 'fileexists-no-change') && ambiguous && sha1) {
          // The earlier attempt went through: the key was used up / the bytes are the current version.
          const done = await this.#alreadyUploaded(sha1);
          if (done) return done;
        }
        if (!e.retryable || attempt > this.#maxRetries) throw e;
        ambiguous ||= e.ambiguous;
        await this.#backoff(attempt, e);
        if (this.#opts.async) {
          // An async publish may have been queued before the answer was lost.
          const w = await this.#ops.whereIs(filekey, this.#signal, 'none').catch(() => undefined);
          if (w?.kind === 'poll' || w?.kind === 'published') return this.#finishPublishPoll(filekey, sha1);
        }
      }
    }
  }

  async #finishPublishPoll(filekey: string, sha1: string | undefined): Promise<UploadResult> {
    this.#progress.update('publishing', this.#src.size);
    const w = await this.#ops.pollUntilSettled(filekey, this.#signal);
    if (w.kind === 'published') {
      this.#checkSha1(sha1, w.imageinfo?.sha1, undefined);
      this.#progress.update('done', this.#src.size);
      return {
        result: 'Success',
        filename: w.filename,
        ...(w.imageinfo ? { imageinfo: w.imageinfo } : {}),
        ...(w.warnings ? { warnings: w.warnings } : {}),
        ...(sha1 ? { sha1 } : {}),
      };
    }
    if (w.kind === 'gone' && sha1) {
      const done = await this.#alreadyUploaded(sha1);
      if (done) return done;
    }
    if (w.kind === 'gone') throw w.error;
    throw new UploadError({ code: 'badresponse', info: `Unexpected publish status: ${JSON.stringify(w)}` });
  }

  // ------------------------------------------------------------------ chunked

  /**
   * Chunked upload into the stash, then publish (unless `stash`). `start` continues an earlier session
   * (resume): bytes [0, start.offset) are already hashed into `tracker`.
   */
  async chunked(start?: { filekey: string; offset: number; tracker: Sha1Tracker; where?: Where }) {
    const size = this.#src.size;
    if (size === undefined)
      throw new UploadError({ code: 'source-size-unknown', info: 'The source size is unknown.' });
    const tracker = start?.tracker ?? new Sha1Tracker();
    let filekey: string | undefined = start?.filekey;
    let offset = start?.offset ?? 0;
    // After a resume we cannot know whether the final chunk went out before the interruption.
    let sentFinal = offset >= size || start !== undefined;
    const seen = new Map<number, number>();
    let failures = 0;
    let assembled: { filekey: string; imageinfo?: ImageInfo; warnings?: UploadWarnings } | undefined;
    let published: UploadResult | undefined;
    let hint: { start: number; bytes: Uint8Array } | undefined;

    this.#progress.update('uploading', offset);

    const moveTo = async (n: number) => {
      if (!Number.isSafeInteger(n) || n < 0 || n > size) {
        throw new UploadError({
          code: 'bad-offset',
          info: `The server reported offset ${n} for a ${size}-byte file.`,
        });
      }
      await tracker.advanceTo(n, this.#src, hint, this.#signal);
      offset = n;
      this.#progress.update('uploading', n);
      if (filekey && n < size) {
        await this.#emitToken({ stage: 'uploading', filekey, offset: n, sha1: await tracker.hex() });
      }
    };

    /** Applies what the server said about the session. Returns true when the upload can go on. */
    const apply = async (w: Where): Promise<void> => {
      switch (w.kind) {
        case 'continue':
          if (w.offset !== offset) await moveTo(w.offset);
          return;
        case 'poll': {
          await moveTo(size);
          this.#progress.update('assembling', size);
          await this.#emitToken({
            stage: 'assembling',
            filekey: filekey as string,
            offset: size,
            sha1: await tracker.hex(),
          });
          return apply(await this.#ops.pollUntilSettled(filekey as string, this.#signal));
        }
        case 'assembled':
          await moveTo(size);
          assembled = { filekey: w.filekey, imageinfo: w.imageinfo, warnings: w.warnings };
          return;
        case 'published':
          await moveTo(size);
          published = {
            result: 'Success',
            filename: w.filename,
            ...(w.imageinfo ? { imageinfo: w.imageinfo } : {}),
            sha1: await tracker.hex(),
          };
          return;
        case 'gone': {
          // After a synchronous assembly the chunk key is removed; the assembled file has a new key we
          // may have missed. Look for it in the stash by size and SHA-1.
          if (sentFinal) {
            await moveTo(size);
            const sha1 = await tracker.hex();
            const key = await this.#ops.findStashed(size, sha1, this.#signal);
            if (key) {
              assembled = { filekey: key };
              return;
            }
          }
          throw new UploadError({
            code: 'upload-session-lost',
            info: `The server no longer knows the upload session ${filekey} (${w.error.code}: ${w.error.info}). The stash may have expired; the upload has to be started again.`,
            data: { filekey, cause: w.error.code },
            cause: w.error,
          });
        }
      }
    };

    if (start?.where) await apply(start.where);

    while (!assembled && !published) {
      throwIfAborted(this.#signal);
      if (offset >= size) {
        // Every byte is in but the state is unknown: ask.
        if (!filekey)
          throw new UploadError({ code: 'bad-offset', info: 'No upload session for a complete file.' });
        await apply(await this.#ops.whereIs(filekey, this.#signal));
        if (!assembled && !published && offset >= size) {
          throw new UploadError({
            code: 'badresponse',
            info: 'The server has every byte but reports no assembly.',
          });
        }
        continue;
      }
      const end = Math.min(offset + this.#chunkSize, size);
      let chunk: RequestFile;
      if (this.#src.blob || this.#src.readInto) {
        // Read while sending (from disk, or a File slice); hashed from the source once confirmed.
        chunk = { range: { source: this.#src, start: offset, end }, filename: 'chunk' };
        hint = undefined;
      } else {
        const bytes = await this.#src.read(offset, end, this.#signal);
        if (bytes.byteLength !== end - offset) {
          throw new UploadError({
            code: 'source-changed',
            info: `Read ${bytes.byteLength} bytes at offset ${offset} instead of ${end - offset}; the file changed.`,
          });
        }
        hint = { start: offset, bytes };
        chunk = { data: bytes, filename: 'chunk' };
      }
      const isLast = end === size;
      const params: Params = {
        action: 'upload',
        stash: true,
        filename: this.#filename,
        filesize: size,
        offset,
        filekey: offset > 0 ? filekey : undefined,
        ignorewarnings: true,
        async: this.#opts.async === true,
      };
      try {
        const r = await this.#api.write(params, {
          files: { chunk },
          signal: this.#signal,
          retry: 'none',
        });
        if (isLast) sentFinal = true;
        failures = 0;
        const up = r.upload ?? {};
        if (up.result === 'Continue') {
          filekey = String(up.filekey ?? filekey);
          const n = toNumber(up.offset);
          if (!(n > offset)) {
            throw new UploadError({
              code: 'bad-offset',
              info: `The server answered offset ${up.offset} after ${end}.`,
            });
          }
          await moveTo(n);
        } else if (up.result === 'Success') {
          await moveTo(size);
          assembled = { filekey: String(up.filekey), imageinfo: up.imageinfo, warnings: up.warnings };
        } else if (up.result === 'Poll') {
          filekey = String(up.filekey ?? filekey);
          await apply({ kind: 'poll', stage: String(up.stage ?? 'queued') });
        } else if (up.result === 'Warning') {
          const fk = (up.filekey ?? filekey) as string | undefined;
          return {
            result: 'Warning',
            filename: this.#filename,
            warnings: (up.warnings ?? {}) as UploadWarnings,
            ...(fk ? { filekey: fk } : {}),
          } as UploadResult;
        } else {
          throw new UploadError({
            code: 'badresponse',
            info: `Unexpected chunk answer: ${JSON.stringify(up)}`,
          });
        }
      } catch (e) {
        if (!(e instanceof MwClientErrorClass)) throw e;
        // The server says where it is (a repeated or skipped chunk): continue from there.
        if (e.code === 'stashfailed' && e.data.offset !== undefined && e.data.offset !== null) {
          const n = toNumber(e.data.offset);
          if (!Number.isSafeInteger(n) || n === offset || n < 0 || n > size) throw e;
          const times = (seen.get(n) ?? 0) + 1;
          seen.set(n, times);
          if (times > 3) {
            throw new UploadError({
              code: 'offset-loop',
              info: `The server keeps sending the upload back to offset ${n}; giving up to avoid a loop.`,
              data: { offset: n, filekey },
              cause: e,
            });
          }
          if (isLast && n === size) sentFinal = true;
          await moveTo(n);
          continue;
        }
        const sessionQuestion =
          isStashNotFound(e) ||
          e.code === 'missingresult' ||
          (e.code === 'stashfailed' && /already completed|check status/i.test(e.info));
        if (sessionQuestion && filekey && offset > 0) {
          if (isLast) sentFinal = true;
          await apply(await this.#ops.whereIs(filekey, this.#signal));
          continue;
        }
        if (!e.retryable) throw e;
        failures++;
        if (failures > this.#maxRetries) throw e;
        if (isLast && e.ambiguous) sentFinal = true;
        await this.#backoff(failures, e);
        if (filekey && offset > 0) {
          // Ask before re-sending: the chunk may have been stored although the answer was lost.
          let w: Where | undefined;
          try {
            w = await this.#ops.whereIs(filekey, this.#signal, 'none');
          } catch (qe) {
            if (!(qe instanceof MwClientErrorClass) || !qe.retryable) throw qe;
          }
          if (w) await apply(w);
        }
      }
    }

    if (published) {
      this.#progress.update('done', size);
      return published;
    }
    const done = assembled as { filekey: string; imageinfo?: ImageInfo; warnings?: UploadWarnings };
    await tracker.advanceTo(size, this.#src, hint, this.#signal);
    const sha1 = await tracker.hex();
    let remoteSha1 = done.imageinfo?.sha1;
    if (!remoteSha1 && this.#opts.verifySha1 !== false) {
      remoteSha1 = (await this.#ops.stashImageInfo(done.filekey, this.#signal).catch(() => undefined))?.sha1;
    }
    this.#checkSha1(sha1, remoteSha1, done.filekey);
    await this.#emitToken({ stage: 'stashed', filekey: done.filekey, offset: size, sha1 });
    if (this.#opts.stash) {
      this.#progress.update('done', size);
      return {
        result: 'Stashed' as const,
        filekey: done.filekey,
        filename: this.#filename,
        ...(done.imageinfo ? { imageinfo: done.imageinfo } : {}),
        ...(done.warnings ? { warnings: done.warnings } : {}),
        sha1,
      };
    }
    return this.publish(done.filekey, sha1);
  }

  // ------------------------------------------------------------------ resume

  /** Continues from a resume token after checking the local bytes against it. */
  async resume(token: ResumeToken): Promise<UploadResult> {
    const size = this.#src.size;
    if (token.v !== 1)
      throw new UploadError({ code: 'resume-badtoken', info: 'Unknown resume token version.' });
    if (new URL(token.api).toString() !== this.#api.api) {
      throw new UploadError({
        code: 'resume-wrong-wiki',
        info: `The resume token belongs to ${token.api}, not ${this.#api.api}.`,
      });
    }
    if (size !== token.filesize) {
      throw new UploadError({
        code: 'resume-file-changed',
        info: `The local file has ${size ?? 'an unknown number of'} bytes, but the interrupted upload had ${token.filesize}; refusing to resume.`,
        data: { expectedSize: token.filesize, actualSize: size },
      });
    }
    if (!this.#src.seekable) {
      throw new UploadError({
        code: 'source-not-seekable',
        info: 'Resuming needs a file or Blob, not a stream.',
      });
    }
    this.#progress.update('preparing', 0);
    const tracker = new Sha1Tracker();
    await tracker.advanceTo(token.offset, this.#src, undefined, this.#signal);
    const localSha1 = await tracker.hex();
    if (localSha1 !== token.sha1.toLowerCase()) {
      throw new UploadError({
        code: 'resume-file-changed',
        info: `The first ${token.offset} bytes of the local file differ from those already uploaded (SHA-1 ${localSha1}, expected ${token.sha1}); refusing to resume.`,
        data: { offset: token.offset, expected: token.sha1, actual: localSha1 },
      });
    }
    if (token.stage === 'stashed') {
      if (this.#opts.stash) {
        return {
          result: 'Stashed' as const,
          filekey: token.filekey,
          filename: this.#filename,
          sha1: localSha1,
        };
      }
      try {
        return await this.publish(token.filekey, localSha1);
      } catch (e) {
        if (!isStashNotFound(e)) throw e;
        const code = (e as MwClientError).code;
        throw new UploadError({
          code: 'upload-session-lost',
          info: `The stashed file ${token.filekey} is no longer on the server (${code}); the upload has to be started again.`,
          data: { filekey: token.filekey, cause: code },
          cause: e,
        });
      }
    }
    if (token.stage === 'publishing') {
      return this.#finishPublishPoll(token.filekey, localSha1);
    }
    const where = await this.#ops.whereIs(token.filekey, this.#signal);
    return this.chunked({ filekey: token.filekey, offset: token.offset, tracker, where });
  }
}
