import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAddress, compileAddressPolicy } from '../../src/upload/url/address-policy.js';

const refused: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['100.127.255.255', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.2.1', 'reserved'],
  ['198.51.100.1', 'reserved'],
  ['203.0.113.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  ['fec0::1', 'deprecatedSiteLocal'],
  ['2001:db8::1', 'reserved'],
  ['100::1', 'discard'],
  // IPv6 forms embedding an IPv4 address are judged by it
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['::ffff:0:a00:1', 'private'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['2002:a00:1::1', 'private'],
  ['2002:7f00:1::1', 'loopback'],
  ['2002:a9fe:a9fe::1', 'linkLocal'],
  // refused outright
  ['::127.0.0.1', 'ipv4Compatible'],
  ['::8.8.8.8', 'ipv4Compatible'],
  ['64:ff9b:1::8.8.8.8', 'localNat64'],
  ['2001::1', 'teredo'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ['2001:2::1', 'benchmarking'],
  ['4000::1', 'notGlobal'],
];

const public_: string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '172.32.0.1',
  '100.128.0.1',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80e::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
];

describe('address policy (default)', () => {
  for (const [address, range] of refused) {
    it(`refuses ${address} (${range})`, () => {
      const v = checkAddress(address);
      assert.equal(v.allowed, false);
      assert.equal(v.range, range);
      assert.match(v.description, /^an? /);
    });
  }
  for (const address of public_) {
    it(`allows ${address}`, () => {
      assert.equal(checkAddress(address).allowed, true);
    });
  }

  it('gives canonical addresses', () => {
    assert.equal(checkAddress('::FFFF:127.0.0.1').address, '::ffff:7f00:1');
    assert.equal(checkAddress('0:0:0:0:0:0:0:1').address, '::1');
    assert.equal(checkAddress('[::1]').address, '::1');
  });

  it('rejects text that is not an address, including loose IPv4 spellings', () => {
    assert.throws(() => checkAddress('localhost'), TypeError);
    assert.throws(() => checkAddress('0x7f.1'), TypeError);
    assert.throws(() => checkAddress('2130706433'), TypeError);
    assert.throws(() => checkAddress('0177.0.0.1'), TypeError);
  });
});

describe('address policy (explicit allowances)', () => {
  it('allowCidrs allows exactly the listed ranges', () => {
    const p = compileAddressPolicy({ allowCidrs: ['127.0.0.1/32', '10.1.0.0/16', 'fd00::/8'] });
    assert.equal(p.check('127.0.0.1').allowed, true);
    assert.equal(p.check('127.0.0.2').allowed, false);
    assert.equal(p.check('10.1.200.3').allowed, true);
    assert.equal(p.check('10.2.0.1').allowed, false);
    assert.equal(p.check('fd00::5').allowed, true);
    assert.equal(p.check('fc00::5').allowed, false);
    assert.equal(p.check('::1').allowed, false);
  });

  it('allowCidrs accepts single addresses, and an IPv4 range covers the IPv4-mapped spelling', () => {
    const p = compileAddressPolicy({ allowCidrs: ['127.0.0.1', '::1'] });
    assert.equal(p.check('127.0.0.1').allowed, true);
    assert.equal(p.check('::ffff:127.0.0.1').allowed, true);
    assert.equal(p.check('::1').allowed, true);
    assert.equal(p.check('::ffff:127.0.0.2').allowed, false);
  });

  it('allowCidrs with an IPv6 range does not leak into IPv4', () => {
    const p = compileAddressPolicy({ allowCidrs: ['::/0'] });
    assert.equal(p.check('::1').allowed, true);
    assert.equal(p.check('10.0.0.1').allowed, false);
  });

  it('allowPrivate turns the check off', () => {
    const p = compileAddressPolicy({ allowPrivate: true });
    for (const a of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', 'fc00::1']) {
      assert.equal(p.check(a).allowed, true, a);
    }
  });

  it('allowHosts matches host names as URLs write them', () => {
    const p = compileAddressPolicy({ allowHosts: ['Images.Intranet.example', '::1', '0x7f.1'] });
    assert.equal(p.hostAllowed('images.intranet.example'), true);
    assert.equal(p.hostAllowed('other.intranet.example'), false);
    assert.equal(p.hostAllowed('[::1]'), true);
    assert.equal(p.hostAllowed('127.0.0.1'), true);
  });

  it('rejects malformed ranges', () => {
    assert.throws(() => compileAddressPolicy({ allowCidrs: ['10.0.0.0/33'] }), TypeError);
    assert.throws(() => compileAddressPolicy({ allowCidrs: ['not-an-ip'] }), TypeError);
  });
});
