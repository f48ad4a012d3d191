/**
 * Which URLs a copy upload may fetch: MediaWiki's MWHttpRequest::isValidURI (http or https, a host,
 * no whitespace), the domain allow-list, and the same checks for every redirect target.
 */
import { isAllowedCopyUploadDomain } from './domains.js';
import { badDomain, invalidUrl } from './fetch-errors.js';

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

/** Whether an answer is a redirect MediaWiki follows (300–303), or 307/308 (followed with GET). */
export function isRedirect(status: number, location: string | undefined): boolean {
  if (status === 300) return location !== undefined;
  return [301, 302, 303, 307, 308].includes(status) && location !== undefined;
}

/** Resolves a Location header against the current URL and checks the target like the first URL. */
export function redirectTarget(current: URL, location: string, domains: readonly string[]): URL {
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

/** A URL hostname without the brackets of an IPv6 literal. */
export const bareHost = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
