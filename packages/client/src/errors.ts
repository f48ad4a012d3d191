/**
 * Typed client errors. Every failure the client reports is an `MwClientError` with a MediaWiki-style
 * `code`, a human-readable `info`, extra `data` (the fields the server merged into its error object,
 * e.g. `offset` for `stashfailed`), and a `retryable` flag.
 */
export type ErrorData = Record<string, unknown>;

export interface MwClientErrorInit {
  code: string;
  info: string;
  data?: ErrorData;
  retryable?: boolean;
  /** The request may have reached the server and taken effect (lost response, timeout, 5xx). */
  ambiguous?: boolean;
  httpStatus?: number;
  /** Seconds from a `Retry-After` header, when the server sent one. */
  retryAfter?: number;
  cause?: unknown;
}

export class MwClientError extends Error {
  readonly code: string;
  readonly data: ErrorData;
  readonly retryable: boolean;
  readonly ambiguous: boolean;
  readonly httpStatus: number | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: MwClientErrorInit) {
    super(init.info, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MwClientError';
    this.code = init.code;
    this.data = init.data ?? {};
    this.retryable = init.retryable ?? false;
    this.ambiguous = init.ambiguous ?? false;
    this.httpStatus = init.httpStatus;
    this.retryAfter = init.retryAfter;
  }

  get info(): string {
    return this.message;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, info: this.info, data: this.data, retryable: this.retryable };
  }
}

/** An error object returned by the MediaWiki Action API (`{"error":{"code","info",…}}`). */
export class ApiError extends MwClientError {
  constructor(init: MwClientErrorInit) {
    super({ ...init, retryable: init.retryable ?? isRetryableApiCode(init.code) });
    this.name = 'ApiError';
  }
}

/** The HTTP exchange failed: connection refused/reset, timeout, non-2xx status or a body that is not API JSON. */
export class HttpError extends MwClientError {
  constructor(init: MwClientErrorInit) {
    super(init);
    this.name = 'HttpError';
  }
}

/** A client-side protocol failure (changed local file, checksum mismatch, lost upload session, …). */
export class UploadError extends MwClientError {
  constructor(init: MwClientErrorInit) {
    super(init);
    this.name = 'UploadError';
  }
}

/** The login request was answered but refused (`login.result` is not `Success`). */
export class LoginError extends MwClientError {
  constructor(init: MwClientErrorInit) {
    super(init);
    this.name = 'LoginError';
  }
}

const RETRYABLE_CODES = new Set([
  'maxlag',
  'ratelimited',
  'readonly',
  'uploadstash-exception',
  'stashfilestorage',
  'lockmanager-fail-conflict',
  'http-timed-out',
  'http-curl-error',
  'http-request-error',
  'api-error-stashfailed',
  'api-error-publishfailed',
]);

/**
 * Whether an API error code describes a transient condition: server lag, rate limits, read-only mode,
 * and storage blips (`internal_api_error_*` exceptions such as `UploadChunkFileException` or
 * `DBQueryError`, `backend-fail-*`, `uploadstash-exception`). Verification, permission and
 * parameter errors are final.
 */
export function isRetryableApiCode(code: string): boolean {
  return (
    RETRYABLE_CODES.has(code) || code.startsWith('internal_api_error_') || code.startsWith('backend-fail-')
  );
}

/** Stash-key-not-found errors, in both the 1.39 spelling and the older one. */
export const STASH_NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'uploadstash-file-not-found',
  'stashedfilenotfound',
  'uploadstash-no-such-key',
  'stashnosuchfilekey',
  'uploadstash-bad-path',
  'stashpathinvalid',
  'uploadstash-zero-length',
  'stashzerolength',
]);

export const isStashNotFound = (e: unknown): boolean =>
  e instanceof MwClientError && STASH_NOT_FOUND_CODES.has(e.code);

export const isMwClientError = (e: unknown): e is MwClientError => e instanceof MwClientError;

/** True for the error an aborted `AbortSignal` produces (the signal's reason or a DOMException `AbortError`). */
export function isAbortError(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted && e === signal.reason) return true;
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}
