/**
 * A small RFC 6265 cookie jar for runtimes where `fetch` does not keep cookies (Node). Browsers manage
 * cookies themselves and never expose `Set-Cookie`, so the jar is simply left out there.
 */
interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  expires: number | undefined;
}

export interface SerializedCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  expires?: number;
}

function defaultPath(url: URL): string {
  const p = url.pathname;
  if (!p.startsWith('/')) return '/';
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^[\d.]+$/.test(host));
}

function pathMatches(reqPath: string, cookiePath: string): boolean {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath.charAt(cookiePath.length) === '/';
}

export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** Stores the cookies of one response. `setCookies` are the raw `Set-Cookie` header values. */
  store(url: string | URL, setCookies: readonly string[], now = Date.now()): void {
    const u = typeof url === 'string' ? new URL(url) : url;
    for (const header of setCookies) {
      const parsed = this.#parse(u, header, now);
      if (!parsed) continue;
      this.#cookies = this.#cookies.filter(
        (c) => !(c.name === parsed.name && c.domain === parsed.domain && c.path === parsed.path),
      );
      if (parsed.expires === undefined || parsed.expires > now) this.#cookies.push(parsed);
    }
  }

  /** The `Cookie` header value for a request to `url`, or undefined when no cookie applies. */
  header(url: string | URL, now = Date.now()): string | undefined {
    const u = typeof url === 'string' ? new URL(url) : url;
    const host = u.hostname.toLowerCase();
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
    const matching = this.#cookies
      .filter((c) => (c.hostOnly ? host === c.domain : domainMatches(host, c.domain)))
      .filter((c) => pathMatches(u.pathname || '/', c.path))
      .filter((c) => !c.secure || u.protocol === 'https:' || host === 'localhost' || host === '127.0.0.1')
      .sort((a, b) => b.path.length - a.path.length);
    if (matching.length === 0) return undefined;
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  clear(): void {
    this.#cookies = [];
  }

  toJSON(): SerializedCookie[] {
    return this.#cookies.map((c) => ({ ...c, expires: c.expires }) as SerializedCookie);
  }

  static fromJSON(list: readonly SerializedCookie[]): CookieJar {
    const jar = new CookieJar();
    jar.#cookies = list.map((c) => ({ ...c, expires: c.expires }));
    return jar;
  }

  #parse(url: URL, header: string, now: number): StoredCookie | undefined {
    const [pair, ...attrs] = header.split(';');
    if (pair === undefined) return undefined;
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const host = url.hostname.toLowerCase();
    const cookie: StoredCookie = {
      name,
      value,
      domain: host,
      hostOnly: true,
      path: defaultPath(url),
      secure: false,
      expires: undefined,
    };
    let maxAgeSeen = false;
    for (const attr of attrs) {
      const i = attr.indexOf('=');
      const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? '' : attr.slice(i + 1).trim();
      if (key === 'max-age') {
        const secs = Number.parseInt(val, 10);
        if (Number.isFinite(secs)) {
          cookie.expires = secs <= 0 ? 0 : now + secs * 1000;
          maxAgeSeen = true;
        }
      } else if (key === 'expires' && !maxAgeSeen) {
        const t = Date.parse(val);
        if (Number.isFinite(t)) cookie.expires = t;
      } else if (key === 'domain' && val) {
        const d = val.replace(/^\./, '').toLowerCase();
        if (!domainMatches(host, d)) return undefined;
        cookie.domain = d;
        cookie.hostOnly = false;
      } else if (key === 'path' && val.startsWith('/')) {
        cookie.path = val;
      } else if (key === 'secure') {
        cookie.secure = true;
      }
    }
    return cookie;
  }
}
