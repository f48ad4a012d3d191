/**
 * Slow bodies: a request body must keep arriving (no pause of `bodyTimeoutSeconds`) and arrive
 * within `bodyTimeoutSeconds` plus one second per `minBodyBytesPerSecond` bytes, as Apache's
 * mod_reqtimeout (`body=20,MinRate=500`) asks of clients in front of MediaWiki. A body that does
 * not is cut off: the watchdog says why, the caller answers and closes the connection, and the
 * part being stored is removed as for any client that goes away.
 */
import type { IncomingMessage } from 'node:http';
import { MwError } from '../errors.js';
import { socketBodyOf } from './socket-body.js';

export interface BodyLimits {
  bodyTimeoutSeconds: number;
  minBodyBytesPerSecond: number;
}

/** Whether a request has a body still to come. */
export function expectsBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Watch the body of `req` (by the bytes its socket has read); calls `onTimeout` once with the
 * error to answer if the body is too slow. Returns how to stop watching (also stopped when the
 * body is complete or the connection closes).
 */
export function watchBody(
  req: IncomingMessage,
  limits: BodyLimits,
  onTimeout: (e: MwError) => void,
  now: () => number = Date.now,
): () => void {
  const socket = req.socket;
  // Bytes read by Node, and those of a large body read from the socket here (socket-body.ts).
  const bytesRead = () => socket.bytesRead + (socketBodyOf(req)?.bytesRead() ?? 0);
  const started = now();
  const startBytes = bytesRead();
  let lastBytes = startBytes;
  let lastProgress = started;
  const idleMs = limits.bodyTimeoutSeconds * 1000;
  const check = () => {
    if (socketBodyOf(req)?.complete) {
      stop();
      return;
    }
    const t = now();
    const read = bytesRead();
    if (read !== lastBytes) {
      lastBytes = read;
      lastProgress = t;
    }
    const received = read - startBytes;
    if (t - lastProgress >= idleMs) {
      stop();
      onTimeout(
        new MwError(
          'requesttimeout',
          `The request body stopped arriving: nothing for ${limits.bodyTimeoutSeconds} seconds.`,
        ),
      );
    } else if (
      limits.minBodyBytesPerSecond > 0 &&
      t - started > idleMs + (received / limits.minBodyBytesPerSecond) * 1000
    ) {
      stop();
      onTimeout(
        new MwError(
          'requesttimeout',
          `The request body arrived too slowly: less than ${limits.minBodyBytesPerSecond} bytes per second.`,
        ),
      );
    }
  };
  const timer = setInterval(check, Math.max(50, Math.min(1000, idleMs / 4)));
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    req.off('end', stop);
    req.off('close', stop);
  };
  req.once('end', stop);
  req.once('close', stop);
  return stop;
}
