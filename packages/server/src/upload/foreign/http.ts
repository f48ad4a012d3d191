/**
 * GET requests to a foreign repository, through the fetcher of uploads by URL (src/upload/url): the
 * same address checks (the repository's own host, which the administrator named, is allowed
 * whatever its address; redirects elsewhere and every other host follow the rules of uploads by
 * URL, `copyUploads.allowAddresses` included), connect and total timeouts, a size limit, and
 * ForeignAPIRepo's User-Agent.
 */
import { MwError } from '../../errors.js';
import { DEFAULT_USER_AGENT, openUrl } from '../url/fetch.js';

/** ForeignAPIRepo::VERSION, which MediaWiki puts in its User-Agent. */
const FOREIGN_API_VERSION = '2.1';

/** Largest answer read: API answers and rendered description pages are far smaller. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export interface ForeignHttp {
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Hosts connected to whatever their address (the repository's own). */
  trustedHosts: string[];
  /** `copyUploads.allowAddresses` */
  allowCidrs: string[];
  /** This wiki's `server`, for the User-Agent (MediaWiki gives its canonical server). */
  server: string;
}

/** ForeignAPIRepo::getUserAgent */
export const foreignUserAgent = (server: string): string =>
  `${DEFAULT_USER_AGENT} (${server}) ForeignAPIRepo/${FOREIGN_API_VERSION}`;

/**
 * Whether a failed request says the repository cannot be reached (timeout, refused or broken
 * connection, refused address), as opposed to an answer it did give (a 404, a body that is not JSON).
 */
export function isUnreachable(e: unknown): boolean {
  if (!(e instanceof MwError)) return true;
  return e.code !== 'http-bad-status' && e.code !== 'file-too-large';
}

/** The body of a 2xx answer to a GET of `url`, as text. Throws an MwError (the URL fetcher's codes). */
export async function getText(url: string, o: ForeignHttp): Promise<string> {
  const res = await openUrl(url, {
    maxBytes: MAX_ANSWER_BYTES,
    timeoutMs: o.timeoutMs,
    connectTimeoutMs: o.connectTimeoutMs,
    policy: { allowCidrs: o.allowCidrs, allowHosts: o.trustedHosts },
    userAgent: foreignUserAgent(o.server),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
