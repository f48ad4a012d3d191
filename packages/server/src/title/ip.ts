/**
 * IPUtils::sanitizeIP as MediaWiki applies it to User and User talk titles, so that one IP address
 * has one page name: leading zeros are dropped from IPv4 octets, IPv6 is upper-cased, `::` is
 * expanded and leading zeros are dropped from each word.
 *
 * IPv6 addresses are checked and expanded by ipaddr.js. IPv4 keeps MediaWiki's own pattern: IPUtils
 * reads an octet with leading zeros (`010`) as decimal, ipaddr.js as octal, and ipaddr.js also
 * takes short and hexadecimal forms (`127.1`, `0x7f.0.0.1`) that MediaWiki does not.
 */
import ipaddr from 'ipaddr.js';
import { phpTrim } from './php-compat.js';

const BYTE = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|0?[0-9]?[0-9])';
const IPV4 = new RegExp(`^${BYTE}\\.${BYTE}\\.${BYTE}\\.${BYTE}(?:/(?:3[0-2]|[12][0-9]|[0-9]))?$`);
const IPV6_PREFIX = /^(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9])$/;
/** IPUtils takes hexadecimal words only: no embedded IPv4 part, no zone. */
const IPV6_CHARS = /^[0-9A-Fa-f:]+$/;

/** An address and its `/prefix` ('' when there is none). */
function splitCidr(s: string): [address: string, cidr: string] {
  const slash = s.indexOf('/');
  return slash === -1 ? [s, ''] : [s.slice(0, slash), s.slice(slash)];
}

/** IPUtils::isIPv4 (an address, optionally with a /prefix). */
export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** IPUtils::isIPv6 (an address, optionally with a /prefix). */
export function isIPv6(s: string): boolean {
  const [address, cidr] = splitCidr(s);
  if (!IPV6_CHARS.test(address) || !ipaddr.IPv6.isValid(address)) return false;
  return cidr === '' || IPV6_PREFIX.test(cidr.slice(1));
}

/** IPUtils::isIPAddress. */
export function isIPAddress(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** IPUtils::sanitizeIP: anything that is not an IP address comes back trimmed but otherwise unchanged. */
export function sanitizeIP(input: string): string | null {
  const ip = phpTrim(input);
  if (ip === '') return null;
  if (!isIPAddress(ip)) return ip;
  if (isIPv4(ip)) return ip.replace(/(?:^|(?<=\.))0+(?=[1-9]|0[./]|0$)/g, '');
  const [address, cidr] = splitCidr(ip);
  // IPUtils expands a bare `::` before a prefix one word short: `::/64` → `0:0:0:0:0:0:0:/64`.
  if (address === '::' && cidr !== '') return `0:0:0:0:0:0:0:${cidr}`;
  return ipaddr.IPv6.parse(address).toNormalizedString().toUpperCase() + cidr;
}
