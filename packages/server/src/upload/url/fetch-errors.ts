/**
 * The errors of a copy upload's fetch, with the codes MediaWiki 1.39 gives clients and the wording
 * curl uses for network failures (MediaWiki fetches with Guzzle over curl).
 */
import { MwError } from '../../errors.js';

export const invalidUrl = (url: string): MwError => new MwError('http-invalid-url', `Invalid URL: ${url}`);
export const badDomain = (): MwError =>
  new MwError('copyuploadbaddomain', 'Uploads by URL are not allowed from this domain.');
export const badUrl = (why: string): MwError =>
  new MwError('copyuploadbadurl', `Upload not allowed from this URL: ${why}`);
export const timedOut = (): MwError => new MwError('http-timed-out', 'HTTP request timed out.');
export const curlError = (text: string): MwError =>
  new MwError('http-curl-error', `Error fetching URL: ${text}`);
const requestError = (): MwError =>
  new MwError('http-request-error', 'HTTP request failed due to unknown error.');
export const tooManyRedirects = (): MwError =>
  new MwError('upload-too-many-redirects', 'The URL contained too many redirects');
export const badStatus = (status: number, reason: string): MwError =>
  new MwError('http-bad-status', `There was a problem during the HTTP request: ${status} ${reason}`);

/** curl's wording for TLS failures. */
export function tlsErrorText(e: Error & { code?: string }, host: string): string {
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
export function noResponse(e: unknown): never {
  if (e instanceof MwError && /^http-(curl-error|timed-out|request-error)$/.test(e.code)) {
    e.alsoCodes = ['http-bad-status'];
  }
  throw e;
}

/** Maps an error of the request phase (before a response) to a MediaWiki error. */
export function requestPhaseError(e: unknown): unknown {
  if (e instanceof MwError) return e;
  const err = e as Error & { code?: string };
  if (err?.name === 'AbortError') return e;
  const code = err?.code ?? '';
  if (code === 'ECONNRESET' && /hang up/.test(err.message)) return curlError('Empty reply from server');
  if (code === 'ECONNRESET') return curlError('Recv failure: Connection reset by peer');
  if (code.startsWith('HPE_')) return curlError('Weird server reply');
  return requestError();
}

/** Maps an error while the body streams to a MediaWiki error. */
export function bodyPhaseError(e: unknown, received: number, declared: number | undefined): unknown {
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
