/**
 * The body of a copy upload's answer as a size-limited stream that owns the connection: it fails
 * with `file-too-large` the moment more than the limit has arrived, whatever Content-Length claimed,
 * and with curl's wording when the connection breaks before the body is complete.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type net from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { fileTooLarge } from '../receive.js';
import { abortReason, ignore } from './abort.js';
import { bodyPhaseError } from './fetch-errors.js';

/** Passes bytes through, failing with file-too-large the moment more than `limit` have passed. */
export class LimitedBody extends Transform {
  received = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limit) {
      cb(fileTooLarge(this.limit));
      return;
    }
    cb(null, chunk);
  }
}

/** The Content-Length header as a number, or undefined when absent or malformed. */
export function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

/** Drops a response that is not used (redirect, error status, too large): closes the connection. */
export function discard(res: IncomingMessage, socket: net.Socket): void {
  res.on('error', ignore);
  socket.destroy();
}

/** Wires a response into a LimitedBody that owns the connection from now on. */
export function streamBody(
  req: ClientRequest,
  res: IncomingMessage,
  socket: net.Socket,
  maxBytes: number,
  declared: number | undefined,
  signal: AbortSignal,
  finish: () => void,
): LimitedBody {
  const body = new LimitedBody(maxBytes);
  const fail = (e: unknown) => {
    if (body.destroyed) return;
    body.destroy(
      (signal.aborted ? abortReason(signal) : bodyPhaseError(e, body.received, declared)) as Error,
    );
  };
  const onAbort = () => fail(undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  // The request can still report errors (e.g. bytes after a complete response); they only matter
  // while the body is incomplete. The listener also keeps such errors from going unhandled.
  req.on('error', (e) => {
    if (!res.complete) fail(e);
  });
  res.on('error', fail);
  res.on('close', () => {
    if (!res.complete) fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  });
  body.once('close', () => {
    signal.removeEventListener('abort', onAbort);
    finish();
    res.unpipe(body);
    socket.destroy();
  });
  // Consumers see errors through pipeline(), for-await or their own listener; this one only keeps a
  // body that nobody reads (and that the total timeout then destroys) from crashing the process.
  body.on('error', ignore);
  res.pipe(body);
  return body;
}
