/**
 * Large request bodies read straight from their socket, on a thread of the `socket_body` addon
 * (`native/socket-body.c`), in reads of up to 1 MiB, instead of through Node's 64 KiB reads, its
 * HTTP parser and the request stream on the JavaScript thread. A body of at least
 * {@link SOCKET_BODY_MIN_BYTES} with a Content-Length, on a plain TCP connection, while at most
 * {@link SOCKET_BODIES_AT_ONCE} are read so, is taken here: Node's own reading of the socket is
 * stopped for good (the HTTP server's flag for a paused connection) and what the parser had already
 * delivered becomes the first pending bytes. The parser never sees the rest of the body, so the
 * connection is closed after the answer.
 *
 * The multipart parser (multipart-socket.ts) takes the body through {@link SocketBody}'s operations,
 * queued one after another; a file part can be written into a file without passing through
 * JavaScript at all ({@link SocketBody.sink}), or copied into buffers JavaScript gives, hashed by the
 * addon ({@link SocketBody.fill}). Not used where the addon was not built.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { MwError } from '../errors.js';
import { type BlobStore, BodyTooLarge, type Filled } from '../storage/blob-store.js';
import { errnoError, type SocketBodyAddon, type SocketBodyHandle, socketBodyAddon } from '../util/native.js';

/** Bodies from this size are read from the socket directly. */
export const SOCKET_BODY_MIN_BYTES = 8 * 1024 * 1024;
/**
 * From this size where storage takes appended chunks so read too (S3: copied into its part buffer,
 * hashed on from the upload's saved state): the common 5 MiB chunk is read so, a 1 MiB one is not.
 */
export const SOCKET_CHUNK_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The smallest body read from its socket for `blobs`, or null where it takes none so read (it
 * would only be copied out of the addon again): whole files where the store writes a part so read
 * itself (a file, S3's part buffers), chunks as well where it appends them so.
 */
export function socketBodyMinBytes(blobs: BlobStore): number | null {
  if (blobs.appendFilled) return SOCKET_CHUNK_MIN_BYTES;
  if (blobs.writeSunk || blobs.writeFilled) return SOCKET_BODY_MIN_BYTES;
  return null;
}
/** At most this many at once (each sink holds 5 MiB and three threads); others go through Node. */
export const SOCKET_BODIES_AT_ONCE = 2;

let open = 0;
const bodies = new WeakMap<IncomingMessage, SocketBody>();

/** The body of `req` when it is read here, else null. */
export function socketBodyOf(req: IncomingMessage): SocketBody | null {
  return bodies.get(req) ?? null;
}

interface NodeSocketInternals {
  _handle?: { fd?: number } | null;
  /** The HTTP server's flag for a connection it does not read for now (see its socketOnDrain). */
  _paused?: boolean;
  parser?: unknown;
  /** The response in progress on the connection. */
  _httpMessage?: { shouldKeepAlive: boolean; req?: IncomingMessage } | null;
}

export class SocketBody {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Set once every byte of the body has been read (or dropped). */
  complete = false;

  private constructor(
    private readonly addon: SocketBodyAddon,
    private readonly handle: SocketBodyHandle,
  ) {}

  /**
   * The body of `req`, taken from Node, or null when it is left to Node: too small, no
   * Content-Length, a TLS or non-TCP connection, too many at once, or no addon. Must be called
   * before anything reads `req`.
   */
  static take(req: IncomingMessage, minBytes = SOCKET_BODY_MIN_BYTES): SocketBody | null {
    const length = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(length) || length < minBytes) return null;
    if (req.headers['transfer-encoding'] !== undefined || req.complete) return null;
    if (open >= SOCKET_BODIES_AT_ONCE) return null;
    const socket = req.socket as Socket & NodeSocketInternals;
    const fd = socket._handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || (socket as TLSSocket).encrypted || !socket.parser) return null;
    // The connection's response in progress must be this request's (not one of a pipelined request
    // before it): it is the one told to close the connection.
    const res = socket._httpMessage;
    if (!res || res.req !== req) return null;
    const addon = socketBodyAddon();
    if (!addon) return null;
    // Node stops reading, for good: a request asked for more (req.read) no longer resumes it.
    socket._paused = true;
    socket.pause();
    const head: Buffer[] = [];
    for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) {
      head.push(chunk);
    }
    const headBytes = Buffer.concat(head);
    let handle: SocketBodyHandle;
    try {
      handle = addon.open(fd, headBytes, Math.max(0, length - headBytes.length));
    } catch {
      // Cannot happen short of running out of descriptors: the request is failed as cut off.
      socket.destroy();
      return null;
    }
    // Node's parser never sees the body's end: the connection cannot carry another request.
    res.shouldKeepAlive = false;
    open++;
    const body = new SocketBody(addon, handle);
    bodies.set(req, body);
    // A connection closed by the server (a body too slow, a shutdown) ends the reading too.
    socket.once('close', () => body.close());
    return body;
  }

  /** Bytes read from the socket here so far. */
  bytesRead(): number {
    return this.closed ? this.lastRead : this.addon.bytesRead(this.handle);
  }
  private lastRead = 0;

  /** 1..max pending bytes, or null at the body's end. */
  read(max: number): Promise<Buffer | null> {
    return this.run<Buffer | null>((done) =>
      this.addon.read(this.handle, max, (err, bytes) => done(err, () => bytes ?? null)),
    ).then((bytes) => {
      if (bytes === null) this.complete = true;
      return bytes;
    });
  }

  /** Exactly `n` bytes, or fewer at the body's end. */
  async readExactly(n: number): Promise<Buffer> {
    const got: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const b = await this.read(n - have);
      if (!b) break;
      got.push(b);
      have += b.length;
    }
    return Buffer.concat(got, have);
  }

  /** The bytes before `delimiter` (at most `max`); `found` when the delimiter follows (consumed). */
  readPart(delimiter: Buffer, max: number): Promise<{ bytes: Buffer; found: boolean }> {
    return this.run((done) =>
      this.addon.readPart(this.handle, delimiter, max, (err, bytes, found) =>
        done(err, () => ({ bytes: bytes ?? Buffer.alloc(0), found: found === true })),
      ),
    );
  }

  /**
   * The bytes before `delimiter` written into `fd` from `position` on the addon's threads (flushed
   * every `syncEvery` bytes but the last ones); their count and SHA-1 (hex). More than `limit`:
   * {@link BodyTooLarge}.
   */
  sink(
    fd: number,
    position: number,
    delimiter: Buffer,
    limit: number,
    syncEvery: number,
  ): Promise<{ size: number; sha1: string }> {
    const max = Number.isSafeInteger(limit) ? limit : Number.MAX_SAFE_INTEGER;
    return this.run((done) =>
      this.addon.sink(this.handle, fd, position, delimiter, max, syncEvery, (err, size, sha1) =>
        done(err, () => ({ size: size ?? 0, sha1: (sha1 ?? Buffer.alloc(0)).toString('hex') })),
      ),
    );
  }

  /**
   * The bytes before `delimiter` copied into `target` until it is full, hashed on the addon's thread
   * as they are (`start`: null starts a new hash, a saved portable state continues one, undefined
   * goes on with the fill before); once the delimiter has come (consumed) the SHA-1 (hex) and the
   * state before it was finished, else null. `target` must be left alone until this settles.
   */
  fill(target: Uint8Array, delimiter: Buffer, start: Uint8Array | null | undefined): Promise<Filled> {
    return this.run((done) =>
      this.addon.fill(this.handle, target, delimiter, start, (err, length, sha1, state) =>
        done(err, () => ({
          length: length ?? 0,
          sha1: sha1 ? sha1.toString('hex') : null,
          state: state ?? null,
        })),
      ),
    );
  }

  /** Read and drop the rest of the body (after a failure: the client then gets the answer). */
  drain(): Promise<void> {
    return this.run<void>((done) => this.addon.drain(this.handle, (err) => done(err, () => undefined))).then(
      () => {
        this.complete = true;
      },
    );
  }

  /** Stop reading; an operation in progress fails as the client's disconnection. */
  close(): void {
    if (this.closed) return;
    this.lastRead = this.addon.bytesRead(this.handle);
    this.closed = true;
    open--;
    this.addon.close(this.handle);
  }

  /** Run one operation once those before it are done. */
  private run<T>(start: (done: (err: number, value: () => T) => void) => void): Promise<T> {
    const next = this.queue.then(
      () =>
        new Promise<T>((resolve, reject) => {
          if (this.closed) {
            reject(disconnected());
            return;
          }
          start((err, value) => (err === 0 ? resolve(value()) : reject(this.failure(err))));
        }),
    );
    this.queue = next.catch(() => {});
    return next;
  }

  private failure(err: number): Error {
    if (err === this.addon.TOO_LARGE) return new BodyTooLarge();
    if (err === this.addon.NO_DELIMITER) return unexpectedEnd();
    // The client went away (or the server closed the connection): as Node's own request would say.
    if (err === this.addon.END_EARLY) return disconnected();
    const e = errnoError(err, 'the upload could not be written');
    if (GONE.has(e.code!)) return disconnected();
    // Anything else is the file's (a full disk): as node:fs reports it.
    return e;
  }
}

/** How a connection's end shows. */
const GONE = new Set(['ECANCELED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN']);

/** A part that the body ends within, as the multipart parser says it. */
export const unexpectedEnd = () =>
  new MwError(
    'badmultipart',
    'Could not parse the multipart/form-data body: Part terminated early due to unexpected end of multipart data',
  );

const disconnected = () =>
  new MwError('aborted', 'The client disconnected before the request body was complete.');
