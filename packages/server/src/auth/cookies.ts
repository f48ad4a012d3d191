import type { Config } from '../config.js';

export const sessionCookieName = (cfg: Config) => `${cfg.sessions.cookiePrefix}_session`;

/** Set-Cookie value for the session cookie; `null` clears it. */
export function sessionCookie(cfg: Config, value: string | null): string {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (cfg.sessions.secure) attrs.push('Secure');
  if (value === null) return `${sessionCookieName(cfg)}=deleted; Max-Age=0; ${attrs.join('; ')}`;
  return `${sessionCookieName(cfg)}=${value}; Max-Age=${cfg.sessions.maxAgeSeconds}; ${attrs.join('; ')}`;
}
