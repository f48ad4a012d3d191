/**
 * The network side of uploads by URL ("copy uploads"): fetch a remote file safely and hand its body
 * on as a size-limited stream.
 *
 * MediaWiki behaviour kept (1.39):
 * - Only `http://` and `https://` URLs pass (MediaWiki's `MWHttpRequest::isValidURI`), anything else is
 *   `http-invalid-url` "Invalid URL: <url>".
 * - The domain allow-list (`copyuploadbaddomain`), see {@link isAllowedCopyUploadDomain}.
 * - Redirects are followed by hand: `maxRedirects` (default 5) is MediaWiki's count of requests,
 *   so a chain of at most `maxRedirects - 1` redirects is followed and the next redirect fails with
 *   `upload-too-many-redirects`. MediaWiki follows 300–303; 307 and 308 are followed as well (always
 *   with GET, there is no request body).
 * - A final answer that is not 2xx is `http-bad-status`
 *   "There was a problem during the HTTP request: 404 Not Found" (the server's reason phrase).
 * - Timeouts are `http-timed-out` "HTTP request timed out."; connection failures are `http-curl-error`
 *   with the wording curl uses ("Error fetching URL: Failed to connect to 127.0.0.1 port 9 after 0 ms:
 *   Couldn't connect to server", "Could not resolve host: …", "Empty reply from server",
 *   "transfer closed with N bytes remaining to read", "SSL certificate problem: …"), because that is
 *   the code MediaWiki 1.39 (Guzzle over curl) gives clients. `http-request-error` "HTTP request failed
 *   due to unknown error." is kept for failures that fit none of these.
 *
 * Beyond MediaWiki (which has no protection against server-side request forgery):
 * - Every host, including every redirect target, is resolved once; all its addresses must pass the
 *   {@link AddressPolicy} (loopback, private, link-local, CGNAT, multicast, … are refused unless allowed
 *   explicitly), and the connection is made to exactly those checked addresses — there is no second
 *   DNS query that a rebinding server could answer differently. The socket's remote address is checked
 *   again once connected, before any byte is sent. A refusal is `copyuploadbadurl` with an info saying
 *   which address and why: "Upload not allowed from this URL: 10.0.0.1 is a private address."
 * - Redirect targets are checked again for scheme, domain allow-list (`copyuploadbaddomain`) and address.
 * - Only `GET` with fixed headers: Host, User-Agent, `Accept: *\/*`, `Connection: close`. No cookies, no
 *   Authorization: user info in a URL (`http://user:pass@host/`) is dropped, never sent. Proxy
 *   environment variables are ignored. Responses are not decoded (no Accept-Encoding is sent, a
 *   compressed body is kept as it is, as curl does without `--compressed`).
 * - The body is streamed, never buffered: a Content-Length above `maxBytes` fails at once with
 *   `file-too-large`, and the body stream fails with `file-too-large` the moment more than `maxBytes`
 *   bytes have arrived, whatever Content-Length claimed. Bytes beyond a declared Content-Length are
 *   never read; a body shorter than declared fails instead of hanging (idle timeout or
 *   "transfer closed with N bytes remaining to read").
 * - Three timeouts: connect (DNS + TCP + TLS handshake), idle (no bytes for that long, also while the
 *   body streams) and total (from the call until the body has ended).
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import net from 'node:net';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import tls from 'node:tls';
import { MwError } from '../../errors.js';
import { MW_VERSION, MWUP_VERSION } from '../../version.js';
import { fileTooLarge } from '../receive.js';
import {
  type AddressPolicy,
  type AddressVerdict,
  type CompiledAddressPolicy,
  canonicalIp,
  compileAddressPolicy,
} from './address-policy.js';
import { isAllowedCopyUploadDomain } from './domains.js';

/** Resolves a host name to all its addresses (as `dns.promises.lookup(host, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

export interface FetchOptions {
  /** Largest body accepted, in bytes. More is `file-too-large`. */
  maxBytes: number;
  /** Total time allowed, from the call until the body has been read to its end. */
  timeoutMs: number;
  /** Time allowed for DNS resolution, TCP connect and TLS handshake of each request. Default min(5 s, timeoutMs). */
  connectTimeoutMs?: number;
  /** Longest time without any byte from the server (waiting for headers or body). Default: timeoutMs. */
  idleTimeoutMs?: number;
  /** MediaWiki's request count: at most maxRedirects - 1 redirects are followed. Default 5. */
  maxRedirects?: number;
  /** $wgCopyUploadsDomains; empty or absent = any host. */
  domains?: string[];
  /** Which addresses may be connected to; default: public unicast only. */
  policy?: AddressPolicy;
  /** User-Agent header. */
  userAgent?: string;
  /** Aborts the fetch (and the body stream) with the signal's reason. */
  signal?: AbortSignal;
  /** Name resolution, for tests; default: the system resolver (`dns.lookup`, all addresses). */
  lookup?: LookupFn;
  /** Extra trusted CA certificates for https (replaces the default set, as `tls.connect({ ca })`). */
  ca?: string | Buffer | Array<string | Buffer>;
}

export interface FetchResult {
  /**
   * The response body. It fails with MwError `file-too-large` as soon as more than maxBytes bytes arrive,
   * with `http-timed-out` on the idle or total timeout, with `http-curl-error` if the connection breaks.
   * Destroying it closes the connection.
   */
  body: Readable;
  status: number;
  /** The Content-Type header, as sent. */
  contentType?: string;
  /** The Content-Length header, if the server sent one. */
  contentLength?: number;
  /** The URL the body came from, after redirects (without user info or fragment). */
  finalUrl: string;
  /** The address the body came from. */
  remoteAddress: string;
  /** How many redirects were followed. */
  redirects: number;
}

export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_USER_AGENT = `MediaWiki/${MW_VERSION} mwup/${MWUP_VERSION}`;

// ---- errors --------------------------------------------------------------------------------------

export const invalidUrl = (url: string): MwError => new MwError('http-invalid-url', `Invalid URL: ${url}`);
export const badDomain = (): MwError =>
  new MwError('copyuploadbaddomain', 'Uploads by URL are not allowed from this domain.');
const badUrl = (why: string): MwError =>
  new MwError('copyuploadbadurl', `Upload not allowed from this URL: ${why}`);
const timedOut = (): MwError => new MwError('http-timed-out', 'HTTP request timed out.');
const curlError = (text: string): MwError => new MwError('http-curl-error', `Error fetching URL: ${text}`);
const requestError = (): MwError =>
  new MwError('http-request-error', 'HTTP request failed due to unknown error.');
const tooManyRedirects = (): MwError =>
  new MwError('upload-too-many-redirects', 'The URL contained too many redirects');
const badStatus = (status: number, reason: string): MwError =>
  new MwError('http-bad-status', `There was a problem during the HTTP request: ${status} ${reason}`);

// ---- URL checks ----------------------------------------------------------------------------------

/** MediaWiki's MWHttpRequest::isValidURI: http(s), then a host, no whitespace anywhere. */
const VALID_URI = /^https?:\/\/[^/ \t\n\r\f\v][^ \t\n\r\f\v]*$/;

/**
 * Parses a copy-upload URL as MediaWiki accepts it (http or https only, no whitespace) and as the
 * WHATWG URL parser normalises it. Throws `http-invalid-url` "Invalid URL: <url>".
 */
export function parseCopyUploadUrl(raw: string): URL {
  if (!VALID_URI.test(raw)) throw invalidUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl(raw);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') throw invalidUrl(raw);
  return withoutCredentials(url);
}

/** The URL without user info and fragment: neither is ever sent. */
function withoutCredentials(url: URL): URL {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u;
}

/** Resolves a Location header against the current URL and checks the target like the first URL. */
function redirectTarget(current: URL, location: string, domains: readonly string[]): URL {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw invalidUrl(location);
  }
  if ((next.protocol !== 'http:' && next.protocol !== 'https:') || next.hostname === '') {
    throw invalidUrl(next.href);
  }
  if (!isAllowedCopyUploadDomain(next, domains)) throw badDomain();
  return withoutCredentials(next);
}

const bareHost = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

// ---- cancellation --------------------------------------------------------------------------------

/** An abort controller that follows a parent signal until unlinked. */
function childController(parent: AbortSignal): { ctl: AbortController; unlink: () => void } {
  const ctl = new AbortController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return { ctl, unlink: () => {} };
  }
  const onAbort = () => ctl.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { ctl, unlink: () => parent.removeEventListener('abort', onAbort) };
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

const ignore = (): void => {};

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });

// ---- connecting ----------------------------------------------------------------------------------

interface Hop {
  url: URL;
  /** 1 for the URL given, 2 for the first redirect target, … */
  index: number;
}

interface Context {
  policy: CompiledAddressPolicy;
  lookup: LookupFn;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  ca: FetchOptions['ca'];
  userAgent: string;
}

const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function refusal(hop: Hop, host: string, isLiteral: boolean, verdict: AddressVerdict): MwError {
  const subject = hop.index > 1 ? `the redirect target ${host}` : host;
  return badUrl(
    isLiteral
      ? `${subject} is ${verdict.description}.`
      : `${subject} resolves to ${verdict.address}, ${verdict.description}.`,
  );
}

/** The checked addresses to connect to for a hop (IP literal or every address the name resolves to). */
async function resolveChecked(hop: Hop, ctx: Context, signal: AbortSignal): Promise<LookupAddress[]> {
  const host = hop.url.hostname;
  const bare = bareHost(host);
  let addresses: LookupAddress[];
  const family = net.isIP(bare);
  if (family !== 0) {
    addresses = [{ address: bare, family }];
  } else {
    try {
      addresses = await raceAbort(ctx.lookup(bare), signal);
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      throw e instanceof MwError ? e : curlError(`Could not resolve host: ${bare}`);
    }
    if (addresses.length === 0) throw curlError(`Could not resolve host: ${bare}`);
  }
  if (ctx.policy.hostAllowed(host)) return addresses;
  // A name with any refused address is refused as a whole, not filtered: such a name is either
  // misconfigured or an attempt to reach an internal address by chance.
  for (const a of addresses) {
    let verdict: AddressVerdict;
    try {
      verdict = ctx.policy.check(a.address);
    } catch {
      throw badUrl(`${host} resolves to ${a.address}, which is not an IP address.`);
    }
    if (!verdict.allowed) throw refusal(hop, host, family !== 0, verdict);
  }
  return addresses;
}

function connectTcp(a: LookupAddress, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const socket = net.connect({ host: a.address, port, family: a.family });
    const done = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const onAbort = () => {
      done();
      socket.destroy();
      reject(abortReason(signal));
    };
    const onError = (e: Error) => {
      done();
      socket.destroy();
      reject(e);
    };
    const onConnect = () => {
      done();
      // Until the HTTP client takes the socket over (and reports its errors on the request), an
      // error must not go unhandled.
      socket.on('error', ignore);
      resolve(socket);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

/** Connects to the first checked address that answers, and checks the peer once more. */
async function connectChecked(
  hop: Hop,
  addresses: LookupAddress[],
  ctx: Context,
  signal: AbortSignal,
  started: number,
): Promise<net.Socket> {
  const port = hop.url.port ? Number(hop.url.port) : hop.url.protocol === 'https:' ? 443 : 80;
  let socket: net.Socket | undefined;
  for (const a of addresses) {
    try {
      socket = await connectTcp(a, port, signal);
      break;
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      if (!(e instanceof Error)) throw e;
    }
  }
  if (!socket) {
    const ms = Math.max(0, Math.round(performance.now() - started));
    throw curlError(
      `Failed to connect to ${bareHost(hop.url.hostname)} port ${port} after ${ms} ms: Couldn't connect to server`,
    );
  }
  // Second line of defence: the peer must be one of the checked addresses, and allowed.
  const remote = socket.remoteAddress;
  const expected = new Set(addresses.map((a) => canonicalIp(a.address)));
  let ok = false;
  try {
    ok =
      remote !== undefined &&
      expected.has(canonicalIp(remote)) &&
      (ctx.policy.hostAllowed(hop.url.hostname) || ctx.policy.check(remote).allowed);
  } catch {
    ok = false;
  }
  if (!ok) {
    socket.destroy();
    throw badUrl(`connected to ${remote ?? 'an unknown address'}, which is not an address that was checked.`);
  }
  return socket;
}

function tlsHandshake(
  socket: net.Socket,
  hop: Hop,
  ctx: Context,
  signal: AbortSignal,
): Promise<tls.TLSSocket> {
  const host = bareHost(hop.url.hostname);
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      host,
      servername: net.isIP(host) ? undefined : host,
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: true,
      ...(ctx.ca ? { ca: ctx.ca } : {}),
    });
    const done = () => {
      signal.removeEventListener('abort', onAbort);
      secure.off('error', onError);
      secure.off('secureConnect', onSecure);
    };
    const onAbort = () => {
      done();
      secure.destroy();
      reject(abortReason(signal));
    };
    const onError = (e: Error & { code?: string }) => {
      done();
      secure.destroy();
      reject(curlError(tlsErrorText(e, host)));
    };
    const onSecure = () => {
      done();
      secure.on('error', ignore);
      resolve(secure);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    secure.once('error', onError);
    secure.once('secureConnect', onSecure);
  });
}

/** curl's wording for TLS failures. */
function tlsErrorText(e: Error & { code?: string }, host: string): string {
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `SSL: no alternative certificate subject name matches target host name '${host}'`;
  }
  if (e.code && /CERT|SELF_SIGNED|UNABLE_TO|ISSUER/.test(e.code))
    return `SSL certificate problem: ${e.message}`;
  return `OpenSSL SSL_connect: ${e.message}`;
}

/**
 * Without a response there is no status line either: MediaWiki's HTTP client then also reports
 * `http-bad-status`, which shows in the error header (`http-curl-error, http-bad-status`).
 */
function noResponse(e: unknown): never {
  if (e instanceof MwError && /^http-(curl-error|timed-out|request-error)$/.test(e.code)) {
    e.alsoCodes = ['http-bad-status'];
  }
  throw e;
}

// ---- one request ---------------------------------------------------------------------------------

interface Exchange {
  req: ClientRequest;
  res: IncomingMessage;
  socket: net.Socket;
  remoteAddress: string;
}

/** Maps an error of the request phase (before a response) to a MediaWiki error. */
function requestPhaseError(e: unknown): unknown {
  if (e instanceof MwError) return e;
  const err = e as Error & { code?: string };
  if (err?.name === 'AbortError') return e;
  const code = err?.code ?? '';
  if (code === 'ECONNRESET' && /hang up/.test(err.message)) return curlError('Empty reply from server');
  if (code === 'ECONNRESET') return curlError('Recv failure: Connection reset by peer');
  if (code.startsWith('HPE_')) return curlError('Weird server reply');
  return requestError();
}

/** Connects (resolving and checking addresses) and sends one GET; resolves with the response head. */
async function exchange(
  hop: Hop,
  ctx: Context,
  signal: AbortSignal,
  onTimeout: () => void,
): Promise<Exchange> {
  const started = performance.now();
  const { ctl: connectCtl, unlink } = childController(signal);
  const connectTimer = setTimeout(() => connectCtl.abort(timedOut()), ctx.connectTimeoutMs);
  let socket: net.Socket;
  try {
    const addresses = await resolveChecked(hop, ctx, connectCtl.signal);
    socket = await connectChecked(hop, addresses, ctx, connectCtl.signal, started);
    if (hop.url.protocol === 'https:') socket = await tlsHandshake(socket, hop, ctx, connectCtl.signal);
  } finally {
    clearTimeout(connectTimer);
    unlink();
  }
  const remoteAddress = socket.remoteAddress ?? '';
  if (signal.aborted) {
    socket.destroy();
    throw abortReason(signal);
  }
  // Idle timeout for the rest of the exchange, body included.
  socket.setTimeout(ctx.idleTimeoutMs, onTimeout);
  const conn = socket;
  return new Promise<Exchange>((resolve, reject) => {
    const req = http.request({
      createConnection: () => conn,
      method: 'GET',
      path: `${hop.url.pathname}${hop.url.search}`,
      setHost: false,
      headers: {
        Host: hop.url.host,
        'User-Agent': ctx.userAgent,
        Accept: '*/*',
        Connection: 'close',
      },
    });
    const onAbort = () => req.destroy(abortReason(signal) as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    // Stays attached for the life of the request: later errors are handled by streamBody or ignored.
    req.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      conn.destroy();
      reject(signal.aborted ? abortReason(signal) : requestPhaseError(e));
    });
    req.once('response', (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve({ req, res, socket: conn, remoteAddress });
    });
    req.end();
  });
}

// ---- the body ------------------------------------------------------------------------------------

/** Passes bytes through, failing with file-too-large the moment more than `limit` have passed. */
class LimitedBody extends Transform {
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

function bodyPhaseError(e: unknown, received: number, declared: number | undefined): unknown {
  if (e instanceof MwError) return e;
  const err = e as Error & { code?: string };
  if (err?.name === 'AbortError') return e;
  const code = err?.code ?? '';
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /aborted/.test(err?.message ?? '')) {
    return declared !== undefined && declared > received
      ? curlError(`transfer closed with ${declared - received} bytes remaining to read`)
      : curlError('transfer closed with outstanding read data remaining');
  }
  if (code.startsWith('HPE_')) return curlError('Weird server reply');
  return requestError();
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

function isRedirect(status: number, location: string | undefined): boolean {
  if (status === 300) return location !== undefined;
  return [301, 302, 303, 307, 308].includes(status) && location !== undefined;
}

/** Timer delays above 2^31-1 ms would fire at once; a day is as good as forever here. */
const clampDelay = (ms: number): number => Math.max(1, Math.min(ms, 2 ** 31 - 1));

// ---- entry point ---------------------------------------------------------------------------------

/**
 * Opens a URL for a copy upload: checks it, follows redirects, and resolves once a 2xx answer's
 * headers are in, with the body as a size-limited stream. The caller must consume or destroy the body.
 * Rejects with an MwError (see the module comment for the codes) or with the abort signal's reason.
 */
export async function openUrl(rawUrl: string, opts: FetchOptions): Promise<FetchResult> {
  if (!(opts.maxBytes >= 0) || !(opts.timeoutMs > 0))
    throw new RangeError('openUrl: maxBytes and timeoutMs are required');
  let url = parseCopyUploadUrl(rawUrl);
  const domains = opts.domains ?? [];
  if (!isAllowedCopyUploadDomain(url, domains)) throw badDomain();

  const timeoutMs = clampDelay(opts.timeoutMs);
  const ctx: Context = {
    policy: compileAddressPolicy(opts.policy),
    lookup: opts.lookup ?? defaultLookup,
    connectTimeoutMs: Math.min(clampDelay(opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS), timeoutMs),
    idleTimeoutMs: clampDelay(opts.idleTimeoutMs ?? timeoutMs),
    ca: opts.ca,
    userAgent: opts.userAgent ?? DEFAULT_USER_AGENT,
  };
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;

  // One controller for the whole fetch: the total timeout and the caller's signal abort it.
  const { ctl, unlink } = childController(opts.signal ?? new AbortController().signal);
  const totalTimer = setTimeout(() => ctl.abort(timedOut()), timeoutMs);
  const finish = () => {
    clearTimeout(totalTimer);
    unlink();
  };
  const signal = ctl.signal;
  const idle = () => ctl.abort(timedOut());

  try {
    for (let index = 1; ; index++) {
      const hop: Hop = { url, index };
      const { req, res, socket, remoteAddress } = await exchange(hop, ctx, signal, idle).catch(noResponse);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (isRedirect(status, location)) {
        discard(res, socket);
        if (index >= maxRedirects) throw tooManyRedirects();
        url = redirectTarget(url, location as string, domains);
        continue;
      }
      if (status < 200 || status > 299) {
        discard(res, socket);
        throw badStatus(status, res.statusMessage || http.STATUS_CODES[status] || '');
      }
      const contentLength = parseContentLength(res.headers['content-length']);
      if (contentLength !== undefined && contentLength > opts.maxBytes) {
        discard(res, socket);
        throw fileTooLarge(opts.maxBytes);
      }
      const body = streamBody(req, res, socket, opts.maxBytes, contentLength, signal, finish);
      const contentType = res.headers['content-type'];
      return {
        body,
        status,
        ...(contentType !== undefined ? { contentType } : {}),
        ...(contentLength !== undefined ? { contentLength } : {}),
        finalUrl: url.href,
        remoteAddress,
        redirects: index - 1,
      };
    }
  } catch (e) {
    finish();
    if (signal.aborted && !(e instanceof MwError)) throw abortReason(signal);
    throw e;
  }
}

/** Drops a response that is not used (redirect, error status, too large): closes the connection. */
function discard(res: IncomingMessage, socket: net.Socket): void {
  res.on('error', ignore);
  socket.destroy();
}

/** Wires a response into a LimitedBody that owns the connection from now on. */
function streamBody(
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
