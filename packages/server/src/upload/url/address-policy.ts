import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which network addresses a copy upload may connect to.
 *
 * The default (an empty policy) allows only globally routable unicast addresses. Everything else is
 * refused: loopback, RFC 1918 private, link-local (including the cloud metadata address
 * 169.254.169.254), carrier-grade NAT, multicast, broadcast, unspecified, IPv6 unique-local,
 * documentation, benchmarking and other special-purpose ranges, in IPv4 and IPv6.
 *
 * IPv6 forms that carry an IPv4 address are judged by that IPv4 address:
 * - IPv4-mapped `::ffff:a.b.c.d` and IPv4-translated `::ffff:0:a.b.c.d` (a dual-stack socket connects
 *   to the IPv4 address itself);
 * - NAT64 `64:ff9b::a.b.c.d` (RFC 6052), which reaches the embedded IPv4 address through a gateway;
 * - 6to4 `2002:aabb:ccdd::/48`, which embeds the IPv4 address of the tunnel end point.
 * Other IPv6 special ranges are refused outright: the deprecated IPv4-compatible form `::a.b.c.d` and
 * everything else in `::/8`, Teredo `2001::/32` (its embedded addresses are obfuscated and may point
 * anywhere), local-use NAT64 `64:ff9b:1::/48`, site-local `fec0::/10`, and every range outside the
 * global unicast block `2000::/3`.
 *
 * Operators and tests can widen the policy explicitly:
 * - `allowPrivate: true` turns the address check off (MediaWiki's own behaviour: any address);
 * - `allowCidrs` lists ranges or single addresses that are allowed whatever their kind
 *   (`127.0.0.1/32`, `10.1.0.0/16`, `::1`, `fd00::/8`); an IPv4 range also covers the IPv4-mapped
 *   IPv6 spelling of its addresses;
 * - `allowHosts` lists host names (as written in URLs) whose addresses are all allowed.
 */
export interface AddressPolicy {
  allowPrivate?: boolean;
  allowCidrs?: string[];
  allowHosts?: string[];
}

/** The verdict on one address. */
export interface AddressVerdict {
  /** The address in canonical form (IPv4 dotted quad; IPv6 compressed, lower case). */
  address: string;
  /** ipaddr.js's name for the range the address is in (`unicast`, `loopback`, `private`, …). */
  range: string;
  /** A short English description of the range, for error messages (`a loopback address`). */
  description: string;
  allowed: boolean;
}

/** A policy with its ranges parsed once. Build it with {@link compileAddressPolicy}. */
export interface CompiledAddressPolicy {
  readonly allowPrivate: boolean;
  /** Whether connections to `host` (a URL hostname) are allowed whatever the address. */
  hostAllowed(host: string): boolean;
  /** Judges an address (IPv4 or IPv6 text, without brackets). Throws TypeError if it is not an IP. */
  check(address: string): AddressVerdict;
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

const DESCRIPTIONS: Record<string, string> = {
  unicast: 'a public address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved address',
  as112: 'a reserved address',
  amt: 'a reserved address',
  benchmarking: 'a benchmarking address',
  uniqueLocal: 'a unique local address',
  ipv4Mapped: 'an IPv4-mapped address',
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  ipv4Compatible: 'an IPv4-compatible address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  localNat64: 'a local-use NAT64 address',
  notGlobal: 'a non-global address',
};

const describe = (range: string): string => DESCRIPTIONS[range] ?? 'a special-purpose address';

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const WELL_KNOWN_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/8');

/** The IPv4 address embedded in an IPv6 address at the given byte offset. */
function embeddedV4(addr: ipaddr.IPv6, offset: number): ipaddr.IPv4 {
  const b = addr.toByteArray();
  return new ipaddr.IPv4(b.slice(offset, offset + 4));
}

/**
 * The range of an address with the default rules, following embedded IPv4 addresses.
 * Returns `{ range, allowed }` where `allowed` is the default verdict (no explicit allowances).
 */
function defaultVerdict(addr: Addr): { range: string; allowed: boolean; inner?: ipaddr.IPv4 } {
  if (addr.kind() === 'ipv4') {
    const range = addr.range();
    return { range, allowed: range === 'unicast' };
  }
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145': {
      const inner = embeddedV4(v6, 12);
      const innerRange = inner.range();
      return {
        range: innerRange === 'unicast' ? range : innerRange,
        allowed: innerRange === 'unicast',
        inner,
      };
    }
    case 'rfc6052': {
      if (!v6.match(WELL_KNOWN_NAT64)) return { range: 'localNat64', allowed: false };
      const inner = embeddedV4(v6, 12);
      const innerRange = inner.range();
      return {
        range: innerRange === 'unicast' ? range : innerRange,
        allowed: innerRange === 'unicast',
        inner,
      };
    }
    case '6to4': {
      const inner = embeddedV4(v6, 2);
      const innerRange = inner.range();
      return {
        range: innerRange === 'unicast' ? range : innerRange,
        allowed: innerRange === 'unicast',
        inner,
      };
    }
    case 'unicast':
      if (v6.match(IPV4_COMPATIBLE)) return { range: 'ipv4Compatible', allowed: false };
      if (!v6.match(GLOBAL_UNICAST)) return { range: 'notGlobal', allowed: false };
      return { range, allowed: true };
    default:
      return { range, allowed: false };
  }
}

/** Parses an IP address given as plain text (no brackets, no zone for IPv4). */
export function parseIp(address: string): Addr {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const noZone = bare.replace(/%.*$/, '');
  const family = isIP(noZone);
  if (family === 4) return ipaddr.IPv4.parse(noZone);
  if (family !== 6) throw new TypeError(`Not an IP address: ${address}`);
  // Let the URL parser write the address in hexadecimal first: ipaddr.js reads a trailing dotted
  // quad after `::` as IPv4-mapped (`::1.2.3.4` as `::ffff:1.2.3.4`), which is not what it means.
  const hex = new URL(`http://[${noZone}]/`).hostname.slice(1, -1);
  return ipaddr.IPv6.parse(hex);
}

/** Canonical text of an address: dotted quad for IPv4, compressed lower-case form for IPv6. */
export function canonicalIp(address: string): string {
  return parseIp(address).toString();
}

/** Normalises a host name the way the URL parser does, so configured names compare with URL hosts. */
function normaliseHost(host: string): string {
  const h = host.trim();
  const bracketed = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return h.toLowerCase();
  }
}

/** Validates a policy and parses its ranges. Throws TypeError on a malformed CIDR. */
export function compileAddressPolicy(policy: AddressPolicy = {}): CompiledAddressPolicy {
  const cidrs: Array<[Addr, number]> = (policy.allowCidrs ?? []).map((text) => {
    const t = text.trim();
    try {
      if (t.includes('/')) return ipaddr.parseCIDR(t);
      const a = parseIp(t);
      return [a, a.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new TypeError(`Invalid address range in copy-upload policy: ${text}`);
    }
  });
  const hosts = new Set((policy.allowHosts ?? []).map(normaliseHost));
  const allowPrivate = policy.allowPrivate === true;

  const inAllowedRange = (addr: Addr): boolean =>
    cidrs.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));

  return {
    allowPrivate,
    hostAllowed: (host) => hosts.has(normaliseHost(host)),
    check(address) {
      const addr = parseIp(address);
      const verdict = defaultVerdict(addr);
      const canonical = addr.toString();
      let allowed = verdict.allowed || allowPrivate || inAllowedRange(addr);
      if (
        !allowed &&
        verdict.inner &&
        addr.kind() === 'ipv6' &&
        (addr as ipaddr.IPv6).isIPv4MappedAddress()
      ) {
        allowed = inAllowedRange(verdict.inner);
      }
      return { address: canonical, range: verdict.range, description: describe(verdict.range), allowed };
    },
  };
}

/** One-off check of an address against a policy (compiles the policy; prefer compileAddressPolicy in loops). */
export function checkAddress(address: string, policy: AddressPolicy = {}): AddressVerdict {
  return compileAddressPolicy(policy).check(address);
}
