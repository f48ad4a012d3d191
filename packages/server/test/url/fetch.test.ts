import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, it } from 'node:test';
import { MwError } from '../../src/errors.js';
import { DEFAULT_USER_AGENT, type FetchOptions, openUrl } from '../../src/upload/url/fetch.js';
import { gif } from '../helpers/files.js';
import { waitFor } from '../helpers/wait.js';
import {
  assertMwError,
  closedPort,
  drain,
  httpServer,
  httpsServer,
  type Local,
  rawServer,
  rejectsMw,
  sha1,
  sha1AndSize,
} from './servers.js';
import { TLS_CERT, TLS_KEY } from './tls-fixture.js';

const policy = { allowCidrs: ['127.0.0.1/32', '::1/128'] };
const base: FetchOptions = { maxBytes: 1 << 20, timeoutMs: 5000, connectTimeoutMs: 1000, policy };

const PAYLOAD = gif();

let web: Local;

before(async () => {
  web = await httpServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    switch (u.pathname) {
      case '/img.gif':
        res.writeHead(200, { 'Content-Type': 'image/gif', 'Content-Length': PAYLOAD.length });
        res.end(PAYLOAD);
        return;
      case '/chunked':
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.write(PAYLOAD.subarray(0, 10));
        setTimeout(() => res.end(PAYLOAD.subarray(10)), 5);
        return;
      case '/bytes': {
        const n = Number(u.searchParams.get('n'));
        const withLength = u.searchParams.get('cl') !== '0';
        res.writeHead(200, withLength ? { 'Content-Length': n } : {});
        res.end(Buffer.alloc(n, 0x61));
        return;
      }
      case '/missing.jpg':
        res.writeHead(404, 'Not Found', { 'Content-Type': 'text/html' });
        res.end('<h1>nope</h1>');
        return;
      case '/boom':
        res.writeHead(500);
        res.end('oops');
        return;
      case '/custom-reason':
        res.writeHead(403, 'Go Away');
        res.end();
        return;
      case '/endless': {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const chunk = Buffer.alloc(16 * 1024, 0x62);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) {}
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
        return;
      }
      case '/stall-headers':
        return; // never answers
      case '/stall-body':
        res.writeHead(200, { 'Content-Length': 1000 });
        res.write(Buffer.alloc(10));
        return; // never finishes
      case '/drip': {
        res.writeHead(200);
        const t = setInterval(() => res.write('x'), 20);
        res.on('close', () => clearInterval(t));
        return;
      }
      default:
        res.writeHead(404);
        res.end();
    }
  });
});

after(async () => {
  await web.close();
});

describe('openUrl: success', () => {
  it('fetches a file, with type, length, final URL and remote address', async () => {
    const r = await openUrl(`${web.origin}/img.gif`, base);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'image/gif');
    assert.equal(r.contentLength, PAYLOAD.length);
    assert.equal(r.finalUrl, `${web.origin}/img.gif`);
    assert.equal(r.remoteAddress, '127.0.0.1');
    assert.equal(r.redirects, 0);
    const got = await sha1AndSize(r.body);
    assert.equal(got.size, PAYLOAD.length);
    assert.equal(got.sha1, sha1(PAYLOAD));
  });

  it('fetches a chunked body without Content-Length', async () => {
    const r = await openUrl(`${web.origin}/chunked`, base);
    assert.equal(r.contentLength, undefined);
    assert.deepEqual((await sha1AndSize(r.body)).bytes, PAYLOAD);
  });

  it('fetches over IPv6', async () => {
    const v6 = await httpServer((_req, res) => res.end('six'), '::1');
    try {
      const r = await openUrl(`${v6.origin}/x`, base);
      assert.equal(r.remoteAddress, '::1');
      assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'six');
    } finally {
      await v6.close();
    }
  });

  it('sends only GET with fixed headers: no credentials, no cookies', async () => {
    const url = new URL(`${web.origin}/img.gif?x=1#frag`);
    url.username = 'alice';
    url.password = 's3cret';
    const r = await openUrl(url.href, { ...base, userAgent: 'TestAgent/1.0' });
    await drain(r.body);
    const seen = web.requests.at(-1);
    assert.equal(seen?.url, '/img.gif?x=1');
    assert.deepEqual(seen?.headers, {
      host: `127.0.0.1:${web.port}`,
      'user-agent': 'TestAgent/1.0',
      accept: '*/*',
      connection: 'close',
    });
    assert.equal(r.finalUrl, `${web.origin}/img.gif?x=1`);
  });

  it('has a default User-Agent', async () => {
    const r = await openUrl(`${web.origin}/img.gif`, base);
    await drain(r.body);
    assert.equal(web.requests.at(-1)?.headers['user-agent'], DEFAULT_USER_AGENT);
  });
});

describe('openUrl: URL checks (as MediaWiki)', () => {
  for (const bad of [
    'file:///etc/passwd',
    'ftp://127.0.0.1/x.jpg',
    'just-some-text',
    'http://',
    'http:///x',
    'http://exa mple.com/',
    ' http://example.com/',
    'HTTP://example.com/',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    'http://256.256.256.256/',
    'http://[::1/',
  ]) {
    it(`refuses ${JSON.stringify(bad)} with http-invalid-url`, async () => {
      await rejectsMw(openUrl(bad, base), 'http-invalid-url', `Invalid URL: ${bad}`);
    });
  }

  it('refuses a host outside the domain allow-list before connecting', async () => {
    const before = web.requests.length;
    await rejectsMw(
      openUrl(`${web.origin}/img.gif`, { ...base, domains: ['upload.example.org', '*.example.com'] }),
      'copyuploadbaddomain',
      'Uploads by URL are not allowed from this domain.',
    );
    assert.equal(web.requests.length, before);
  });

  it('accepts a host in the domain allow-list', async () => {
    const r = await openUrl(`${web.origin}/img.gif`, { ...base, domains: ['*.*.*.1'] });
    await drain(r.body);
    assert.equal(r.status, 200);
  });
});

describe('openUrl: HTTP errors', () => {
  it('404 → http-bad-status with the status line', async () => {
    await rejectsMw(
      openUrl(`${web.origin}/missing.jpg`, base),
      'http-bad-status',
      'There was a problem during the HTTP request: 404 Not Found',
    );
  });

  it('500 → http-bad-status', async () => {
    await rejectsMw(
      openUrl(`${web.origin}/boom`, base),
      'http-bad-status',
      'There was a problem during the HTTP request: 500 Internal Server Error',
    );
  });

  it("uses the server's reason phrase", async () => {
    await rejectsMw(
      openUrl(`${web.origin}/custom-reason`, base),
      'http-bad-status',
      'There was a problem during the HTTP request: 403 Go Away',
    );
  });

  it('connection refused → http-curl-error in curl words', async () => {
    const port = await closedPort();
    await rejectsMw(
      openUrl(`http://127.0.0.1:${port}/x.jpg`, base),
      'http-curl-error',
      new RegExp(
        `^Error fetching URL: Failed to connect to 127\\.0\\.0\\.1 port ${port} after \\d+ ms: Couldn't connect to server$`,
      ),
    );
  });

  it('a server closing without answering → Empty reply from server', async () => {
    const srv = await rawServer((s) => s.once('data', () => s.end()));
    try {
      await rejectsMw(
        openUrl(`${srv.origin}/`, base),
        'http-curl-error',
        'Error fetching URL: Empty reply from server',
      );
    } finally {
      await srv.close();
    }
  });

  it('garbage instead of HTTP → http-curl-error', async () => {
    const srv = await rawServer((s) => s.once('data', () => s.end('SSH-2.0-OpenSSH_9.0\r\n\r\n')));
    try {
      await rejectsMw(
        openUrl(`${srv.origin}/`, base),
        'http-curl-error',
        'Error fetching URL: Weird server reply',
      );
    } finally {
      await srv.close();
    }
  });
});

describe('openUrl: size limit', () => {
  it('accepts a body of exactly maxBytes', async () => {
    const r = await openUrl(`${web.origin}/bytes?n=1000`, { ...base, maxBytes: 1000 });
    assert.equal((await sha1AndSize(r.body)).size, 1000);
  });

  it('accepts a chunked body of exactly maxBytes', async () => {
    const r = await openUrl(`${web.origin}/bytes?n=1000&cl=0`, { ...base, maxBytes: 1000 });
    assert.equal((await sha1AndSize(r.body)).size, 1000);
  });

  it('refuses a Content-Length one byte over before reading the body', async () => {
    await rejectsMw(openUrl(`${web.origin}/bytes?n=1001`, { ...base, maxBytes: 1000 }), 'file-too-large');
  });

  it('fails the body one byte over when no Content-Length is given', async () => {
    const r = await openUrl(`${web.origin}/bytes?n=1001&cl=0`, { ...base, maxBytes: 1000 });
    const { size, error } = await drain(r.body);
    assertMwError(error, 'file-too-large');
    assert.ok(size <= 1000, `passed on ${size} bytes`);
  });

  it('cuts an endless body at maxBytes', async () => {
    const maxBytes = 256 * 1024;
    const r = await openUrl(`${web.origin}/endless`, { ...base, maxBytes });
    const { size, error } = await drain(r.body);
    assertMwError(error, 'file-too-large');
    assert.ok(size <= maxBytes, `passed on ${size} bytes`);
  });

  it('reads no more than a Content-Length that is too short (extra bytes are dropped)', async () => {
    const srv = await rawServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789EXTRA-BYTES-THAT-MUST-NOT-COUNT');
        // keep the connection open: the client must not wait for more
      }),
    );
    try {
      const r = await openUrl(`${srv.origin}/`, { ...base, idleTimeoutMs: 2000 });
      const got = await sha1AndSize(r.body);
      assert.equal(got.bytes.toString(), '0123456789');
    } finally {
      await srv.close();
    }
  });

  it('a short Content-Length cannot smuggle bytes past the limit', async () => {
    const srv = await rawServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n');
        s.end(Buffer.alloc(10_000, 0x63));
      }),
    );
    try {
      const r = await openUrl(`${srv.origin}/`, { ...base, maxBytes: 100 });
      const got = await sha1AndSize(r.body);
      assert.equal(got.size, 5);
    } finally {
      await srv.close();
    }
  });

  it('a Content-Length that is too long and a closed connection fail instead of hanging', async () => {
    const srv = await rawServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
        s.end('only ten b');
      }),
    );
    try {
      const r = await openUrl(`${srv.origin}/`, base);
      const { size, error } = await drain(r.body);
      assert.equal(size, 10);
      assertMwError(
        error,
        'http-curl-error',
        'Error fetching URL: transfer closed with 90 bytes remaining to read',
      );
    } finally {
      await srv.close();
    }
  });

  it('a Content-Length that is too long and a stalled connection time out', async () => {
    const r = await openUrl(`${web.origin}/stall-body`, { ...base, idleTimeoutMs: 150 });
    const { size, error } = await drain(r.body);
    assert.equal(size, 10);
    assertMwError(error, 'http-timed-out', 'HTTP request timed out.');
  });

  it('a chunked body cut short fails', async () => {
    const srv = await rawServer((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
        s.end();
      }),
    );
    try {
      const r = await openUrl(`${srv.origin}/`, base);
      const { error } = await drain(r.body);
      assertMwError(
        error,
        'http-curl-error',
        'Error fetching URL: transfer closed with outstanding read data remaining',
      );
    } finally {
      await srv.close();
    }
  });
});

describe('openUrl: timeouts and cancellation', () => {
  it('idle timeout while waiting for the headers', async () => {
    await rejectsMw(
      openUrl(`${web.origin}/stall-headers`, { ...base, idleTimeoutMs: 150 }),
      'http-timed-out',
      'HTTP request timed out.',
    );
  });

  it('total timeout while waiting for the headers', async () => {
    await rejectsMw(openUrl(`${web.origin}/stall-headers`, { ...base, timeoutMs: 200 }), 'http-timed-out');
  });

  it('total timeout on a slow body that never goes idle', async () => {
    const r = await openUrl(`${web.origin}/drip`, { ...base, timeoutMs: 300, idleTimeoutMs: 200 });
    const { size, error } = await drain(r.body);
    assertMwError(error, 'http-timed-out', 'HTTP request timed out.');
    assert.ok(size > 0);
  });

  it('total timeout on a server that accepts but never answers a raw connection', async () => {
    const srv = await rawServer(() => {});
    try {
      await rejectsMw(openUrl(`${srv.origin}/`, { ...base, timeoutMs: 200 }), 'http-timed-out');
    } finally {
      await srv.close();
    }
  });

  it('an abort signal stops a fetch in progress with its reason', async () => {
    const ctl = new AbortController();
    const p = openUrl(`${web.origin}/stall-headers`, { ...base, signal: ctl.signal });
    // The abort is the event under test: it comes while the fetch waits for headers.
    setTimeout(() => ctl.abort(new Error('client went away')), 50);
    await assert.rejects(p, /client went away/);
  });

  it('an abort signal stops the body', async () => {
    const ctl = new AbortController();
    const r = await openUrl(`${web.origin}/drip`, { ...base, signal: ctl.signal });
    // The abort is the event under test: it comes while the body drips in.
    setTimeout(() => ctl.abort(new Error('stop')), 60);
    const { error } = await drain(r.body);
    assert.ok(error instanceof Error && !(error instanceof MwError));
    assert.equal(error.message, 'stop');
  });

  it('an already aborted signal fails at once', async () => {
    await assert.rejects(openUrl(`${web.origin}/img.gif`, { ...base, signal: AbortSignal.abort() }), {
      name: 'AbortError',
    });
  });

  it('a body nobody reads is closed by the total timeout, without an unhandled error', async () => {
    let closed = false;
    const srv = await rawServer((s) => {
      s.on('close', () => {
        closed = true;
      });
      s.once('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nsome bytes'));
    });
    try {
      const r = await openUrl(`${srv.origin}/`, { ...base, timeoutMs: 150 });
      await waitFor(() => closed, 'the timeout closes the connection');
      assert.equal(r.body.destroyed, true);
      assertMwError(r.body.errored, 'http-timed-out');
    } finally {
      await srv.close();
    }
  });

  it('destroying the body closes the connection', async () => {
    let closed = false;
    const srv = await rawServer((s) => {
      s.on('close', () => {
        closed = true;
      });
      s.once('data', () => s.write('HTTP/1.1 200 OK\r\n\r\nsome bytes'));
    });
    try {
      const r = await openUrl(`${srv.origin}/`, base);
      r.body.destroy();
      await waitFor(() => closed, 'the connection is closed');
    } finally {
      await srv.close();
    }
  });
});

describe('openUrl: https', () => {
  let tls: Local;
  before(async () => {
    tls = await httpsServer((_req, res) => res.end('over tls'), TLS_KEY, TLS_CERT);
  });
  after(async () => {
    await tls.close();
  });

  it('fetches with a trusted CA', async () => {
    const r = await openUrl(`${tls.origin}/x`, { ...base, ca: TLS_CERT });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'over tls');
  });

  it('verifies certificates by default', async () => {
    await rejectsMw(
      openUrl(`${tls.origin}/x`, base),
      'http-curl-error',
      /^Error fetching URL: SSL certificate problem: /,
    );
  });

  it('checks the host name against the certificate', async () => {
    const lookup = async (): Promise<LookupAddress[]> => [{ address: '127.0.0.1', family: 4 }];
    await rejectsMw(
      openUrl(`https://other.test:${tls.port}/x`, { ...base, ca: TLS_CERT, lookup }),
      'http-curl-error',
      "Error fetching URL: SSL: no alternative certificate subject name matches target host name 'other.test'",
    );
  });

  it('sends SNI and checks the name for a named host', async () => {
    const lookup = async (): Promise<LookupAddress[]> => [{ address: '127.0.0.1', family: 4 }];
    const r = await openUrl(`https://localhost:${tls.port}/x`, { ...base, ca: TLS_CERT, lookup });
    assert.equal((await sha1AndSize(r.body)).bytes.toString(), 'over tls');
  });
});
