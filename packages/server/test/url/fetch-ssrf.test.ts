import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { type FetchOptions, openUrl } from '../../src/upload/url/fetch.js';
import { httpServer, type Local, rejectsMw, sha1AndSize } from './servers.js';

const base: FetchOptions = { maxBytes: 1 << 20, timeoutMs: 5000, connectTimeoutMs: 300 };
const LOOPBACK_V4 = { allowCidrs: ['127.0.0.1/32'] };

/** A resolver answering from a table; unknown names fail like the system resolver does. */
function fakeDns(table: Record<string, Array<string | LookupAddress>>) {
  const calls: string[] = [];
  const lookup = async (host: string): Promise<LookupAddress[]> => {
    calls.push(host);
    const answer = table[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer.map((a) => (typeof a === 'string' ? { address: a, family: a.includes(':') ? 6 : 4 } : a));
  };
  return { lookup, calls };
}

let v4: Local;
let v6: Local;

before(async () => {
  v4 = await httpServer((_req, res) => res.end('internal secret'));
  v6 = await httpServer((_req, res) => res.end('internal secret v6'), '::1');
});
after(async () => {
  await v4.close();
  await v6.close();
});

describe('refused address forms (default policy)', () => {
  // Each URL reaches a live local server when nothing stops it, so a missing check would
  // show up as a successful fetch (or a connection error), not as copyuploadbadurl.
  const cases: Array<[string, () => string, string]> = [
    ['dotted loopback', () => `http://127.0.0.1:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['decimal', () => `http://2130706433:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['hex and short', () => `http://0x7f.1:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['hex whole', () => `http://0x7f000001:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['octal', () => `http://0177.0.0.1:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['two-part', () => `http://127.1:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['trailing dot', () => `http://127.0.0.1.:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    ['percent-encoded', () => `http://%31%32%37.0.0.1:${v4.port}/`, '127.0.0.1 is a loopback address.'],
    [
      'IPv4-mapped IPv6',
      () => `http://[::ffff:127.0.0.1]:${v4.port}/`,
      '[::ffff:7f00:1] is a loopback address.',
    ],
    ['IPv6 loopback', () => `http://[::1]:${v6.port}/`, '[::1] is a loopback address.'],
    [
      'IPv6 loopback, long form',
      () => `http://[0:0:0:0:0:0:0:1]:${v6.port}/`,
      '[::1] is a loopback address.',
    ],
    ['unspecified 0.0.0.0', () => `http://0.0.0.0:${v4.port}/`, '0.0.0.0 is an unspecified address.'],
    ['unspecified as 0', () => `http://0:${v4.port}/`, '0.0.0.0 is an unspecified address.'],
    ['IPv6 unspecified', () => `http://[::]:${v6.port}/`, '[::] is an unspecified address.'],
    [
      'cloud metadata',
      () => 'http://169.254.169.254/latest/meta-data/',
      '169.254.169.254 is a link-local address.',
    ],
    ['10/8', () => 'http://10.0.0.1/', '10.0.0.1 is a private address.'],
    ['172.16/12', () => 'http://172.16.0.1/', '172.16.0.1 is a private address.'],
    ['172.16/12 upper end', () => 'http://172.31.255.254/', '172.31.255.254 is a private address.'],
    ['192.168/16', () => 'http://192.168.0.1/', '192.168.0.1 is a private address.'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/', '100.64.0.1 is a carrier-grade NAT address.'],
    ['IPv6 link-local', () => 'http://[fe80::1]/', '[fe80::1] is a link-local address.'],
    ['IPv6 unique local', () => 'http://[fc00::1]/', '[fc00::1] is a unique local address.'],
    ['IPv4-mapped private', () => 'http://[::ffff:10.0.0.1]/', '[::ffff:a00:1] is a private address.'],
    [
      'IPv4-compatible loopback',
      () => `http://[::127.0.0.1]:${v4.port}/`,
      '[::7f00:1] is an IPv4-compatible address.',
    ],
    [
      'NAT64 of metadata',
      () => 'http://[64:ff9b::169.254.169.254]/',
      '[64:ff9b::a9fe:a9fe] is a link-local address.',
    ],
    ['6to4 of private', () => 'http://[2002:c0a8:1::1]/', '[2002:c0a8:1::1] is a private address.'],
    ['multicast', () => 'http://224.0.0.1/', '224.0.0.1 is a multicast address.'],
    ['broadcast', () => 'http://255.255.255.255/', '255.255.255.255 is a broadcast address.'],
    ['documentation range', () => 'http://192.0.2.1/', '192.0.2.1 is a reserved address.'],
  ];
  for (const [name, url, why] of cases) {
    it(`refuses ${name}`, async () => {
      await rejectsMw(openUrl(url(), base), 'copyuploadbadurl', `Upload not allowed from this URL: ${why}`);
    });
  }

  it('refuses localhost by name (system resolver)', async () => {
    await rejectsMw(
      openUrl(`http://localhost:${v4.port}/`, base),
      'copyuploadbadurl',
      /^Upload not allowed from this URL: localhost resolves to (127\.0\.0\.1|::1), a loopback address\.$/,
    );
  });

  it('refuses the connection-refused URL of the reference transcript before connecting', async () => {
    await rejectsMw(openUrl('http://127.0.0.1:9/x.jpg', base), 'copyuploadbadurl');
  });
});

describe('names that resolve to refused addresses', () => {
  it('refuses a name resolving to a private address', async () => {
    const dns = fakeDns({ 'internal.test': ['10.0.0.1'] });
    await rejectsMw(
      openUrl('http://internal.test/x.jpg', { ...base, lookup: dns.lookup }),
      'copyuploadbadurl',
      'Upload not allowed from this URL: internal.test resolves to 10.0.0.1, a private address.',
    );
  });

  it('refuses a name resolving to the metadata address', async () => {
    const dns = fakeDns({ 'meta.test': ['169.254.169.254'] });
    await rejectsMw(
      openUrl('http://meta.test/', { ...base, lookup: dns.lookup }),
      'copyuploadbadurl',
      'Upload not allowed from this URL: meta.test resolves to 169.254.169.254, a link-local address.',
    );
  });

  it('refuses a name resolving to an IPv4-mapped private address', async () => {
    const dns = fakeDns({ 'mapped.test': ['::ffff:10.0.0.1'] });
    await rejectsMw(
      openUrl('http://mapped.test/', { ...base, lookup: dns.lookup }),
      'copyuploadbadurl',
      'Upload not allowed from this URL: mapped.test resolves to ::ffff:a00:1, a private address.',
    );
  });

  it('refuses a name with several addresses when one of them is refused', async () => {
    const dns = fakeDns({ 'mixed.test': ['127.0.0.1', '10.0.0.7'] });
    await rejectsMw(
      openUrl(`http://mixed.test:${v4.port}/`, { ...base, policy: LOOPBACK_V4, lookup: dns.lookup }),
      'copyuploadbadurl',
      'Upload not allowed from this URL: mixed.test resolves to 10.0.0.7, a private address.',
    );
    assert.equal(v4.requests.length, 0);
  });

  it('refuses when the refused address comes first, too', async () => {
    const dns = fakeDns({ 'mixed.test': ['fd00::1', '127.0.0.1'] });
    await rejectsMw(
      openUrl(`http://mixed.test:${v4.port}/`, { ...base, policy: LOOPBACK_V4, lookup: dns.lookup }),
      'copyuploadbadurl',
      'Upload not allowed from this URL: mixed.test resolves to fd00::1, a unique local address.',
    );
  });

  it('is not fooled by DNS rebinding: resolves once and connects to the checked address', async () => {
    let n = 0;
    const lookup = async (): Promise<LookupAddress[]> => {
      n++;
      return [{ address: n === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    };
    const before = v4.requests.length;
    const r = await openUrl(`http://rebind.test:${v4.port}/file`, { ...base, policy: LOOPBACK_V4, lookup });
    const { bytes } = await sha1AndSize(r.body);
    assert.equal(bytes.toString(), 'internal secret');
    assert.equal(r.remoteAddress, '127.0.0.1');
    assert.equal(n, 1);
    assert.equal(v4.requests.length, before + 1);
    assert.equal(v4.requests.at(-1)?.headers.host, `rebind.test:${v4.port}`);
  });

  it('checks a redirect to the same name again (rebinding between hops)', async () => {
    let n = 0;
    const lookup = async (): Promise<LookupAddress[]> => {
      n++;
      return [{ address: n === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    };
    const redirector = await httpServer((req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { Location: '/next' });
        res.end();
      } else res.end('should not be reached');
    });
    try {
      await rejectsMw(
        openUrl(`http://rebind.test:${redirector.port}/start`, { ...base, policy: LOOPBACK_V4, lookup }),
        'copyuploadbadurl',
        'Upload not allowed from this URL: the redirect target rebind.test resolves to 10.0.0.1, a private address.',
      );
      assert.equal(n, 2);
      assert.deepEqual(
        redirector.requests.map((r) => r.url),
        ['/start'],
      );
    } finally {
      await redirector.close();
    }
  });

  it('fails like curl when the name does not resolve', async () => {
    const dns = fakeDns({});
    await rejectsMw(
      openUrl('http://nx.test/a.png', { ...base, lookup: dns.lookup }),
      'http-curl-error',
      'Error fetching URL: Could not resolve host: nx.test',
    );
    const empty = fakeDns({ 'empty.test': [] });
    await rejectsMw(
      openUrl('http://empty.test/a.png', { ...base, lookup: empty.lookup }),
      'http-curl-error',
      'Error fetching URL: Could not resolve host: empty.test',
    );
  });

  it('times out a resolver that never answers (connect timeout)', async () => {
    const lookup = () => new Promise<LookupAddress[]>(() => {});
    await rejectsMw(
      openUrl('http://slow-dns.test/', { ...base, connectTimeoutMs: 100, lookup }),
      'http-timed-out',
      'HTTP request timed out.',
    );
  });
});

describe('explicit allowances', () => {
  it('allowCidrs lets a listed address through', async () => {
    const r = await openUrl(`http://127.0.0.1:${v4.port}/`, { ...base, policy: LOOPBACK_V4 });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'internal secret');
  });

  it('allowCidrs for IPv4 does not open IPv6 loopback', async () => {
    await rejectsMw(
      openUrl(`http://[::1]:${v6.port}/`, { ...base, policy: LOOPBACK_V4 }),
      'copyuploadbadurl',
    );
  });

  it('allowCidrs for ::1 lets IPv6 loopback through', async () => {
    const r = await openUrl(`http://[::1]:${v6.port}/`, { ...base, policy: { allowCidrs: ['::1/128'] } });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'internal secret v6');
    assert.equal(r.remoteAddress, '::1');
  });

  it('allowHosts lets a named host through, and only that host', async () => {
    const dns = fakeDns({ 'intranet.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
    const policy = { allowHosts: ['intranet.test'] };
    const r = await openUrl(`http://intranet.test:${v4.port}/`, { ...base, policy, lookup: dns.lookup });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'internal secret');
    await rejectsMw(
      openUrl(`http://other.test:${v4.port}/`, { ...base, policy, lookup: dns.lookup }),
      'copyuploadbadurl',
    );
  });

  it('allowPrivate behaves like MediaWiki (any address)', async () => {
    const r = await openUrl(`http://127.0.0.1:${v4.port}/`, { ...base, policy: { allowPrivate: true } });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'internal secret');
  });
});
