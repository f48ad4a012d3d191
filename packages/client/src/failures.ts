/**
 * Which failures retrying cannot fix. A host that refuses connections or whose name does not resolve
 * before it ever answered, a TLS certificate or protocol failure, or an answer that is not the Action
 * API (an HTML page, a 404) will be the same on every attempt: they end at once with a message saying
 * what is wrong.
 * Timeouts, 5xx, truncated answers and connections lost after the host answered are transient.
 */
import { HttpError, type MwClientError } from './errors.js';

/**
 * Connection errors that mean the host is not there: final before it ever answered; after that a
 * restart or a blip of the network, retried.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const TLS_CODE =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|EPROTO$)/;

function causeOf(e: MwClientError): { code?: string; message?: string } {
  const c = (e.cause ?? {}) as { cause?: unknown; code?: string; message?: string };
  const inner = (c.cause ?? c) as { code?: string; message?: string; errors?: { code?: string }[] };
  return { code: inner.code ?? inner.errors?.[0]?.code, message: inner.message };
}

/**
 * The same network failure, made final with a plain message when retrying cannot help; otherwise
 * `err` itself. `answeredBefore`: the host has given an API answer in this session.
 */
export function finalNetworkFailure(
  err: MwClientError,
  where: string,
  answeredBefore: boolean,
): MwClientError {
  if (err.code !== 'network') return err;
  const { code = String(err.data.errno ?? ''), message = '' } = causeOf(err);
  const host = (() => {
    try {
      return new URL(where).host;
    } catch {
      return where;
    }
  })();
  let info: string | undefined;
  if (code === 'ENOTFOUND' && !answeredBefore)
    info = `host not found: ${host} (the name in ${where} does not resolve)`;
  else if (TLS_CODE.test(code) || (!answeredBefore && /\b(TLS|SSL)\b|certificate/i.test(message)))
    info = `TLS error at ${where}: ${message.split('\n')[0] || code}`;
  else if (message === 'bad port')
    info = `${where}: this port is not allowed for HTTP (fetch blocks it as unsafe)`;
  else if (!answeredBefore && UNREACHABLE.has(code)) {
    info =
      code === 'ECONNREFUSED'
        ? `connection refused at ${where}`
        : code === 'EAI_AGAIN'
          ? `host not found: ${host} (DNS lookup failed)`
          : `host unreachable: ${where}`;
  }
  if (info === undefined) return err;
  return new HttpError({
    code: 'network',
    info,
    retryable: false,
    data: { ...err.data, ...(code ? { errno: code } : {}) },
    cause: err.cause,
  });
}

/** The `<title>` of an HTML page, shortened. */
function htmlTitle(text: string): string | undefined {
  const m = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text);
  const t = m?.[1]?.replace(/\s+/g, ' ').trim();
  return t ? (t.length > 80 ? `${t.slice(0, 79)}…` : t) : undefined;
}

/**
 * A successful (2xx) answer that is not API JSON. An HTML page or other non-JSON content is final
 * ("… is not a MediaWiki API"); an empty or cut-off JSON body is transient.
 */
export function nonApiAnswer(
  res: { status: number; headers: Headers },
  text: string,
  where: string,
  action: string,
  parsed: boolean,
): HttpError {
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const start = text.trimStart();
  const looksJson = start === '' || start.startsWith('{') || start.startsWith('[');
  if (looksJson && !parsed && !type.includes('html')) {
    return new HttpError({
      code: 'badresponse',
      info: `The answer to ${action} is not complete API JSON (HTTP ${res.status}, ${text.length} bytes: ${text.slice(0, 120).replace(/\s+/g, ' ')})`,
      httpStatus: res.status,
      retryable: true,
      ambiguous: true,
    });
  }
  const html = type.includes('html') || start.startsWith('<');
  const title = html ? htmlTitle(text) : undefined;
  const got = html
    ? `got an HTML page${title ? ` titled "${title}"` : ''}`
    : parsed
      ? 'got JSON that is not an API answer'
      : `got ${type || 'a non-JSON answer'}: ${text.slice(0, 80).replace(/\s+/g, ' ')}`;
  return new HttpError({
    code: 'badresponse',
    info: `${where} is not a MediaWiki API (${got})`,
    httpStatus: res.status,
    retryable: false,
  });
}

/** A 404 (or 410) from the API URL: there is no API there. */
export function notFound(status: number, statusText: string, where: string): HttpError {
  return new HttpError({
    code: 'http',
    info: `${where} is not a MediaWiki API (HTTP ${status}${statusText ? ` ${statusText}` : ''}: nothing there)`,
    httpStatus: status,
    retryable: false,
    data: { status },
  });
}
