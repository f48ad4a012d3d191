/**
 * A proxy between an S3 client and the real S3 server, for tests: it shows the requests as they go
 * over the wire and can make the server misbehave (throttle, fail, drop connections, go silent).
 */
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'throttle' | 'error' | 'error-in-200' | 'drop' | 'silent';

/** A request as it reached the proxy. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * Forwards requests to the real S3 endpoint unchanged, unless told to misbehave; notes every
 * request it gets.
 */
export class S3Proxy {
  private server!: Server;
  /** The requests received, in order (tests empty it). */
  seen: Seen[] = [];
  fault: Fault = 'pass';
  /** How many more requests get the fault (then it passes again); Infinity: until told otherwise. */
  times = Number.POSITIVE_INFINITY;
  /** Which requests may get the fault (all when unset). */
  only?: (r: Seen) => boolean;
  faulted = 0;

  async start(upstream: URL): Promise<string> {
    this.server = createServer((req, res) => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      this.seen.push(seen);
      const fault = this.times > 0 && (this.only?.(seen) ?? true) ? this.fault : 'pass';
      if (fault !== 'pass') {
        this.times--;
        this.faulted++;
      }
      if (fault === 'drop') return void req.socket.destroy();
      if (fault === 'silent') return void req.resume();
      if (fault === 'throttle' || fault === 'error' || fault === 'error-in-200') {
        // S3 may answer a copy 200 and then report its failure in the body.
        const [status, code] =
          fault === 'throttle' ? [503, 'SlowDown'] : [fault === 'error' ? 500 : 200, 'InternalError'];
        req.resume();
        req.on('end', () => {
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>x</Message></Error>`,
          );
        });
        return;
      }
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  set(fault: Fault, times = Number.POSITIVE_INFINITY, only?: (r: Seen) => boolean): void {
    this.fault = fault;
    this.times = times;
    this.only = only;
    this.faulted = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The S3 operation a request is (as S3's API reference names them). */
export function operationOf(r: Seen): string {
  const q = new URL(r.url, 'http://x').searchParams;
  const copy = r.headers['x-amz-copy-source'] !== undefined;
  switch (r.method) {
    case 'GET':
      return q.get('list-type') === '2'
        ? 'ListObjectsV2'
        : q.has('uploads')
          ? 'ListMultipartUploads'
          : 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      return q.has('uploads')
        ? 'CreateMultipartUpload'
        : q.has('uploadId')
          ? 'CompleteMultipartUpload'
          : 'DeleteObjects';
    case 'DELETE':
      return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default:
      return r.method;
  }
}
