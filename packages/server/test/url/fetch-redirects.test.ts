import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { type FetchOptions, openUrl } from '../../src/upload/url/fetch.js';
import { httpServer, type Local, rejectsMw, sha1AndSize } from './servers.js';

const policy = { allowCidrs: ['127.0.0.1/32'] };
const base: FetchOptions = { maxBytes: 1 << 20, timeoutMs: 5000, connectTimeoutMs: 300, policy };

let web: Local;

/** Redirect answers: /r/<status>?to=<location>, /chain/<n> (n redirects then the file), /loop. */
before(async () => {
  web = await httpServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const parts = u.pathname.split('/').filter(Boolean);
    if (parts[0] === 'r') {
      const to = u.searchParams.get('to');
      res.writeHead(Number(parts[1]), to === null ? {} : { Location: to });
      res.end('redirect body');
    } else if (parts[0] === 'chain') {
      const n = Number(parts[1]);
      if (n > 0) {
        res.writeHead(302, { Location: `/chain/${n - 1}` });
        res.end();
      } else res.end('end of chain');
    } else if (parts[0] === 'loop') {
      res.writeHead(301, { Location: '/loop' });
      res.end();
    } else if (parts[0] === 'endless-redirect') {
      // a redirect whose body never ends must not keep the fetch waiting
      res.writeHead(302, { Location: '/final' });
      const t = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(t));
    } else if (parts[0] === 'final') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`final ${u.search}`);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
});
after(async () => {
  await web.close();
});

const redirect = (status: number, to: string) => `${web.origin}/r/${status}?to=${encodeURIComponent(to)}`;

describe('redirects', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`follows ${status}`, async () => {
      const r = await openUrl(redirect(status, `${web.origin}/final?s=${status}`), base);
      assert.equal(r.finalUrl, `${web.origin}/final?s=${status}`);
      assert.equal(r.redirects, 1);
      assert.equal((await sha1AndSize(r.body)).bytes.toString(), `final ?s=${status}`);
    });
  }

  it('follows a relative redirect (path only)', async () => {
    const r = await openUrl(redirect(302, '/final?rel=1'), base);
    assert.equal(r.finalUrl, `${web.origin}/final?rel=1`);
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'final ?rel=1');
  });

  it('follows a relative redirect (no leading slash)', async () => {
    const r = await openUrl(`${web.origin}/r/302?to=../final`, base);
    assert.equal(r.finalUrl, `${web.origin}/final`);
    await sha1AndSize(r.body);
  });

  it('follows a scheme-relative redirect', async () => {
    const r = await openUrl(redirect(302, `//127.0.0.1:${web.port}/final`), base);
    assert.equal(r.finalUrl, `${web.origin}/final`);
    await sha1AndSize(r.body);
  });

  it('does not wait for the body of a redirect', async () => {
    const r = await openUrl(`${web.origin}/endless-redirect`, { ...base, maxBytes: 100 });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'final ');
  });

  it('follows 4 redirects (MediaWiki makes at most 5 requests)', async () => {
    const r = await openUrl(`${web.origin}/chain/4`, base);
    assert.equal(r.redirects, 4);
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'end of chain');
  });

  it('refuses a 5th redirect', async () => {
    const before = web.requests.length;
    await rejectsMw(
      openUrl(`${web.origin}/chain/5`, base),
      'upload-too-many-redirects',
      'The URL contained too many redirects',
    );
    assert.equal(web.requests.length - before, 5);
  });

  it('refuses longer chains', async () => {
    await rejectsMw(openUrl(`${web.origin}/chain/50`, base), 'upload-too-many-redirects');
  });

  it('honours maxRedirects', async () => {
    await rejectsMw(
      openUrl(`${web.origin}/chain/1`, { ...base, maxRedirects: 1 }),
      'upload-too-many-redirects',
    );
    const r = await openUrl(`${web.origin}/chain/1`, { ...base, maxRedirects: 2 });
    assert.equal(r.redirects, 1);
    await sha1AndSize(r.body);
  });

  it('stops a redirect loop', async () => {
    await rejectsMw(openUrl(`${web.origin}/loop`, base), 'upload-too-many-redirects');
  });

  it('treats a redirect status without Location as a bad status', async () => {
    await rejectsMw(
      openUrl(`${web.origin}/r/302`, base),
      'http-bad-status',
      'There was a problem during the HTTP request: 302 Found',
    );
  });

  it('does not follow 304 or 305', async () => {
    await rejectsMw(
      openUrl(redirect(305, `${web.origin}/final`), base),
      'http-bad-status',
      /: 305 Use Proxy$/,
    );
  });

  it('refuses a redirect to file:', async () => {
    await rejectsMw(
      openUrl(redirect(302, 'file:///etc/passwd'), base),
      'http-invalid-url',
      'Invalid URL: file:///etc/passwd',
    );
  });

  it('refuses a redirect to other schemes', async () => {
    await rejectsMw(
      openUrl(redirect(301, 'gopher://127.0.0.1:6379/_INFO'), base),
      'http-invalid-url',
      'Invalid URL: gopher://127.0.0.1:6379/_INFO',
    );
    await rejectsMw(
      openUrl(redirect(301, 'http://[::1'), base),
      'http-invalid-url',
      'Invalid URL: http://[::1',
    );
  });

  it('refuses a redirect to a private address', async () => {
    await rejectsMw(
      openUrl(redirect(302, 'http://10.0.0.1/'), base),
      'copyuploadbadurl',
      'Upload not allowed from this URL: the redirect target 10.0.0.1 is a private address.',
    );
  });

  it('refuses a redirect to the metadata service', async () => {
    await rejectsMw(
      openUrl(redirect(307, 'http://169.254.169.254/latest/meta-data/iam/'), base),
      'copyuploadbadurl',
      'Upload not allowed from this URL: the redirect target 169.254.169.254 is a link-local address.',
    );
  });

  it('refuses a redirect to a loopback address the policy does not list', async () => {
    await rejectsMw(
      openUrl(redirect(302, `http://0x7f.0.0.2:${web.port}/final`), base),
      'copyuploadbadurl',
      'Upload not allowed from this URL: the redirect target 127.0.0.2 is a loopback address.',
    );
    await rejectsMw(
      openUrl(redirect(302, `http://[::1]:${web.port}/final`), base),
      'copyuploadbadurl',
      'Upload not allowed from this URL: the redirect target [::1] is a loopback address.',
    );
  });

  it('refuses a redirect to a name that resolves to a private address', async () => {
    const lookup = async (host: string): Promise<LookupAddress[]> => [
      { address: host === 'evil.test' ? '192.168.1.1' : '127.0.0.1', family: 4 },
    ];
    await rejectsMw(
      openUrl(redirect(302, 'http://evil.test/'), { ...base, lookup }),
      'copyuploadbadurl',
      'Upload not allowed from this URL: the redirect target evil.test resolves to 192.168.1.1, a private address.',
    );
  });

  it('refuses a redirect to a domain outside the allow-list (MediaWiki 1.39 does not check this)', async () => {
    const lookup = async (): Promise<LookupAddress[]> => [{ address: '127.0.0.1', family: 4 }];
    const opts = { ...base, lookup, domains: ['good.test'] };
    const ok = await openUrl(`http://good.test:${web.port}/r/302?to=/final`, opts);
    assert.equal(ok.finalUrl, `http://good.test:${web.port}/final`);
    await sha1AndSize(ok.body);
    await rejectsMw(
      openUrl(
        `http://good.test:${web.port}/r/302?to=${encodeURIComponent(`http://bad.test:${web.port}/final`)}`,
        opts,
      ),
      'copyuploadbaddomain',
      'Uploads by URL are not allowed from this domain.',
    );
  });

  it('drops user info from redirect targets', async () => {
    const r = await openUrl(redirect(302, `http://bob:pw@127.0.0.1:${web.port}/final`), base);
    assert.equal(r.finalUrl, `${web.origin}/final`);
    await sha1AndSize(r.body);
    assert.equal(web.requests.at(-1)?.headers.authorization, undefined);
  });
});
