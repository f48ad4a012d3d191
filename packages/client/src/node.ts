/**
 * Node-only parts of the client: file paths (read range by range through a file handle), Node streams,
 * and a default User-Agent. Browser bundles import `browser.js` instead and never load this file.
 */

import { createHash, type Hash, randomBytes } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_VERSION, type FileTransport, type TransportAnswer } from './api.js';
import { MwClient as CoreClient, type MwClientOptions } from './client.js';
import { UploadError } from './errors.js';
import { type Sha1State, setSha1Implementation } from './hash.js';
import { toUploadSource, type UploadSource, type UploadSourceInput } from './source.js';
import { abortReason } from './util.js';

/** SHA-1 from node:crypto (OpenSSL), about twice as fast as the portable one. */
function nodeSha1(): Sha1State {
  let h: Hash = createHash('sha1');
  return {
    update: (b) => {
      h.update(b);
    },
    hex: () => h.copy().digest('hex'),
    save: () => h.copy(),
    load: (s) => {
      h = (s as Hash).copy();
    },
    reset: () => {
      h = createHash('sha1');
    },
  };
}
setSha1Implementation(nodeSha1);

/** How many bytes may be read from a file between two checks that it was not modified. */
const CHECK_EVERY = 16 * 1024 * 1024;

/**
 * A local file, read range by range through a file handle into the caller's buffers (`readInto`): the
 * Node transport streams chunks from it and the hasher reuses one buffer, so memory stays at a few MiB
 * whatever the file size. It checks that the file was not modified since it was opened (size and
 * modification time) whenever a read does not continue the previous one, every 16 MiB of a sequential
 * run, and before the read that reaches the end of the file.
 */
export class FileSource implements UploadSource {
  readonly seekable = true;
  readonly type: string | undefined = undefined;
  readonly name: string;
  #fh: FileHandle | undefined;
  /** Where the previous read ended, and how far the file was read since the last check. */
  #next = -1;
  #unchecked = 0;

  private constructor(
    readonly path: string,
    readonly size: number,
    readonly mtimeMs: number,
    fh: FileHandle,
    name?: string,
  ) {
    this.#fh = fh;
    this.name = name ?? basename(path);
  }

  static async open(path: string | URL, name?: string): Promise<FileSource> {
    const p = typeof path === 'string' ? path : fileURLToPath(path);
    const fh = await open(p, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        throw new UploadError({ code: 'source-not-file', info: `${p} is not a regular file.` });
      }
      return new FileSource(p, st.size, st.mtimeMs, fh, name);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  #check(start: number, end: number): void {
    if (start < 0 || end < start || end > this.size) throw new RangeError(`Invalid range [${start}, ${end})`);
  }

  async read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    this.#check(start, end);
    const buf = new Uint8Array(end - start);
    const n = await this.readInto(start, buf, signal);
    if (n !== buf.byteLength) {
      throw new UploadError({
        code: 'source-changed',
        info: `${this.path} ended at byte ${start + n}, expected ${this.size} bytes; the file changed.`,
      });
    }
    return buf;
  }

  async readInto(start: number, target: Uint8Array, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    if (!this.#fh) throw new Error('FileSource is closed');
    const want = Math.max(0, Math.min(target.byteLength, this.size - start));
    // A file rewritten during the upload would leave the wiki with a mix of old and new bytes.
    if (start !== this.#next || this.#unchecked >= CHECK_EVERY || start + want >= this.size) {
      const st = await this.#fh.stat();
      if (st.size !== this.size || st.mtimeMs !== this.mtimeMs) {
        throw new UploadError({
          code: 'source-changed',
          info: `${this.path} was modified during the upload (size or modification time changed).`,
        });
      }
      this.#unchecked = 0;
    }
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await this.#fh.read(target, filled, want - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.#next = start + filled;
    this.#unchecked += filled;
    return filled;
  }

  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }
}

/** Opens a path, `file:` URL, Node stream, Blob or buffer as an upload source. */
export async function openSource(
  input: UploadSourceInput | string | URL,
  opts: { name?: string; size?: number } = {},
): Promise<UploadSource> {
  if (typeof input === 'string' || input instanceof URL) {
    return FileSource.open(input, opts.name);
  }
  return toUploadSource(input, opts);
}

/** Size of the reads of a request body from its source (two buffers of it per request). */
const PIECE = 1024 * 1024;

/**
 * Writes a multipart body to `req`: `head`, bytes [start, end) of `source`, `tail`, then ends it. The
 * source is read through two buffers, one refilled while the other is being sent. Once the request is
 * gone (aborted, failed, answered early) it stops reading; every write it started is awaited or its
 * failure handled, so nothing is left to fail unobserved.
 */
async function sendBody(
  req: http.ClientRequest,
  head: Buffer,
  source: UploadSource,
  start: number,
  end: number,
  tail: Buffer,
  signal: AbortSignal,
): Promise<void> {
  const readInto = source.readInto as NonNullable<UploadSource['readInto']>;
  const gone = new Promise<never>((_, reject) => {
    req.once('close', () => reject(signal.aborted ? abortReason(signal) : new Error('request closed')));
  });
  gone.catch(() => {});
  // Resolves once the socket has taken `buf`; rejects if the request goes away first.
  const write = (buf: Buffer) =>
    Promise.race([
      new Promise<void>((ok, fail) => {
        req.write(buf, (err) => (err ? fail(err) : ok()));
      }),
      gone,
    ]);
  const alive = () => {
    if (signal.aborted) throw abortReason(signal);
    if (req.destroyed) throw new Error('request closed');
  };
  let pending: Promise<void> | undefined;
  try {
    alive();
    pending = write(head);
    const size = Math.min(PIECE, end - start);
    const buffers = size > 0 ? [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] : [];
    let which = 0;
    for (let pos = start; pos < end; ) {
      const buf = buffers[which] as Buffer;
      which ^= 1;
      // This buffer's previous write was awaited before the other buffer was handed over.
      const n = await readInto(pos, buf.subarray(0, Math.min(buf.length, end - pos)), signal);
      if (n === 0) {
        throw new UploadError({
          code: 'source-changed',
          info: `The source ended at byte ${pos}, expected ${end}; the file changed.`,
        });
      }
      await pending;
      alive();
      pending = write(buf.subarray(0, n));
      pos += n;
    }
    await pending;
    alive();
    pending = write(tail);
    await pending;
    req.end();
  } finally {
    pending?.catch(() => {});
  }
}

/**
 * Sends file-carrying requests with node:http(s): the multipart body is streamed from the source with
 * an exact Content-Length, never more than 2 MiB of it in memory, so memory stays flat for any file
 * size. An abort (or timeout) of `signal` destroys the request; the promise then rejects with the
 * signal's reason.
 */
export function nodeFileTransport(): FileTransport {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  return ({ url, headers, fields, field, file, signal }) => {
    const { source, start, end } = file.range;
    if (!source.readInto) throw new TypeError('nodeFileTransport needs a source with readInto');
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const boundary = `----mwup${randomBytes(12).toString('hex')}`;
    const quote = (v: string) => v.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
    let pre = '';
    for (const [k, v] of fields) {
      pre += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(k)}"\r\n\r\n${v}\r\n`;
    }
    pre += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(field)}"; filename="${quote(file.filename)}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`;
    const head = Buffer.from(pre, 'utf8');
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
    const h: Record<string, string> = Object.fromEntries(headers);
    h['content-type'] = `multipart/form-data; boundary=${boundary}`;
    h['content-length'] = String(head.length + (end - start) + tail.length);
    const secure = url.protocol === 'https:';
    return new Promise<TransportAnswer>((resolve, reject) => {
      const fail = (e: unknown) => reject(signal.aborted ? abortReason(signal) : e);
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        headers: h,
        agent: secure ? agents.https : agents.http,
        signal,
      });
      req.on('error', fail);
      req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('error', fail);
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
          }
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: out,
            text: Buffer.concat(parts).toString('utf8'),
          });
        });
      });
      sendBody(req, head, source, start, end, tail, signal).catch((e) => {
        req.destroy();
        fail(e);
      });
    });
  };
}

export function defaultUserAgent(): string {
  return `mwup/${CLIENT_VERSION} (https://www.npmjs.com/package/mwup) node/${process.versions.node}`;
}

/** The client with Node conveniences: file paths as sources and a descriptive User-Agent. */
export class MwClient extends CoreClient {
  constructor(options: MwClientOptions) {
    super({ userAgent: defaultUserAgent(), fileTransport: nodeFileTransport(), ...options });
  }

  protected override async openSource(
    input: UploadSourceInput | string,
    opts: { name?: string; size?: number },
  ): Promise<UploadSource> {
    return openSource(input, opts);
  }
}

/** Size and mtime of a path, to compare with a resume token before opening the file. */
export async function fileIdentity(path: string): Promise<{ size: number; mtimeMs: number }> {
  const st = await stat(path);
  return { size: st.size, mtimeMs: st.mtimeMs };
}
