/** Client pieces that need no server: cookies, params, retries, sources, hashing, warning policy. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ApiError,
  CookieJar,
  encodeParams,
  HttpError,
  isRetryableApiCode,
  MwApi,
  normalizeWarningCode,
  parseSize,
  Sha1Tracker,
  StreamSource,
  UploadError,
  warningsIgnorable,
} from '../../src/index.js';
import { ProgressTracker } from '../../src/upload/index.js';
import { backoffDelay, parseRetryAfter } from '../../src/util.js';

describe('CookieJar', () => {
  it('keeps host-only cookies per host and path, and forgets expired ones', () => {
    const jar = new CookieJar();
    const now = 1_000_000;
    jar.store(
      'http://wiki.test/w/api.php',
      ['sess=abc; path=/; HttpOnly', 'w=1; path=/w', 'x=2; path=/other', 'old=1; Max-Age=10'],
      now,
    );
    assert.equal(jar.header('http://wiki.test/w/api.php', now), 'w=1; old=1; sess=abc');
    assert.equal(jar.header('http://other.test/w/api.php', now), undefined);
    assert.equal(jar.header('http://wiki.test/w/api.php', now + 11_000), 'w=1; sess=abc');
    jar.store(
      'http://wiki.test/w/api.php',
      ['sess=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; path=/'],
      now,
    );
    assert.equal(jar.header('http://wiki.test/w/api.php', now), 'w=1');
  });

  it('honours Domain for subdomains and rejects foreign domains', () => {
    const jar = new CookieJar();
    jar.store('https://commons.wikimedia.org/w/api.php', [
      'c=1; Domain=.wikimedia.org; Path=/; Secure',
      'evil=1; Domain=example.org',
    ]);
    assert.equal(jar.header('https://meta.wikimedia.org/w/api.php'), 'c=1');
    assert.equal(jar.header('http://meta.wikimedia.org/w/api.php'), undefined);
    assert.equal(jar.header('https://example.org/'), undefined);
  });
});

describe('parameters and sizes', () => {
  it('encodes MediaWiki booleans, lists and values containing pipes', () => {
    assert.deepEqual(
      encodeParams({ a: true, b: false, c: undefined, d: 3, e: ['x', 'y'], f: ['p|q', 'r'] }),
      [
        ['a', '1'],
        ['d', '3'],
        ['e', 'x|y'],
        ['f', '\x1fp|q\x1fr'],
      ],
    );
  });

  it('parses human sizes', () => {
    assert.equal(parseSize('5M'), 5 * 1024 * 1024);
    assert.equal(parseSize('512k'), 512 * 1024);
    assert.equal(parseSize('1.5GiB'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('1048576'), 1048576);
    assert.equal(parseSize('five'), undefined);
  });

  it('parses Retry-After and never waits less than it asks', () => {
    assert.equal(parseRetryAfter('7'), 7);
    assert.equal(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString()), 30);
    assert.equal(parseRetryAfter(undefined), undefined);
    for (let i = 0; i < 20; i++) assert.ok(backoffDelay(1, { baseMs: 10, maxMs: 20 }, 3) >= 3000);
    for (let i = 1; i < 10; i++) assert.ok(backoffDelay(i, { baseMs: 100, maxMs: 1000 }) <= 1000);
  });
});

describe('warning policy and error classes', () => {
  it('normalises both spellings of warning codes', () => {
    assert.equal(normalizeWarningCode('no-change'), 'nochange');
    assert.equal(normalizeWarningCode('duplicate-version'), 'duplicateversions');
    assert.equal(normalizeWarningCode('Exists'), 'exists');
  });

  it('ignores warnings only when every one is listed', () => {
    const w = { exists: 'X.png', duplicate: ['Y.png'] };
    assert.equal(warningsIgnorable(w, true), true);
    assert.equal(warningsIgnorable(w, false), false);
    assert.equal(warningsIgnorable(w, undefined), false);
    assert.equal(warningsIgnorable(w, ['exists']), false);
    assert.equal(warningsIgnorable(w, ['exists', 'duplicate']), true);
    assert.equal(warningsIgnorable({ exists: 'X', nochange: {} }, ['exists', 'no-change']), true);
    assert.equal(warningsIgnorable({ exists: 'X' }, []), false);
  });

  it('marks transient codes as retryable and final ones as not', () => {
    for (const c of [
      'maxlag',
      'ratelimited',
      'readonly',
      'internal_api_error_UploadChunkFileException',
      'internal_api_error_DBQueryError',
      'backend-fail-store',
      'uploadstash-exception',
    ]) {
      assert.equal(isRetryableApiCode(c), true, c);
    }
    for (const c of [
      'verification-error',
      'badtoken',
      'permissiondenied',
      'stashfailed',
      'fileexists-no-change',
    ]) {
      assert.equal(isRetryableApiCode(c), false, c);
    }
    assert.equal(new ApiError({ code: 'maxlag', info: 'lag' }).retryable, true);
    assert.equal(new ApiError({ code: 'filetype-banned', info: 'no' }).retryable, false);
  });
});

describe('sources, hashing and progress', () => {
  it('reads a stream forward, re-reads the last range, refuses to go further back', async () => {
    const data = randomBytes(10_000);
    const pieces = [data.subarray(0, 1234), data.subarray(1234, 7000), data.subarray(7000)];
    async function* gen() {
      for (const p of pieces) yield new Uint8Array(p);
    }
    const s = new StreamSource(gen());
    assert.equal(s.size, undefined);
    assert.deepEqual(Buffer.from(await s.read(0, 4000)), data.subarray(0, 4000));
    assert.deepEqual(Buffer.from(await s.read(0, 4000)), data.subarray(0, 4000));
    assert.deepEqual(Buffer.from(await s.read(4000, 8000)), data.subarray(4000, 8000));
    await assert.rejects(
      s.read(0, 10),
      (e: unknown) => e instanceof UploadError && e.code === 'source-not-seekable',
    );
    const rest = await s.read(8000, 20_000);
    assert.equal(rest.byteLength, 2000);
    assert.equal(s.size, 10_000);
  });

  it('tracks the SHA-1 of a prefix forwards, with hints, and backwards', async () => {
    const data = randomBytes(50_000);
    const src = {
      size: data.length,
      seekable: true,
      read: async (a: number, b: number) => data.subarray(a, b),
      close: async () => {},
    };
    const expect = (n: number) => createHash('sha1').update(data.subarray(0, n)).digest('hex');
    const t = new Sha1Tracker();
    await t.advanceTo(10_000, src);
    assert.equal(await t.hex(), expect(10_000));
    await t.advanceTo(30_000, src, { start: 10_000, bytes: data.subarray(10_000, 20_000) });
    assert.equal(await t.hex(), expect(30_000));
    await t.advanceTo(5_000, src);
    assert.equal(await t.hex(), expect(5_000));
    await t.advanceTo(50_000, src);
    assert.equal(await t.hex(), expect(50_000));
  });

  it('never reports progress going backwards', () => {
    const seen: [string, number][] = [];
    const p = new ProgressTracker('f', 100, (e) => seen.push([e.phase, e.bytesSent]));
    p.update('uploading', 10);
    p.update('uploading', 5);
    p.update('assembling', 100);
    p.update('uploading', 50);
    p.update('publishing');
    assert.deepEqual(seen, [
      ['uploading', 10],
      ['assembling', 100],
      ['publishing', 100],
    ]);
  });
});

/** A fake api.php: `handler` gets the parsed request and returns [status, body, headers?]. */
function fakeFetch(
  handler: (p: URLSearchParams, method: string) => [number, unknown, Record<string, string>?],
): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const p = new URLSearchParams(url.search);
    if (init?.body instanceof URLSearchParams) for (const [k, v] of init.body) p.append(k, v);
    if (init?.body instanceof FormData)
      for (const [k, v] of init.body) if (typeof v === 'string') p.append(k, v);
    const [status, body, headers] = handler(p, init?.method ?? 'GET');
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, {
      status,
      headers: { 'content-type': 'application/json', ...(headers ?? {}) },
    });
  }) as typeof fetch;
}

describe('MwApi against a fake wiki', () => {
  it('turns error envelopes into ApiError with the extra data', async () => {
    const api = new MwApi({
      api: 'http://wiki.test/w/api.php',
      maxRetries: 0,
      fetch: fakeFetch(() => [
        200,
        { error: { code: 'stashfailed', info: 'Invalid chunk offset', offset: '3000', docref: 'See …' } },
        { 'MediaWiki-API-Error': 'stashfailed' },
      ]),
    });
    await assert.rejects(
      api.request({ action: 'upload' }, { method: 'POST' }),
      (e: unknown) =>
        e instanceof ApiError &&
        e.code === 'stashfailed' &&
        e.info === 'Invalid chunk offset' &&
        e.data.offset === '3000' &&
        !('docref' in e.data) &&
        e.retryable === false,
    );
  });

  it('retries maxlag and 503 for reads, honouring Retry-After', async () => {
    let calls = 0;
    const retries: string[] = [];
    const api = new MwApi({
      api: 'http://wiki.test/w/api.php',
      backoff: { baseMs: 1, maxMs: 5 },
      onRetry: (r) => retries.push(`${r.error.code}:${r.delayMs >= 1000}`),
      fetch: fakeFetch(() => {
        calls++;
        if (calls === 1)
          return [
            200,
            { error: { code: 'maxlag', info: 'Waiting for a database server' } },
            { 'Retry-After': '1' },
          ];
        if (calls === 2) return [503, 'Service Unavailable'];
        return [200, { query: { general: { generator: 'MediaWiki 1.39.17' } } }];
      }),
    });
    const r = await api.request({ action: 'query', meta: 'siteinfo' });
    assert.equal(r.query.general.generator, 'MediaWiki 1.39.17');
    assert.deepEqual(retries, ['maxlag:true', 'http:false']);
  });

  it('does not resend a write whose answer may have been lost unless told to', async () => {
    let calls = 0;
    const api = new MwApi({
      api: 'http://wiki.test/w/api.php',
      backoff: { baseMs: 1, maxMs: 5 },
      fetch: fakeFetch(() => {
        calls++;
        return [502, '<html>Bad gateway</html>'];
      }),
    });
    await assert.rejects(
      api.request({ action: 'edit' }, { method: 'POST' }),
      (e: unknown) => e instanceof HttpError && e.httpStatus === 502 && e.ambiguous && e.retryable,
    );
    assert.equal(calls, 1);
  });

  it('logs in with a bot password, refreshes the token once on badtoken, and sends assert=user', async () => {
    let tokenRequests = 0;
    let uploads = 0;
    const asserts: (string | null)[] = [];
    const api = new MwApi({
      api: 'http://wiki.test/w/api.php',
      username: 'Bot@app',
      password: 'secret-secret-secret-secret-1234',
      fetch: fakeFetch((p) => {
        if (p.get('meta') === 'tokens' && p.get('type') === 'login')
          return [200, { query: { tokens: { logintoken: 'L+\\' } } }];
        if (p.get('action') === 'login') {
          assert.equal(p.get('lgtoken'), 'L+\\');
          return [200, { login: { result: 'Success', lguserid: 7, lgusername: 'Bot' } }];
        }
        if (p.get('meta') === 'tokens') {
          tokenRequests++;
          return [200, { query: { tokens: { csrftoken: `T${tokenRequests}+\\` } } }];
        }
        uploads++;
        asserts.push(p.get('assert'));
        if (p.get('token') === 'T1+\\')
          return [200, { error: { code: 'badtoken', info: 'Invalid CSRF token.' } }];
        return [200, { upload: { result: 'Success', filename: 'X.png' } }];
      }),
    });
    const r = await api.write({ action: 'upload', filename: 'X.png' });
    assert.equal(r.upload.result, 'Success');
    assert.equal(tokenRequests, 2);
    assert.equal(uploads, 2);
    assert.deepEqual(asserts, ['user', 'user']);
    assert.deepEqual(api.user, { name: 'Bot', id: 7 });
  });

  it('reports a refused login without the password', async () => {
    const password = 'top-secret-password-0123456789abcdef';
    const api = new MwApi({
      api: 'http://wiki.test/w/api.php',
      username: 'Bot@app',
      password,
      fetch: fakeFetch((p) => {
        if (p.get('meta') === 'tokens') return [200, { query: { tokens: { logintoken: 'L+\\' } } }];
        return [
          200,
          {
            login: { result: 'Failed', reason: 'Incorrect username or password entered. Please try again.' },
          },
        ];
      }),
    });
    await assert.rejects(api.ensureLogin(), (e: unknown) => {
      assert.ok(e instanceof Error && 'code' in e && e.code === 'login-failed');
      assert.ok(!e.message.includes(password));
      return true;
    });
  });
});

describe('package boundaries', () => {
  it('the isomorphic client imports nothing from Node or from the server', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../../src/', import.meta.url);
    const nodeOnly = new Set(['node.ts', 'index.ts']);
    for (const f of await readdir(dir)) {
      if (!f.endsWith('.ts')) continue;
      const text = await readFile(new URL(f, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] as string);
      for (const spec of imports) {
        assert.ok(!spec.startsWith('../'), `${f} imports ${spec} from outside the client`);
        if (!nodeOnly.has(f)) assert.ok(!spec.startsWith('node:'), `${f} imports ${spec}`);
      }
    }
  });
});
