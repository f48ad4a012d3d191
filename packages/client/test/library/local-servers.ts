/**
 * HTTP servers the client and CLI tests put in front of or beside the wiki: a proxy that records every
 * request and can hold, drop or answer any of them, and a static file server for url= uploads.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** 1-based number of this request through the proxy. */
  n: number;
  method: string;
  /** Simple multipart / urlencoded / query fields (file parts excluded). */
  fields: Record<string, string>;
  /** The request carries a `chunk` file part; `chunkIndex` counts them from 1. */
  isChunk: boolean;
  chunkIndex: number;
  /** Size of the request body in bytes. */
  bytes: number;
  /** The request's headers (lower-case names). */
  headers: http.IncomingHttpHeaders;
}

/**
 * What to do with a request: `pass` it on; `drop-response` forwards it, lets the server answer, then
 * destroys the client's socket before any byte of the answer reaches it; `hold` forwards it and keeps
 * the answer until `release()`; or answer it directly without forwarding.
 */
export type ProxyDecision =
  | 'pass'
  | 'drop-response'
  | 'hold'
  | { status: number; headers?: Record<string, string>; body: string };

export interface TestProxy {
  api: string;
  requests: ProxiedRequest[];
  rule: (r: ProxiedRequest) => ProxyDecision;
  /** Resolves when a request matching `pred` has been forwarded and its answer received. */
  waitFor(pred: (r: ProxiedRequest) => boolean): Promise<ProxiedRequest>;
  /** Sends every held answer on (or, with `drop`, closes their connections without an answer). */
  release(drop?: boolean): void;
  close(): Promise<void>;
}

function parseFields(
  body: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): Record<string, string> {
  const fields: Record<string, string> = Object.fromEntries(query);
  if (!contentType) return fields;
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(body.toString('latin1'))));
  } else if (contentType.startsWith('multipart/form-data')) {
    const text = body.toString('latin1');
    const re =
      /Content-Disposition: form-data; name="([^"]+)"(; filename="[^"]*")?[^\r]*\r\n(?:[^\r\n]+\r\n)*\r\n/g;
    let m: RegExpExecArray | null = re.exec(text);
    while (m !== null) {
      if (!m[2]) {
        const start = m.index + m[0].length;
        const end = text.indexOf('\r\n--', start);
        fields[m[1] as string] = Buffer.from(text.slice(start, end), 'latin1').toString('utf8');
      } else {
        fields[`${m[1]}:file`] = '1';
      }
      m = re.exec(text);
    }
  }
  return fields;
}

export async function startProxy(targetApi: string): Promise<TestProxy> {
  const target = new URL(targetApi);
  const held: ((drop: boolean) => void)[] = [];
  const waiters: { pred: (r: ProxiedRequest) => boolean; resolve: (r: ProxiedRequest) => void }[] = [];
  let chunks = 0;
  const proxy: TestProxy = {
    api: '',
    requests: [],
    rule: () => 'pass',
    waitFor(pred) {
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    release(drop = false) {
      for (const h of held.splice(0)) h(drop);
    },
    close: async () => {},
  };
  const notify = (r: ProxiedRequest) => {
    for (const w of [...waiters]) {
      if (w.pred(r)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  };
  const listening = await listen((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const url = new URL(req.url ?? '/', target);
      const fields = parseFields(body, req.headers['content-type'], url.searchParams);
      const isChunk = fields['chunk:file'] === '1';
      if (isChunk) chunks++;
      const info: ProxiedRequest = {
        n: proxy.requests.length + 1,
        method: req.method ?? 'GET',
        fields,
        isChunk,
        chunkIndex: isChunk ? chunks : 0,
        bytes: body.length,
        headers: req.headers,
      };
      proxy.requests.push(info);
      const decision = proxy.rule(info);
      if (typeof decision === 'object') {
        res.writeHead(decision.status, { 'content-type': 'application/json', ...(decision.headers ?? {}) });
        res.end(decision.body);
        notify(info);
        return;
      }
      const headers = { ...req.headers, host: target.host };
      const fwd = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: url.pathname + url.search,
          headers,
        },
        (up) => {
          const answer: Buffer[] = [];
          up.on('data', (d: Buffer) => answer.push(d));
          up.on('end', () => {
            const send = (drop = false) => {
              if (drop || decision === 'drop-response' || res.destroyed) {
                req.socket.destroy();
                return;
              }
              const h = { ...up.headers };
              delete h['transfer-encoding'];
              h['content-length'] = String(Buffer.concat(answer).length);
              res.writeHead(up.statusCode ?? 502, h);
              res.end(Buffer.concat(answer));
            };
            notify(info);
            if (decision === 'hold') held.push(send);
            else send();
          });
        },
      );
      fwd.on('error', () => req.socket.destroy());
      fwd.end(body);
    });
  });
  proxy.api = `http://127.0.0.1:${listening.port}${target.pathname}`;
  proxy.close = () => {
    proxy.release();
    return listening.close();
  };
  return proxy;
}

/** What went through `proxy` while `fn` ran: the fields of its upload requests and all request-body bytes. */
export async function traffic<T>(
  proxy: TestProxy,
  fn: () => Promise<T>,
): Promise<{ value: T; uploads: Record<string, string>[]; bytes: number }> {
  const from = proxy.requests.length;
  const value = await fn();
  const seen = proxy.requests.slice(from);
  return {
    value,
    uploads: seen.filter((q) => q.fields.action === 'upload').map((q) => q.fields),
    bytes: seen.reduce((n, q) => n + q.bytes, 0),
  };
}

/** Runs `fn` while `rule` decides what `proxy` does with each request; then it passes everything again. */
export async function withRule<T>(
  proxy: TestProxy,
  rule: TestProxy['rule'],
  fn: () => Promise<T>,
): Promise<T> {
  proxy.rule = rule;
  try {
    return await fn();
  } finally {
    proxy.rule = () => 'pass';
  }
}

/** A tiny static file server for url= uploads. */
export async function serveBytes(
  bytes: Uint8Array,
  path = '/file.png',
): Promise<{ url: string; close(): Promise<void> }> {
  const site = await listen((req, res) => {
    if (req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.byteLength) });
    res.end(bytes);
  });
  return { url: `http://127.0.0.1:${site.port}${path}`, close: site.close };
}

/** An HTTP server on a free loopback port; `close` also ends the connections still open. */
export async function listen(
  handler: http.RequestListener,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
