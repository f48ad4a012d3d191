/**
 * Uploads over tus 1.0, to the `tus/` endpoint beside `api.php` (as mwup serves it): the upload is
 * created with its length and name, its bytes go in PATCH requests from the offset the server
 * confirmed, and the answer to the last one names the stashed file (`Upload-Filekey`), which is
 * published with `action=upload&filekey=…` exactly as a chunked upload's is — same checks, same
 * warnings. After any failure the server is asked (`HEAD`) where the upload stands and the next PATCH
 * continues there; nothing is ever sent twice on purpose. Isomorphic (fetch only): a Blob goes as its
 * slices, a file read through `readInto` (Node) is streamed, other sources are read chunk by chunk.
 */

import type { RequestFile } from '../api-types.js';
import { CLIENT_VERSION } from '../api-types.js';
import { ApiError, HttpError, MwClientError, UploadError } from '../errors.js';
import { Sha1Tracker } from '../hash.js';
import { classifyFetchFailure, isBrowser } from '../request-body.js';
import type { UploadResult } from '../types.js';
import { abortReason, parseRetryAfter, throwIfAborted, timeoutSignal } from '../util.js';
import { ChunkedEngine } from './chunked.js';

const TUS_RESUMABLE = '1.0.0';
/** Bytes read from a file at a time while a PATCH body is streamed. */
const PIECE = 1024 * 1024;

/** The tus endpoint of a wiki: `…/w/api.php` → `…/w/tus/`. */
export function tusEndpoint(api: string): string {
  const u = new URL(api);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/[^/]*$/, 'tus/');
  return u.toString();
}

/** `Upload-Metadata` values are base64 of UTF-8. */
function base64(text: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

interface TusAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Where the server says the upload stands. */
interface TusState {
  offset: number;
  filekey: string | null;
}

/** A byte range of a file as a stream, read piece by piece while it is sent. */
function rangeStream(
  range: NonNullable<RequestFile['range']>,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const { source, start, end } = range;
  const readInto = source.readInto?.bind(source) as NonNullable<typeof source.readInto>;
  let pos = start;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pos >= end) {
        controller.close();
        return;
      }
      const buf = new Uint8Array(Math.min(PIECE, end - pos));
      const n = await readInto(pos, buf, signal);
      if (n === 0) {
        throw new UploadError({
          code: 'source-changed',
          info: `The source ended at byte ${pos}, expected ${end}; the file changed.`,
        });
      }
      pos += n;
      controller.enqueue(buf.subarray(0, n));
    },
  });
}

/** A PATCH body for a request file of `hashedBody`. */
async function patchBody(
  file: RequestFile,
  signal: AbortSignal | undefined,
): Promise<Blob | Uint8Array | ReadableStream<Uint8Array>> {
  if (file.data) return file.data;
  const range = file.range as NonNullable<RequestFile['range']>;
  if (range.source.readInto) return rangeStream(range, signal);
  return range.source.read(range.start, range.end, signal);
}

export abstract class TusEngine extends ChunkedEngine {
  /** One request to the tus endpoint, with the session's credentials; transport failures classified. */
  protected async tusRequest(
    method: 'POST' | 'PATCH' | 'HEAD',
    url: string,
    opts: { headers?: Record<string, string>; body?: Blob | Uint8Array | ReadableStream<Uint8Array> } = {},
  ): Promise<TusAnswer> {
    const o = this.api.options;
    const headers = new Headers(o.headers);
    headers.set('Tus-Resumable', TUS_RESUMABLE);
    if (!isBrowser()) headers.set('User-Agent', o.userAgent ?? `mwup/${CLIENT_VERSION}`);
    if (o.oauthToken) headers.set('Authorization', `Bearer ${o.oauthToken}`);
    const target = new URL(url);
    const cookie = this.api.cookieJar?.header(target);
    if (cookie) headers.set('Cookie', cookie);
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    const timeoutMs = method === 'PATCH' ? (o.uploadTimeoutMs ?? 600_000) : (o.requestTimeoutMs ?? 60_000);
    const t = timeoutSignal(this.signal, timeoutMs);
    const body =
      opts.body instanceof Uint8Array ? new Blob([opts.body as Uint8Array<ArrayBuffer>]) : opts.body;
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers,
      body,
      signal: t.signal,
      credentials: o.oauthToken ? 'omit' : 'include',
      redirect: 'follow',
    };
    if (body instanceof ReadableStream) init.duplex = 'half';
    try {
      const r = await (o.fetch ?? globalThis.fetch).call(globalThis, target, init);
      const text = method === 'HEAD' ? '' : await r.text();
      return { status: r.status, headers: r.headers, text };
    } catch (e) {
      if (this.signal?.aborted) throw abortReason(this.signal);
      const inner = (e as { cause?: unknown }).cause;
      if (e instanceof MwClientError) throw e;
      if (inner instanceof MwClientError) throw inner;
      if (t.timedOut()) {
        throw new HttpError({
          code: 'timeout',
          info: `No answer to tus ${method} within ${Math.round(timeoutMs / 1000)} s`,
          retryable: true,
          ambiguous: true,
          cause: e,
        });
      }
      throw classifyFetchFailure(e, `tus ${method}`);
    } finally {
      t.dispose();
    }
  }

  /** The error an answer of the tus endpoint stands for (its `MediaWiki-API-Error` code, if any). */
  protected tusError(a: TusAnswer, method: string, url: string): MwClientError {
    const s = a.status;
    const retryAfter = parseRetryAfter(a.headers.get('retry-after'));
    const code = a.headers.get('mediawiki-api-error');
    const text = a.text.trim();
    if (s === 404 || s === 410) {
      return new UploadError({
        code: 'upload-session-lost',
        info: `The server no longer knows the tus upload ${url} (HTTP ${s}${code ? `, ${code}` : ''}). It may have expired; the upload has to be started again.`,
        httpStatus: s,
        data: { url, ...(code ? { cause: code } : {}) },
      });
    }
    // Busy with another request, an offset that moved on, a checksum that did not match: ask again.
    const transient = s >= 500 || s === 408 || s === 409 || s === 423 || s === 429 || s === 460;
    if (code) {
      const info = text.startsWith(`${code}:`) ? text.slice(code.length + 1).trim() : text || code;
      return new ApiError({
        code,
        info,
        httpStatus: s,
        retryAfter,
        ...(transient ? { retryable: true } : {}),
        ambiguous: s >= 500,
      });
    }
    return new HttpError({
      code: 'http',
      info: `HTTP ${s} from ${url} (tus ${method})${text ? `: ${text.slice(0, 200)}` : ''}`,
      httpStatus: s,
      retryable: transient,
      ambiguous: s >= 500,
      retryAfter,
      data: { status: s },
    });
  }

  /** Creates the upload; its URL. */
  async #create(size: number): Promise<string> {
    const endpoint = tusEndpoint(this.api.api);
    const metadata = [`filename ${base64(this.filename)}`];
    if (this.src.type) metadata.push(`filetype ${base64(this.src.type)}`);
    for (let attempt = 1; ; attempt++) {
      let err: MwClientError;
      try {
        const a = await this.tusRequest('POST', endpoint, {
          headers: { 'Upload-Length': String(size), 'Upload-Metadata': metadata.join(',') },
        });
        const location = a.headers.get('location');
        if (a.status === 201 && location) return new URL(location, endpoint).toString();
        if (a.status === 404 || a.status === 405) {
          throw new UploadError({
            code: 'tus-unavailable',
            info: `The wiki has no tus endpoint at ${endpoint} (HTTP ${a.status}); upload with the chunked protocol.`,
            httpStatus: a.status,
          });
        }
        err =
          a.status < 300
            ? this.#bad(`a ${a.status} answer without Location`)
            : this.tusError(a, 'POST', endpoint);
      } catch (e) {
        if (!(e instanceof MwClientError)) throw e;
        err = e;
      }
      // A creation whose answer was lost leaves an empty upload behind, which expires.
      if (!err.retryable || attempt > this.maxRetries) throw err;
      await this.backoff(attempt, err);
    }
  }

  #bad(what: string): UploadError {
    return new UploadError({ code: 'badresponse', info: `Unexpected tus answer: ${what}.` });
  }

  /** Asks where the upload stands (`HEAD`), retrying transient failures. */
  async #head(url: string): Promise<TusState> {
    for (let attempt = 1; ; attempt++) {
      let err: MwClientError;
      try {
        const a = await this.tusRequest('HEAD', url);
        if (a.status >= 200 && a.status < 300) {
          const offset = Number(a.headers.get('upload-offset'));
          if (!Number.isSafeInteger(offset)) throw this.#bad('HEAD without Upload-Offset');
          return { offset, filekey: a.headers.get('upload-filekey') };
        }
        err = this.tusError(a, 'HEAD', url);
      } catch (e) {
        if (!(e instanceof MwClientError)) throw e;
        err = e;
      }
      if (!err.retryable || attempt > this.maxRetries) throw err;
      await this.backoff(attempt, err);
    }
  }

  /**
   * The whole upload over tus, then publish (unless `stash`). `start` continues the upload at
   * `start.url`, bytes [0, start.offset) of which are hashed into `start.tracker`.
   */
  async tus(start?: { url: string; offset: number; tracker: Sha1Tracker }): Promise<UploadResult> {
    const size = this.src.size;
    if (size === undefined)
      throw new UploadError({ code: 'source-size-unknown', info: 'The source size is unknown.' });
    if (size === 0) throw new UploadError({ code: 'empty-file', info: 'The file is empty.' });
    const tracker = start?.tracker ?? new Sha1Tracker();
    await tracker.ready();
    tracker.mark();
    const sizer = this.chunkSizer();
    let offset = start?.offset ?? 0;
    let hint: { start: number; bytes: Uint8Array } | undefined;
    this.progress.update('uploading', offset);
    const url = start?.url ?? (await this.#create(size));

    const moveTo = async (n: number) => {
      await this.hashUpTo(n, size, tracker, hint);
      offset = n;
      if (n < size) {
        await this.emitToken({
          stage: 'uploading',
          filekey: '',
          tusUrl: url,
          offset: n,
          sha1: await tracker.hex(),
        });
      }
    };

    let filekey: string | null = null;
    if (start) {
      const st = await this.#head(url);
      filekey = st.filekey;
      this.progress.resumed(st.offset);
      await moveTo(st.offset);
    } else {
      await moveTo(0);
    }
    let failures = 0;
    while (!filekey) {
      throwIfAborted(this.signal);
      if (offset >= size) {
        // Every byte is in: the server names the file once it is verified (a HEAD finishes that).
        const st = await this.#head(url);
        if (st.filekey) filekey = st.filekey;
        else if (st.offset < size) await moveTo(st.offset);
        else {
          const e = this.#bad('every byte is in, but no Upload-Filekey');
          if (++failures > this.maxRetries) throw e;
          await this.backoff(failures, new UploadError({ code: e.code, info: e.info, retryable: true }));
        }
        continue;
      }
      const end = Math.min(offset + sizer.size, size);
      const body = await this.hashedBody(offset, end, tracker, 'chunk');
      hint = body.hint;
      const began = performance.now();
      let err: MwClientError;
      try {
        const a = await this.tusRequest('PATCH', url, {
          headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
          body: await patchBody(body.file, this.signal),
        });
        const ok = a.status >= 200 && a.status < 300;
        await this.settleBody(body, ok);
        if (ok) {
          const n = Number(a.headers.get('upload-offset'));
          if (!(n > offset))
            throw this.#bad(`offset ${a.headers.get('upload-offset')} after a PATCH at ${offset}`);
          sizer.accepted(end - offset, performance.now() - began);
          failures = 0;
          filekey = a.headers.get('upload-filekey');
          await moveTo(n);
          continue;
        }
        err = this.tusError(a, 'PATCH', url);
      } catch (e) {
        await this.settleBody(body, false);
        if (!(e instanceof MwClientError)) throw e;
        err = e;
      }
      if (err.code === 'upload-session-lost') throw err;
      // A body larger than the configured size may be what failed (a limit on request bodies).
      if (sizer.failed(end - offset) && !err.retryable && !(err instanceof ApiError)) continue;
      if (!err.retryable || ++failures > this.maxRetries) throw err;
      await this.backoff(failures, err);
      // The body may have been stored, in part or whole, although the answer was lost.
      const st = await this.#head(url);
      filekey = st.filekey;
      await moveTo(st.offset);
    }

    await tracker.advanceTo(size, this.src, hint, this.signal);
    const sha1 = await tracker.hex();
    if (this.opts.verifySha1 !== false) {
      const remote = await this.ops.stashImageInfo(filekey, this.signal).catch(() => undefined);
      this.checkSha1(sha1, remote?.sha1, filekey);
    }
    await this.emitToken({ stage: 'stashed', filekey, offset: size, sha1 });
    if (this.opts.stash) {
      this.progress.update('done', size);
      return { result: 'Stashed', filekey, filename: this.filename, sha1 };
    }
    return this.publish(filekey, sha1);
  }
}
