import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedCopyUploadDomain } from '../../src/upload/url/domains.js';

const allowed = (url: string, domains: string[]) => isAllowedCopyUploadDomain(new URL(url), domains);

describe('isAllowedCopyUploadDomain', () => {
  it('allows every host when the list is empty', () => {
    assert.equal(allowed('http://anything.example/x', []), true);
    assert.equal(allowed('http://127.0.0.1/x', []), true);
  });

  it('matches exact hosts', () => {
    assert.equal(allowed('https://upload.wikimedia.org/a.png', ['upload.wikimedia.org']), true);
    assert.equal(allowed('https://wikimedia.org/a.png', ['upload.wikimedia.org']), false);
    assert.equal(allowed('https://evil.org/a.png', ['upload.wikimedia.org', 'example.com']), false);
    assert.equal(allowed('https://example.com/a.png', ['upload.wikimedia.org', 'example.com']), true);
  });

  it('lets * match exactly one label', () => {
    const list = ['*.flickr.com'];
    assert.equal(allowed('http://farm1.flickr.com/x.jpg', list), true);
    assert.equal(allowed('http://flickr.com/x.jpg', list), false);
    assert.equal(allowed('http://a.b.flickr.com/x.jpg', list), false);
    assert.equal(allowed('http://farm1.flickr.com.evil.org/x.jpg', list), false);
    assert.equal(allowed('http://farm1.notflickr.com/x.jpg', list), false);
  });

  it('allows * in the middle of an entry', () => {
    const list = ['upload.*.gov.uk'];
    assert.equal(allowed('http://upload.example.gov.uk/f', list), true);
    assert.equal(allowed('http://upload.gov.uk/f', list), false);
    assert.equal(allowed('http://download.example.gov.uk/f', list), false);
  });

  it('ignores case, port, user info, path and query', () => {
    assert.equal(allowed('http://Upload.Example.COM:8080/x?y=1', ['upload.example.com']), true);
    assert.equal(allowed('http://user:pw@upload.example.com/x', ['UPLOAD.example.com']), true);
  });

  it('looks at the real host, not at user info that looks like one', () => {
    assert.equal(allowed('http://upload.example.com@evil.org/x', ['upload.example.com']), false);
  });

  it('compares internationalised names in punycode', () => {
    assert.equal(allowed('http://bücher.example/x', ['bücher.example']), true);
    assert.equal(allowed('http://xn--bcher-kva.example/x', ['bücher.example']), true);
    assert.equal(allowed('http://bucher.example/x', ['bücher.example']), false);
  });

  it('compares IP literals as text, after URL normalisation', () => {
    assert.equal(allowed('http://192.0.2.7/x', ['192.0.2.7']), true);
    assert.equal(allowed('http://192.0.2.7/x', ['*.*.*.*']), true);
    assert.equal(allowed('http://3221225991/x', ['192.0.2.7']), true);
    assert.equal(allowed('http://[2001:db8::1]/x', ['[2001:db8::1]']), true);
    assert.equal(allowed('http://[2001:db8::1]/x', ['*.*.*.*']), false);
  });

  it('keeps label counts strict (a trailing dot is one more label)', () => {
    assert.equal(allowed('http://example.com./x', ['example.com']), false);
    assert.equal(allowed('http://example.com./x', ['example.com.']), true);
  });
});
