/**
 * Which failures the library retries: what retrying cannot fix (DNS, TLS, a refused connection before
 * the host ever answered, a page that is not the API, a 404) fails at the first attempt with a plain
 * message; a refused connection after the host answered, a cut-off answer and 5xx are retried.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError, MwApi } from '../../src/index.js';

const API = 'http://wiki.test/w/api.php';

/** A fetch that fails like Node's when the connection fails with `code`. */
function networkFailure(code: string, message: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

type Step = Error | { status: number; body: string; type?: string };

function scripted(steps: Step[]): { fetch: typeof fetch; calls: () => number } {
  let n = 0;
  const f = (async () => {
    const step = steps[Math.min(n, steps.length - 1)] as Step;
    n++;
    if (step instanceof Error) throw step;
    return new Response(step.body, {
      status: step.status,
      headers: { 'content-type': step.type ?? 'application/json' },
    });
  }) as typeof fetch;
  return { fetch: f, calls: () => n };
}

const ok: Step = { status: 200, body: JSON.stringify({ batchcomplete: true, query: { general: {} } }) };

function api(s: { fetch: typeof fetch }, retries: string[] = []) {
  return new MwApi({
    api: API,
    fetch: s.fetch,
    backoff: { baseMs: 1, maxMs: 5 },
    onRetry: (r) => retries.push(r.error.code),
  });
}

async function fails(steps: Step[], check: RegExp): Promise<void> {
  const s = scripted(steps);
  const retries: string[] = [];
  await assert.rejects(
    api(s, retries).request({ action: 'query', meta: 'siteinfo' }),
    (e: unknown) => e instanceof HttpError && !e.retryable && check.test(e.message),
  );
  assert.equal(s.calls(), 1, 'no retry');
  assert.deepEqual(retries, []);
}

describe('failures retrying cannot fix end at the first attempt', () => {
  it('a refused connection before the host ever answered', () =>
    fails(
      [networkFailure('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:80')],
      /^connection refused at http:\/\/wiki\.test\/w\/api\.php$/,
    ));

  it('a host name that does not resolve', () =>
    fails([networkFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND wiki.test')], /^host not found: wiki\.test/));

  it('a TLS failure', () =>
    fails(
      [networkFailure('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')],
      /^TLS error at http:\/\/wiki\.test\/w\/api\.php: self-signed certificate/,
    ));

  it('an HTML page', () =>
    fails(
      [{ status: 200, type: 'text/html', body: '<html><title>Login</title></html>' }],
      /is not a MediaWiki API \(got an HTML page titled "Login"\)/,
    ));

  it('plain text', () =>
    fails(
      [{ status: 200, type: 'text/plain', body: 'hello' }],
      /is not a MediaWiki API \(got text\/plain: hello\)/,
    ));

  it('a 404', () =>
    fails(
      [{ status: 404, type: 'text/html', body: '<h1>Not Found</h1>' }],
      /^http:\/\/wiki\.test\/w\/api\.php is not a MediaWiki API \(HTTP 404/,
    ));
});

describe('transient failures are retried', () => {
  it('a refused connection after the host answered (a restart)', async () => {
    const s = scripted([ok, networkFailure('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:80'), ok]);
    const retries: string[] = [];
    const a = api(s, retries);
    await a.request({ action: 'query', meta: 'siteinfo' });
    await a.request({ action: 'query', meta: 'siteinfo' });
    assert.deepEqual(retries, ['network']);
    assert.equal(s.calls(), 3);
  });

  it('a cut-off JSON answer and a 502 page', async () => {
    const s = scripted([
      { status: 200, body: '{"query":{"gen' },
      { status: 502, type: 'text/html', body: '<html>Bad gateway</html>' },
      ok,
    ]);
    const retries: string[] = [];
    await api(s, retries).request({ action: 'query', meta: 'siteinfo' });
    assert.deepEqual(retries, ['badresponse', 'http']);
  });
});
