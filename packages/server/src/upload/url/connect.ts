/**
 * Connecting for a copy upload, one hop (the URL given or a redirect target) at a time: resolve the
 * host once, check every address against the AddressPolicy, connect to exactly those addresses,
 * check the peer again once connected, then the TLS handshake for https.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { MwError } from '../../errors.js';
import { abortReason, childController, ignore, raceAbort } from './abort.js';
import { type AddressVerdict, type CompiledAddressPolicy, canonicalIp } from './address-policy.js';
import { bareHost } from './copy-url.js';
import { badUrl, curlError, timedOut, tlsErrorText } from './fetch-errors.js';

/** Resolves a host name to all its addresses (as `dns.promises.lookup(host, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

export interface Hop {
  url: URL;
  /** 1 for the URL given, 2 for the first redirect target, … */
  index: number;
}

export interface ConnectContext {
  policy: CompiledAddressPolicy;
  lookup: LookupFn;
  connectTimeoutMs: number;
  /** Extra trusted CA certificates for https (replaces the default set). */
  ca: tls.ConnectionOptions['ca'];
}

export const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function refusal(hop: Hop, host: string, isLiteral: boolean, verdict: AddressVerdict): MwError {
  const subject = hop.index > 1 ? `the redirect target ${host}` : host;
  return badUrl(
    isLiteral
      ? `${subject} is ${verdict.description}.`
      : `${subject} resolves to ${verdict.address}, ${verdict.description}.`,
  );
}

/** The checked addresses to connect to for a hop (IP literal or every address the name resolves to). */
async function resolveChecked(hop: Hop, ctx: ConnectContext, signal: AbortSignal): Promise<LookupAddress[]> {
  const host = hop.url.hostname;
  const bare = bareHost(host);
  let addresses: LookupAddress[];
  const family = net.isIP(bare);
  if (family !== 0) {
    addresses = [{ address: bare, family }];
  } else {
    try {
      addresses = await raceAbort(ctx.lookup(bare), signal);
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      throw e instanceof MwError ? e : curlError(`Could not resolve host: ${bare}`);
    }
    if (addresses.length === 0) throw curlError(`Could not resolve host: ${bare}`);
  }
  if (ctx.policy.hostAllowed(host)) return addresses;
  // A name with any refused address is refused as a whole, not filtered: such a name is either
  // misconfigured or an attempt to reach an internal address by chance.
  for (const a of addresses) {
    let verdict: AddressVerdict;
    try {
      verdict = ctx.policy.check(a.address);
    } catch {
      throw badUrl(`${host} resolves to ${a.address}, which is not an IP address.`);
    }
    if (!verdict.allowed) throw refusal(hop, host, family !== 0, verdict);
  }
  return addresses;
}

/**
 * Settles once `socket` emits `ready`: resolves with it, or destroys it and rejects with its first
 * error (through `failure`) or with the signal's reason. From then on its errors are ignored until
 * the HTTP client takes it over and reports them on the request.
 */
function whenReady<S extends net.Socket>(
  socket: S,
  ready: 'connect' | 'secureConnect',
  signal: AbortSignal,
  failure: (e: Error & { code?: string }) => unknown = (e) => e,
): Promise<S> {
  return new Promise((resolve, reject) => {
    const done = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off(ready, onReady);
    };
    const onAbort = () => {
      done();
      socket.destroy();
      reject(abortReason(signal));
    };
    const onError = (e: Error) => {
      done();
      socket.destroy();
      reject(failure(e));
    };
    const onReady = () => {
      done();
      socket.on('error', ignore);
      resolve(socket);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once(ready, onReady);
  });
}

/** Connects to the first checked address that answers, and checks the peer once more. */
async function connectChecked(
  hop: Hop,
  addresses: LookupAddress[],
  ctx: ConnectContext,
  signal: AbortSignal,
  started: number,
): Promise<net.Socket> {
  const port = hop.url.port ? Number(hop.url.port) : hop.url.protocol === 'https:' ? 443 : 80;
  let socket: net.Socket | undefined;
  for (const a of addresses) {
    try {
      if (signal.aborted) throw abortReason(signal);
      socket = await whenReady(net.connect({ host: a.address, port, family: a.family }), 'connect', signal);
      break;
    } catch (e) {
      if (signal.aborted) throw abortReason(signal);
      if (!(e instanceof Error)) throw e;
    }
  }
  if (!socket) {
    const ms = Math.max(0, Math.round(performance.now() - started));
    throw curlError(
      `Failed to connect to ${bareHost(hop.url.hostname)} port ${port} after ${ms} ms: Couldn't connect to server`,
    );
  }
  // Second line of defence: the peer must be one of the checked addresses, and allowed.
  const remote = socket.remoteAddress;
  const expected = new Set(addresses.map((a) => canonicalIp(a.address)));
  let ok = false;
  try {
    ok =
      remote !== undefined &&
      expected.has(canonicalIp(remote)) &&
      (ctx.policy.hostAllowed(hop.url.hostname) || ctx.policy.check(remote).allowed);
  } catch {
    ok = false;
  }
  if (!ok) {
    socket.destroy();
    throw badUrl(`connected to ${remote ?? 'an unknown address'}, which is not an address that was checked.`);
  }
  return socket;
}

function tlsHandshake(
  socket: net.Socket,
  hop: Hop,
  ctx: ConnectContext,
  signal: AbortSignal,
): Promise<tls.TLSSocket> {
  const host = bareHost(hop.url.hostname);
  const secure = tls.connect({
    socket,
    host,
    servername: net.isIP(host) ? undefined : host,
    ALPNProtocols: ['http/1.1'],
    rejectUnauthorized: true,
    ...(ctx.ca ? { ca: ctx.ca } : {}),
  });
  return whenReady(secure, 'secureConnect', signal, (e) => curlError(tlsErrorText(e, host)));
}

/**
 * Resolves, checks and connects one hop within the connect timeout (DNS + TCP + TLS handshake).
 * Resolves with a socket connected to a checked address; rejects with an MwError or the signal's reason.
 */
export async function connectHop(hop: Hop, ctx: ConnectContext, signal: AbortSignal): Promise<net.Socket> {
  const started = performance.now();
  const { ctl, unlink } = childController(signal);
  const timer = setTimeout(() => ctl.abort(timedOut()), ctx.connectTimeoutMs);
  try {
    const addresses = await resolveChecked(hop, ctx, ctl.signal);
    const socket = await connectChecked(hop, addresses, ctx, ctl.signal, started);
    return hop.url.protocol === 'https:' ? await tlsHandshake(socket, hop, ctx, ctl.signal) : socket;
  } finally {
    clearTimeout(timer);
    unlink();
  }
}
