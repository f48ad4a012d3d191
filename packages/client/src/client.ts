/**
 * MwClient: a MediaWiki session plus uploads. Isomorphic; the Node entry (node.ts) extends it with
 * file paths and Node streams.
 */
import { MwApi, type MwApiOptions } from './api.js';
import { checkUpload, precheckUpload } from './checks.js';
import { ApiError, MwClientError, UploadError } from './errors.js';
import { toUploadSource, type UploadSource, type UploadSourceInput } from './source.js';
import type {
  ImageInfo,
  Params,
  PublishOptions,
  UploadCheck,
  UploadOptions,
  UploadProtocol,
  UploadResult,
  UploadStatus,
  UploadWarnings,
} from './types.js';
import { DEFAULT_CHUNK_SIZE, ProgressTracker, UploadEngine, UploadOps } from './upload/index.js';
import { backoffDelay, sleep, throwIfAborted } from './util.js';
import { warningsIgnorable } from './warnings.js';

export interface MwClientOptions extends MwApiOptions {
  /** Default chunk size in bytes (5 MiB). */
  chunkSize?: number;
  /** Default size up to which files go in one request (default: the chunk size). */
  chunkThreshold?: number;
  /** Default `protocol` of uploads (`chunked`; `tus` for the wiki's tus endpoint). */
  protocol?: UploadProtocol;
}

export interface UrlUploadOptions extends PublishOptions {
  filename: string;
  stash?: boolean;
}

export interface PublishStashOptions extends PublishOptions {
  filename: string;
  /** Hex SHA-1 of the stashed file, when known (used to recognise a publish whose answer was lost). */
  sha1?: string;
}

/** Strips a `File:` prefix: the upload API wants the bare name. */
export function bareFilename(name: string): string {
  return name.replace(/^\s*(file|image)\s*:\s*/i, '').trim();
}

export class MwClient extends MwApi {
  readonly #ops: UploadOps;

  constructor(options: MwClientOptions) {
    super(options);
    this.#ops = new UploadOps(this);
  }

  get clientOptions(): Readonly<MwClientOptions> {
    return this.options as MwClientOptions;
  }

  /** Turns an input into a source. The Node client adds file paths. */
  protected async openSource(
    input: UploadSourceInput,
    opts: { name?: string; size?: number },
  ): Promise<UploadSource> {
    if (typeof input === 'string') {
      throw new TypeError('File paths need the Node entry of the client (import from "mwup").');
    }
    return toUploadSource(input, opts);
  }

  #chunkSize(opts: UploadOptions, minChunk: number | undefined): number {
    let c = opts.chunkSize ?? this.clientOptions.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(c) || c <= 0) throw new RangeError(`Invalid chunk size ${c}`);
    if (minChunk && c < minChunk) c = minChunk;
    return c;
  }

  /**
   * Uploads a file: in one request up to the threshold, in chunks above it. Warnings come back as a
   * `Warning` result with the stashed `filekey` (see `publishStash`), unless `ignoreWarnings` covers them.
   * With `precheck`, a file the wiki already has under this name comes back `Unchanged` and one it has
   * under another name as a `duplicate` `Warning`, before any byte is sent.
   */
  async upload(source: UploadSourceInput | string, options: UploadOptions = {}): Promise<UploadResult> {
    const src = await this.openSource(source as UploadSourceInput, {
      ...(options.filename !== undefined ? { name: options.filename } : {}),
      ...(options.size !== undefined ? { size: options.size } : {}),
    });
    try {
      const raw = options.filename ?? options.resume?.filename ?? src.name;
      if (!raw) {
        throw new UploadError({ code: 'nofilename', info: 'No target file name: pass options.filename.' });
      }
      const filename = bareFilename(raw);
      throwIfAborted(options.signal);
      await this.ensureLogin(options.signal);
      const site = await this.siteInfo(options.signal).catch((e) => {
        if (e instanceof MwClientError && !e.retryable) return undefined;
        throw e;
      });
      const chunkSize = this.#chunkSize(options, site?.minuploadchunksize);
      const threshold = options.chunkThreshold ?? this.clientOptions.chunkThreshold ?? chunkSize;
      if (src.size === undefined && !options.resume) {
        const probe = await src.read(0, threshold + 1, options.signal);
        if (probe.byteLength > threshold) {
          throw new UploadError({
            code: 'source-size-unknown',
            info: 'A stream longer than the chunk threshold needs its total size (options.size).',
          });
        }
      }
      const size = src.size ?? 0;
      if (site?.maxuploadsize && size > site.maxuploadsize) {
        throw new UploadError({
          code: 'file-too-large',
          info: `The file is ${size} bytes; the wiki accepts at most ${site.maxuploadsize}.`,
          data: { size, max: site.maxuploadsize },
        });
      }
      if (options.precheck && !options.resume && !options.stash) {
        const known = await precheckUpload(this, src, filename, options);
        if (known) return known;
      }
      const engine = new UploadEngine({ ops: this.#ops, source: src, filename, opts: options, chunkSize });
      if (options.resume) return await engine.resume(options.resume);
      if ((options.protocol ?? this.clientOptions.protocol) === 'tus') return await engine.tus();
      if (size <= threshold) return await engine.direct();
      return await engine.chunked();
    } finally {
      await src.close();
    }
  }

  /** Publishes a stashed file, e.g. after a `Warning` result (pass `ignoreWarnings` to confirm). */
  async publishStash(filekey: string, options: PublishStashOptions): Promise<UploadResult> {
    await this.ensureLogin(options.signal);
    let sha1 = options.sha1;
    let size: number | undefined;
    if (!sha1) {
      const info = await this.#ops.stashImageInfo(filekey, options.signal).catch(() => undefined);
      sha1 = info?.sha1;
      size = info?.size;
    }
    const placeholder = new SizedEmptySource(size);
    const engine = new UploadEngine({
      ops: this.#ops,
      source: placeholder,
      filename: bareFilename(options.filename),
      opts: options,
      chunkSize: DEFAULT_CHUNK_SIZE,
    });
    return engine.publish(filekey, sha1);
  }

  /** Has the server fetch a URL (`upload_by_url` right, copy uploads enabled). */
  async uploadFromUrl(url: string, options: UrlUploadOptions): Promise<UploadResult> {
    await this.ensureLogin(options.signal);
    const filename = bareFilename(options.filename);
    const progress = new ProgressTracker(filename, undefined, options.onProgress);
    progress.update('uploading', 0);
    const base: Params = {
      action: 'upload',
      filename,
      url,
      comment: options.comment,
      text: options.text,
      tags:
        options.tags === undefined
          ? undefined
          : typeof options.tags === 'string'
            ? options.tags
            : [...options.tags],
      watchlist: options.watchlist,
      watchlistexpiry: options.watchlistexpiry,
      ignorewarnings: options.ignoreWarnings === true,
      stash: options.stash === true,
    };
    const params: Params = { ...base, async: options.async === true };
    const before = options.async
      ? await this.#ops.imageInfo(filename, options.signal).catch(() => undefined)
      : undefined;
    const maxRetries = this.options.maxRetries ?? 8;
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.write(params, { signal: options.signal, retry: 'none' });
        const up = r.upload ?? {};
        let result: UploadResult;
        if (up.result === 'Poll') {
          progress.update('publishing');
          result = await this.#pollUrl(base, filename, before, options.signal);
        } else if (up.result === 'Success' && typeof up.filename === 'string') {
          result = {
            result: 'Success',
            filename: up.filename,
            imageinfo: up.imageinfo,
            ...(up.warnings ? { warnings: up.warnings } : {}),
          };
        } else if (up.result === 'Success') {
          result = {
            result: 'Stashed',
            filekey: String(up.filekey ?? up.sessionkey),
            filename,
            imageinfo: up.imageinfo,
            ...(up.warnings ? { warnings: up.warnings } : {}),
          };
        } else if (up.result === 'Warning') {
          const w = (up.warnings ?? {}) as UploadWarnings;
          const filekey = (up.filekey ?? up.sessionkey) as string | undefined;
          if (ambiguous && w.nochange !== undefined) {
            const info = await this.#ops.imageInfo(filename, options.signal);
            return {
              result: 'Success',
              filename,
              ...(info ? { imageinfo: info } : {}),
              alreadyUploaded: true,
            };
          }
          if (filekey && warningsIgnorable(w, options.ignoreWarnings)) {
            return this.publishStash(filekey, { ...options, filename, ignoreWarnings: true });
          }
          result = { result: 'Warning', filename, warnings: w, ...(filekey ? { filekey } : {}) };
        } else {
          throw new UploadError({
            code: 'badresponse',
            info: `Unexpected upload answer: ${JSON.stringify(up)}`,
          });
        }
        progress.update('done', result.result === 'Success' ? result.imageinfo?.size : undefined);
        return result;
      } catch (e) {
        if (!(e instanceof MwClientError)) throw e;
        if (e.code === 'fileexists-no-change' && ambiguous) {
          const info = await this.#ops.imageInfo(filename, options.signal);
          return { result: 'Success', filename, ...(info ? { imageinfo: info } : {}), alreadyUploaded: true };
        }
        if (!e.retryable || attempt > maxRetries) throw e;
        ambiguous ||= e.ambiguous;
        const delayMs = backoffDelay(attempt, this.options.backoff, e.retryAfter);
        this.options.onRetry?.({ error: e, attempt, delayMs, action: 'upload' });
        await sleep(delayMs, options.signal);
      }
    }
  }

  /**
   * Waits for an async URL upload. Servers that track it answer `checkstatus` with the same parameters
   * (newer MediaWiki); otherwise the file's imageinfo is watched until a new version appears.
   */
  async #pollUrl(
    base: Params,
    filename: string,
    before: ImageInfo | undefined,
    signal: AbortSignal | undefined,
  ): Promise<UploadResult> {
    let interval = this.options.pollIntervalMs ?? 1000;
    const max = this.options.pollMaxIntervalMs ?? 30_000;
    let viaStatus = true;
    for (;;) {
      throwIfAborted(signal);
      if (viaStatus) {
        try {
          const r = await this.write({ ...base, checkstatus: true }, { signal, retry: 'all' });
          const up = r.upload ?? {};
          if (up.result === 'Success') {
            if (typeof up.filename === 'string' && !up.filekey) {
              return { result: 'Success', filename: up.filename, imageinfo: up.imageinfo };
            }
            return { result: 'Stashed', filekey: String(up.filekey), filename, imageinfo: up.imageinfo };
          }
          if (up.result === 'Warning') {
            return { result: 'Warning', filename, warnings: up.warnings ?? {}, filekey: up.filekey };
          }
        } catch (e) {
          if (!(e instanceof ApiError) || e.retryable) throw e;
          if (
            !['missingparam', 'missingresult', 'invalidparammix', 'badvalue', 'nofilename'].includes(e.code)
          )
            throw e;
          viaStatus = false;
        }
      } else {
        const info = await this.#ops.imageInfo(filename, signal).catch(() => undefined);
        if (info && (!before || info.timestamp !== before.timestamp || info.sha1 !== before.sha1)) {
          return { result: 'Success', filename, imageinfo: info };
        }
      }
      await sleep(interval, signal);
      interval = Math.min(max, interval * 1.5);
    }
  }

  /** `checkstatus` for a file key (chunk session, async assembly or async publish). */
  checkStatus(filekey: string, signal?: AbortSignal): Promise<UploadStatus> {
    return this.#ops.checkStatus(filekey, signal);
  }

  /** The current version of `File:<filename>`, or undefined when there is none. */
  imageInfo(filename: string, signal?: AbortSignal): Promise<ImageInfo | undefined> {
    return this.#ops.imageInfo(bareFilename(filename), signal);
  }

  /** Information about a stashed file, or undefined when the key is unknown. */
  stashImageInfo(filekey: string, signal?: AbortSignal): Promise<ImageInfo | undefined> {
    return this.#ops.stashImageInfo(filekey, signal);
  }

  /**
   * Dry run: reads the file locally (SHA-1) and asks the wiki about rights, the name and existing
   * files, without sending the file. Predicts warnings such as `exists`, `nochange`, `duplicate`.
   */
  async checkUpload(
    source: UploadSourceInput | string,
    options: { filename?: string; signal?: AbortSignal; onBytes?: (n: number) => void } = {},
  ): Promise<UploadCheck> {
    const src = await this.openSource(
      source as UploadSourceInput,
      options.filename ? { name: options.filename } : {},
    );
    try {
      const raw = options.filename ?? src.name;
      if (!raw)
        throw new UploadError({ code: 'nofilename', info: 'No target file name: pass options.filename.' });
      return await checkUpload(this, src, bareFilename(raw), options.signal, options.onBytes);
    } finally {
      await src.close();
    }
  }
}

/** A stand-in source for publishing a stash key: no bytes, only the size for progress. */
class SizedEmptySource implements UploadSource {
  readonly seekable = true;
  readonly name = undefined;
  readonly type = undefined;
  constructor(readonly size: number | undefined) {}
  async read(): Promise<Uint8Array> {
    return new Uint8Array(0);
  }
  async close(): Promise<void> {}
}
