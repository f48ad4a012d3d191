/** What an Action API session is configured with and what its requests and answers look like. */
import type { CookieJar } from './cookies.js';
import type { MwClientError } from './errors.js';
import type { UploadSource } from './source.js';
import type { BackoffOptions } from './util.js';

export const CLIENT_VERSION = '0.1.0';

export interface MwApiOptions {
  /** The wiki's api.php URL, e.g. `https://commons.wikimedia.org/w/api.php`. */
  api: string;
  /** Bot-password user name (`User@app`). */
  username?: string;
  /** Bot password. Never logged. */
  password?: string;
  /**
   * An OAuth 2 access token (e.g. of an owner-only consumer), used instead of a bot password: sent as
   * `Authorization: Bearer …` on every request; no login, and no cookies kept or sent. Never logged.
   */
  oauthToken?: string;
  /** Sent as `User-Agent` (or `Api-User-Agent` in browsers). Wikimedia wikis ask for a contact address in it. */
  userAgent?: string;
  fetch?: typeof globalThis.fetch;
  /** A cookie jar, `false` for none (browsers keep cookies themselves). Default: a jar outside browsers. */
  cookieJar?: CookieJar | false;
  /** `maxlag` parameter sent on every request (default 5); `false` to leave it out. */
  maxlag?: number | false;
  /** Send `assert=user` on requests after login (default true). */
  assertUser?: boolean;
  /** Retries per request for transient failures (default 8). */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Timeout of a request without file data, ms (default 60 s; 0 for none). */
  requestTimeoutMs?: number;
  /** Timeout of a request carrying file data, ms (default 10 min; 0 for none). */
  uploadTimeoutMs?: number;
  /** First and largest delay between `checkstatus` polls, ms (defaults 1 s and 30 s). */
  pollIntervalMs?: number;
  pollMaxIntervalMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Called for API warnings (`warnings` at the top level of an answer). */
  onApiWarning?: (module: string, text: string) => void;
  /** Called before each retry. */
  onRetry?: (e: { error: MwClientError; attempt: number; delayMs: number; action: string }) => void;
  /** Sends requests that carry a file range (set by the Node entry); otherwise fetch + FormData. */
  fileTransport?: FileTransport;
}

/** A file part: in-memory bytes or a Blob, or a byte range of an upload source read while sending. */
export interface RequestFile {
  data?: Uint8Array | Blob;
  range?: { source: UploadSource; start: number; end: number };
  filename: string;
  type?: string;
}

/** What a file transport answers (the subset of a fetch Response the client reads). */
export interface TransportAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/**
 * Sends a multipart request whose file part is a source range, without going through fetch (the Node
 * entry streams it from disk through reused buffers). Errors should carry Node's `code` (ECONNRESET…).
 */
export type FileTransport = (req: {
  url: URL;
  headers: Headers;
  fields: [string, string][];
  field: string;
  file: RequestFile & { range: NonNullable<RequestFile['range']> };
  signal: AbortSignal;
}) => Promise<TransportAnswer>;

export interface RequestOptions {
  method?: 'GET' | 'POST';
  files?: Record<string, RequestFile>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * `all`: retry any transient failure (reads). `safe`: retry only failures that cannot have taken effect
   * (maxlag, readonly, ratelimited, connection refused). `none`: no retry.
   */
  retry?: 'all' | 'safe' | 'none';
}

export interface SiteInfo {
  generator: string;
  sitename?: string;
  maxuploadsize?: number;
  minuploadchunksize?: number;
  fileextensions?: string[];
  server?: string;
}
