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
 *
 * The pieces: copy-url.ts (which URLs and redirect targets pass), connect.ts (address checks and
 * connecting, per hop), body.ts (the size-limited body), fetch-errors.ts (codes and curl's wording).
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import type net from 'node:net';
import type { Readable } from 'node:stream';
import { MwError } from '../../errors.js';
import { MW_VERSION, MWUP_VERSION } from '../../version.js';
import { fileTooLarge } from '../receive.js';
import { abortReason, childController, clampDelay } from './abort.js';
import { type AddressPolicy, compileAddressPolicy } from './address-policy.js';
import { discard, parseContentLength, streamBody } from './body.js';
import { type ConnectContext, connectHop, defaultLookup, type Hop, type LookupFn } from './connect.js';
import { isRedirect, parseCopyUploadUrl, redirectTarget } from './copy-url.js';
import { isAllowedCopyUploadDomain } from './domains.js';
import {
  badDomain,
  badStatus,
  noResponse,
  requestPhaseError,
  timedOut,
  tooManyRedirects,
} from './fetch-errors.js';

export type { LookupFn } from './connect.js';
export { parseCopyUploadUrl } from './copy-url.js';
export { badDomain, invalidUrl } from './fetch-errors.js';

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

interface Context extends ConnectContext {
  idleTimeoutMs: number;
  userAgent: string;
}

interface Exchange {
  req: ClientRequest;
  res: IncomingMessage;
  socket: net.Socket;
  remoteAddress: string;
}

/** Connects (resolving and checking addresses) and sends one GET; resolves with the response head. */
async function exchange(
  hop: Hop,
  ctx: Context,
  signal: AbortSignal,
  onTimeout: () => void,
): Promise<Exchange> {
  const socket = await connectHop(hop, ctx, signal);
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
