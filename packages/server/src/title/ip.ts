/**
 * IPUtils::sanitizeIP as MediaWiki applies it to User and User talk titles, so that one IP address
 * has one page name: leading zeros are dropped from IPv4 octets, IPv6 is upper-cased, `::` is
 * expanded and leading zeros are dropped from each word.
 */
import { phpTrim } from './php-compat.js';

const BYTE = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|0?[0-9]?[0-9])';
const IPV4 = new RegExp(`^${BYTE}\\.${BYTE}\\.${BYTE}\\.${BYTE}(?:/(?:3[0-2]|[12][0-9]|[0-9]))?$`);
const IPV6_PREFIX = /^(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9])$/;
const WORD = /^[0-9A-Fa-f]{1,4}$/;

function isIPv6Address(s: string): boolean {
  if (s === '::') return true;
  const gap = s.indexOf('::');
  if (gap === -1) {
    const words = s.split(':');
    return words.length === 8 && words.every((w) => WORD.test(w));
  }
  if (s.includes('::', gap + 1)) return false;
  const head = s.slice(0, gap);
  const tail = s.slice(gap + 2);
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  if (![...h, ...t].every((w) => WORD.test(w))) return false;
  const n = h.length + t.length;
  if (h.length === 0 || t.length === 0) return n >= 1 && n <= 7;
  return n >= 2 && n <= 7;
}

/** IPUtils::isIPv4 (an address, optionally with a /prefix). */
export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** IPUtils::isIPv6 (an address, optionally with a /prefix). */
export function isIPv6(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash === -1) return isIPv6Address(s);
  return isIPv6Address(s.slice(0, slash)) && IPV6_PREFIX.test(s.slice(slash + 1));
}

/** IPUtils::isIPAddress. */
export function isIPAddress(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** IPUtils::sanitizeIP: anything that is not an IP address comes back trimmed but otherwise unchanged. */
export function sanitizeIP(input: string): string | null {
  let ip = phpTrim(input);
  if (ip === '') return null;
  if (!isIPAddress(ip)) return ip;
  if (isIPv4(ip)) return ip.replace(/(?:^|(?<=\.))0+(?=[1-9]|0[./]|0$)/g, '');
  ip = ip.toUpperCase();
  const gap = ip.indexOf('::');
  if (gap !== -1) {
    const cidr = ip.indexOf('/');
    const addressEnd = cidr !== -1 ? cidr - 1 : ip.length - 1;
    let repeat: string;
    let extra: string;
    let pad: number;
    if (gap === 0) {
      repeat = '0:';
      extra = ip === '::' ? '0' : '';
      pad = 9;
    } else if (gap === addressEnd - 1) {
      repeat = ':0';
      extra = '';
      pad = 9;
    } else {
      repeat = ':0';
      extra = ':';
      pad = 8;
    }
    const colons = ip.split(':').length - 1;
    ip = ip.split('::').join(repeat.repeat(Math.max(0, pad - colons)) + extra);
  }
  return ip.replace(/(^|:)0+([0-9A-Fa-f]{1,4})/g, '$1$2');
}
