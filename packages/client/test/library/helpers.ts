/**
 * Shared by the client and CLI tests: a wiki to talk to (our server, started in-process, or an external
 * MediaWiki given by MWUP_TEST_API / MWUP_TEST_USER / MWUP_TEST_PASSWORD), a controllable HTTP proxy,
 * and byte-exact checks of what landed on the wiki.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MwClient, type MwClientOptions } from '../../src/index.js';

export interface Wiki {
  api: string;
  username: string;
  password: string;
  /** A sysop with the `delete` grant, when there is one (MWUP_TEST_ADMIN_USER / _PASSWORD outside). */
  admin?: { username: string; password: string };
  /** An outside wiki (real MediaWiki): tests that need to kill the server are skipped. */
  external: boolean;
  dataDir?: string;
  close(): Promise<void>;
}

/** `$wgUploadSizeWarning` of the test server. */
export const LARGE_FILE_WARNING = 3 * 1024 * 1024;

/** Starts our server with a bot account, or uses the external wiki from the environment. */
export async function startWiki(): Promise<Wiki> {
  const env = process.env;
  if (env.MWUP_TEST_API) {
    return {
      api: env.MWUP_TEST_API,
      username: env.MWUP_TEST_USER ?? '',
      password: env.MWUP_TEST_PASSWORD ?? '',
      ...(env.MWUP_TEST_ADMIN_USER
        ? { admin: { username: env.MWUP_TEST_ADMIN_USER, password: env.MWUP_TEST_ADMIN_PASSWORD ?? '' } }
        : {}),
      external: true,
      close: async () => {},
    };
  }
  const { startTestServer, createAccount, createBotPassword, UPLOAD_GRANTS } = await import(
    '../../../server/test/helpers/server.js'
  );
  // Plain users may upload by URL, as on the reference wiki ($wgGroupPermissions['user']['upload_by_url']).
  // Files above 3 MiB raise `large-file` ($wgUploadSizeWarning); other tests stay below that.
  const s = await startTestServer({
    groupPermissions: { user: { upload_by_url: true } },
    uploads: { sizeWarning: LARGE_FILE_WARNING },
  });
  await createAccount(s, { name: 'UploadBot', password: 'UploadBot-main-password-1' });
  const bot = await createBotPassword(s, { user: 'UploadBot', appId: 'bot' });
  await createAccount(s, { name: 'DeleteBot', password: 'DeleteBot-main-password-1', groups: ['sysop'] });
  const admin = await createBotPassword(s, {
    user: 'DeleteBot',
    appId: 'bot',
    grants: [...UPLOAD_GRANTS, 'delete'],
  });
  return {
    api: s.api,
    username: bot.lgname,
    password: bot.password,
    admin: { username: admin.lgname, password: admin.password },
    external: false,
    dataDir: s.dataDir,
    close: () => s.close(),
  };
}

export function clientFor(
  wiki: { username: string; password: string },
  api: string,
  extra: Partial<MwClientOptions> = {},
) {
  return new MwClient({
    api,
    username: wiki.username,
    password: wiki.password,
    backoff: { baseMs: 50, maxMs: 500 },
    pollIntervalMs: 100,
    pollMaxIntervalMs: 1000,
    ...extra,
  });
}

/** A file name no other test (or earlier run against an external wiki) uses. */
export function uniqueName(prefix: string, ext = 'png'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.${ext}`;
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-client-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Downloads the current version of a file and hashes the bytes (byte-exact check). */
export async function downloadedSha1(
  client: MwClient,
  filename: string,
): Promise<{ sha1: string; size: number }> {
  const info = await client.imageInfo(filename);
  if (!info?.url) throw new Error(`File:${filename} has no current version`);
  const res = await fetch(info.url);
  if (!res.ok) throw new Error(`GET ${info.url}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { sha1: createHash('sha1').update(bytes).digest('hex'), size: bytes.byteLength };
}

// ------------------------------------------------------------------------------------------ proxy

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
  const server = http.createServer((req, res) => {
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
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  proxy.api = `http://127.0.0.1:${port}${target.pathname}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      proxy.release();
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

/** A tiny static file server for url= uploads. */
export async function serveBytes(
  bytes: Uint8Array,
  path = '/file.png',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(bytes.byteLength) });
    res.end(bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
