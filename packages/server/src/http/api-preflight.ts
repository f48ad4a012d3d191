/**
 * The Action API's answer to `OPTIONS` (a CORS preflight), as MediaWiki's ApiMain::handleCORS gives
 * it: with `origin=*` any page may send the request that follows, without credentials; with `origin`
 * naming the page's own origin (the `Origin` header), an origin of `corsOrigins` may, with
 * credentials. The request may carry the headers of MediaWiki's `$wgAllowedCorsHeaders` — among them
 * `Authorization`, for OAuth bearer tokens. Nothing runs: the answer is headers and an empty body.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** `$wgAllowedCorsHeaders` of MediaWiki 1.39. */
export const ALLOWED_CORS_HEADERS = [
  'Accept',
  'Accept-Language',
  'Content-Language',
  'Content-Type',
  'Accept-Encoding',
  'DNT',
  'Origin',
  'User-Agent',
  'Api-User-Agent',
  'Access-Control-Max-Age',
  'Authorization',
];

/** Headers of the answer a page may read (an `OPTIONS` request that is not a preflight). */
const EXPOSED_HEADERS = 'MediaWiki-API-Error, Retry-After, X-Database-Lag, MediaWiki-Login-Suppressed';

const ALLOWED = new Set(ALLOWED_CORS_HEADERS.map((h) => h.toLowerCase()));

export interface PreflightAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);

/** The answer to `OPTIONS api.php?…` with these query parameters and request headers. */
export function preflightAnswer(
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  corsOrigins: readonly string[],
): PreflightAnswer {
  const answer: PreflightAnswer = { status: 200, headers: {}, body: '' };
  const origin = query.get('origin');
  if (origin === null) return answer;
  const h = answer.headers;
  let allowOrigin: string;
  let credentials: 'true' | 'false';
  let matched: boolean;
  if (origin === '*') {
    // Anonymous CORS: the request that follows is answered as to a user who is not logged in.
    h['mediawiki-login-suppressed'] = 'true';
    allowOrigin = '*';
    credentials = 'false';
    matched = true;
  } else {
    const header = (one(headers.origin) ?? '').trim();
    const origins = header === '' ? [] : header.split(/\s+/);
    if (!origins.includes(origin)) {
      return {
        status: 403,
        headers: { 'cache-control': 'no-cache', 'content-type': 'text/html; charset=UTF-8' },
        body: "'origin' parameter does not match Origin header\n",
      };
    }
    allowOrigin = header;
    credentials = 'true';
    matched = origins.every((o) => corsOrigins.includes(o));
  }
  if (!matched) {
    h['mediawiki-cors-rejection'] = 'Origin mismatch';
    h.vary = 'Origin';
    return answer;
  }
  const preflight = headers['access-control-request-method'] !== undefined;
  if (preflight) {
    const requested = one(headers['access-control-request-headers']);
    if (requested !== undefined) {
      const names = requested.trim() === '' ? [] : requested.split(',').map((n) => n.trim().toLowerCase());
      if (!names.every((n) => ALLOWED.has(n))) {
        h['mediawiki-cors-rejection'] = 'Unsupported header requested in preflight';
        return answer;
      }
      h['access-control-allow-headers'] = requested;
    }
    h['access-control-allow-methods'] = 'POST, GET, HEAD';
  }
  h['access-control-allow-origin'] = allowOrigin;
  h['access-control-allow-credentials'] = credentials;
  if (credentials === 'true') h['timing-allow-origin'] = allowOrigin;
  if (!preflight) h['access-control-expose-headers'] = EXPOSED_HEADERS;
  if (origin !== '*') h.vary = 'Origin';
  return answer;
}
