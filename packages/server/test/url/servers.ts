/** Small local servers for the copy-upload fetch tests. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { MwError } from '../../src/errors.js';

export interface Local {
  port: number;
  /** Base URL (`http://127.0.0.1:port`, `http://[::1]:port`, `https://…`). */
  origin: string;
  /** Headers of every request received, in order. */
  requests: Array<{ url: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function track(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

const originOf = (scheme: string, host: string, port: number): string =>
  `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;

/** An HTTP server with a request handler. */
export async function httpServer(handler: Handler, host = '127.0.0.1'): Promise<Local> {
  const requests: Local['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  const close = track(server);
  const port = await listen(server, host);
  return { port, origin: originOf('http', host, port), requests, close };
}

/** An HTTPS server with the given key and certificate. */
export async function httpsServer(
  handler: Handler,
  key: string,
  cert: string,
  host = '127.0.0.1',
): Promise<Local> {
  const requests: Local['requests'] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  const close = track(server);
  const port = await listen(server, host);
  return { port, origin: originOf('https', host, port), requests, close };
}

/** A raw TCP server that writes whatever it wants (lying headers, stalls, garbage). */
export async function rawServer(
  onConnection: (socket: net.Socket) => void,
  host = '127.0.0.1',
): Promise<Local> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    onConnection(s);
  });
  const close = track(server);
  const port = await listen(server, host);
  return { port, origin: originOf('http', host, port), requests: [], close };
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Reads a stream to its end, returning size, SHA-1 and (when small) the bytes. */
export async function sha1AndSize(
  body: Readable,
  keepUpTo = 1 << 20,
): Promise<{ size: number; sha1: string; bytes: Buffer }> {
  const hash = createHash('sha1');
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (size < keepUpTo) kept.push(chunk);
    size += chunk.length;
  }
  return { size, sha1: hash.digest('hex'), bytes: Buffer.concat(kept) };
}

/** Reads a stream until it fails, counting bytes; resolves with the count and the error (if any). */
export async function drain(body: Readable): Promise<{ size: number; error: unknown }> {
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) size += chunk.length;
    return { size, error: undefined };
  } catch (error) {
    return { size, error };
  }
}

export const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

/** Asserts that `e` is an MwError with this code (and info, when given). */
export function assertMwError(e: unknown, code: string, info?: string | RegExp): true {
  assert.ok(e instanceof MwError, `expected an MwError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, `code (info: ${e.info})`);
  if (typeof info === 'string') assert.equal(e.info, info);
  else if (info) assert.match(e.info, info);
  return true;
}

/** Asserts that a promise rejects with an MwError with this code (and info). */
export async function rejectsMw(p: Promise<unknown>, code: string, info?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => assertMwError(e, code, info));
}
