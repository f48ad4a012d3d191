/**
 * Errors are values with MediaWiki codes. A layer that knows what went wrong throws an MwError;
 * the Action API framework renders it once, in whatever error format the request asked for.
 */
export type ErrorData = Record<string, unknown>;

/** A message as errorformat=raw shows it: MediaWiki's key and its parameters. */
export interface RawMessage {
  key: string;
  params: unknown[];
}

export class MwError extends Error {
  readonly code: string;
  /** Extra fields merged into the error object (e.g. `details`, `offset`, `filekey`). */
  readonly data: ErrorData;
  /** The module the error is reported for in errorformat!=bc output (`module` field). */
  module?: string;
  /**
   * An upload error after which the file is kept in the stash so the client can retry with another
   * name (MediaWiki's "recoverable" errors: the answer carries `filekey` and `sessionkey`).
   */
  recoverable = false;
  /**
   * Codes of further errors MediaWiki reports in the same status: they only show in the
   * `MediaWiki-API-Error` header (a refused connection is `http-curl-error, http-bad-status`).
   */
  alsoCodes: string[] = [];
  /** MediaWiki's message key and parameters, for errorformat=raw (else the code and no parameters). */
  rawMessage?: RawMessage;

  constructor(code: string, info: string, data: ErrorData = {}) {
    super(info);
    this.name = 'MwError';
    this.code = code;
    this.data = data;
  }

  get info(): string {
    return this.message;
  }

  /** A copy of this error with extra data fields (e.g. a stashed upload's `filekey`). */
  withData(extra: ErrorData): MwError {
    const e = new MwError(this.code, this.message, { ...this.data, ...extra });
    e.module = this.module;
    e.recoverable = this.recoverable;
    e.alsoCodes = this.alsoCodes;
    e.rawMessage = this.rawMessage;
    return e;
  }

  /** This error with MediaWiki's message key and parameters (errorformat=raw). */
  withMessage(key: string, params: unknown[]): this {
    this.rawMessage = { key, params };
    return this;
  }
}

/** Mark an error as recoverable (see MwError.recoverable) and return it. */
export function recoverable(e: MwError): MwError {
  e.recoverable = true;
  return e;
}

export const isMwError = (e: unknown): e is MwError => e instanceof MwError;

/** The `MediaWiki-API-Error` header value for an error. */
export const errorHeader = (e: MwError): string => [e.code, ...e.alsoCodes].join(', ');

/** System error codes of storage that is full, read-only or failing. */
const STORAGE_FAILURES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

/** Errors of a connection that could not be made or was lost. */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/** MediaWiki's name of the repository's storage backend, whatever the store is. */
const BACKEND = 'local-backend';

/**
 * MediaWiki's answer when the storage backend fails: `backend-fail-internal` for a full disk, a
 * read-only or broken file system, or an object store's error that persisted through its retries;
 * `backend-fail-connect` when the object store could not be reached. Never the system's own
 * message. Null for other errors.
 */
export function backendFailure(e: unknown): MwError | null {
  const err = e as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  const code = err?.code;
  if (typeof code === 'string' && STORAGE_FAILURES.has(code)) return backendError('internal');
  // The AWS SDK marks every error of an S3 request with `$metadata`.
  if (err?.$metadata === undefined) return null;
  const unreachable =
    err.$metadata.httpStatusCode === undefined &&
    ((typeof code === 'string' && CONNECTION_FAILURES.has(code)) || err.name === 'TimeoutError');
  return backendError(unreachable ? 'connect' : 'internal');
}

function backendError(kind: 'internal' | 'connect'): MwError {
  return kind === 'connect'
    ? new MwError('backend-fail-connect', `Could not connect to storage backend "${BACKEND}".`)
    : new MwError('backend-fail-internal', `An unknown error occurred in storage backend "${BACKEND}".`);
}
