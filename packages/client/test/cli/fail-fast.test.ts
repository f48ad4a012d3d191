/**
 * Fail fast, retry wisely: a wrong --api (closed port, an HTML page, a 404, TLS on a plain HTTP port)
 * ends the whole command within 5 s saying what is wrong; a 503 with Retry-After and maxlag answers
 * are retried and the upload lands byte-exact.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writePng } from '../library/fixtures.js';
import { clientFor, downloadedSha1, newPng, useWiki } from '../library/helpers.js';
import { listen, type TestProxy, withRule } from '../library/local-servers.js';
import { asWiki, cliEnv, jsonOf, runCli, runInProcess } from './cli-run.js';

const KiB = 1024;
const ctx = useWiki({ proxy: true });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = await listen(() => {});
  await s.close();
  return s.port;
}

const withUser = (api: string) => ({
  MWUP_API: api,
  MWUP_USER: 'Someone@bot',
  MWUP_PASSWORD: 'not-a-real-password-1234',
});

describe('a wrong --api ends the command within 5 s', () => {
  let files: string[];
  before(async () => {
    files = [];
    for (const n of [1, 2, 3]) {
      const path = join(ctx.tmp, `f${n}.png`);
      await writePng(path, 20 * KiB + n);
      files.push(path);
    }
  });

  it('a closed port: "connection refused at …", with and without credentials, every file skipped', async () => {
    const api = `http://127.0.0.1:${await closedPort()}/w/api.php`;
    for (const env of [cliEnv(ctx.tmp, { MWUP_API: api }), cliEnv(ctx.tmp, withUser(api))]) {
      const r = await runInProcess(['upload', ...files, '--concurrency', '1', '--json'], env);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
      assert.match(r.stderr, new RegExp(`connection refused at ${api.replace(/[.]/g, '\\.')}`));
      const out = jsonOf(r);
      assert.equal(out.ok, false);
      assert.match(out.results[0].detail, /connection refused/);
    }
  });

  it('a closed port, as a process: exit 1 and the message', async () => {
    const api = `http://127.0.0.1:${await closedPort()}/w/api.php`;
    const r = await runCli(['upload', files[0] as string], cliEnv(ctx.tmp, { MWUP_API: api }));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /mwup: network: connection refused at http:\/\/127\.0\.0\.1:\d+\/w\/api\.php/);
  });

  it('an HTML page: "… is not a MediaWiki API (got an HTML page)"', async () => {
    let hits = 0;
    const site = await listen((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Welcome to nginx!</title></head><body>Hi</body></html>');
    });
    try {
      const api = `http://127.0.0.1:${site.port}/wiki/Main_Page`;
      for (const env of [cliEnv(ctx.tmp, { MWUP_API: api }), cliEnv(ctx.tmp, withUser(api))]) {
        hits = 0;
        const r = await runInProcess(['upload', ...files, '--concurrency', '1'], env);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.ok(r.ms < 5000, `took ${r.ms} ms`);
        assert.match(
          r.stderr,
          new RegExp(
            `${api.replace(/[.]/g, '\\.')} is not a MediaWiki API \\(got an HTML page titled "Welcome to nginx!"\\)`,
          ),
        );
        assert.equal(hits, 1, 'asked once, not retried, no file sent');
      }
    } finally {
      await site.close();
    }
  });

  it('a 404: "… is not a MediaWiki API (HTTP 404 …)"', async () => {
    const site = await listen((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    try {
      const api = `http://127.0.0.1:${site.port}/w/apii.php`;
      const r = await runInProcess(['upload', ...files], cliEnv(ctx.tmp, withUser(api)));
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
      assert.match(r.stderr, /apii\.php is not a MediaWiki API \(HTTP 404 Not Found/);
    } finally {
      await site.close();
    }
  });

  it('https on a plain HTTP port: a TLS error', async () => {
    const site = await listen((_req, res) => res.end('{}'));
    try {
      const api = `https://127.0.0.1:${site.port}/w/api.php`;
      const r = await runInProcess(['upload', files[0] as string], cliEnv(ctx.tmp, { MWUP_API: api }));
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.ok(r.ms < 5000, `took ${r.ms} ms`);
      assert.match(r.stderr, /TLS error at https:\/\/127\.0\.0\.1:\d+\/w\/api\.php/);
    } finally {
      await site.close();
    }
  });

  it('mwup status and mwup resume end as fast; the interrupted upload stays in the state file', async () => {
    const api = `http://127.0.0.1:${await closedPort()}/w/api.php`;
    const st = await runInProcess(['status', 'abc.def.png'], cliEnv(ctx.tmp, { MWUP_API: api }));
    assert.equal(st.code, 1);
    assert.ok(st.ms < 5000, `took ${st.ms} ms`);
    assert.match(st.stdout, /connection refused at/);

    const state = join(ctx.tmp, 'unreachable-state.json');
    const uploads: Record<string, unknown> = {};
    for (const [i, path] of files.entries()) {
      const id = `entry${i}`;
      const token = {
        v: 1,
        api,
        filename: `Unreachable-${i}.png`,
        stage: 'uploading',
        filekey: `key${i}.png`,
        offset: 0,
        filesize: (await stat(path)).size,
        sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
        chunkSize: 64 * KiB,
        updatedAt: new Date().toISOString(),
      };
      uploads[id] = {
        id,
        path,
        api,
        filename: token.filename,
        options: {},
        token,
        updatedAt: token.updatedAt,
      };
    }
    await writeFile(state, JSON.stringify({ version: 1, uploads }));
    const r = await runInProcess(
      ['resume', '--state', state, '--concurrency', '1', '--json'],
      cliEnv(ctx.tmp),
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    const results = jsonOf(r).results;
    assert.match(results[0].detail, /connection refused at/);
    assert.deepEqual(
      results.slice(1).map((o: { status: string }) => o.status),
      ['not-started', 'not-started'],
    );
    assert.deepEqual(Object.keys(JSON.parse(await readFile(state, 'utf8')).uploads), Object.keys(uploads));
  });
});

describe('transient failures are retried', () => {
  /** Uploads through the proxy while `rule` decides what it does. */
  const upload = (path: string, name: string, rule: TestProxy['rule']) =>
    withRule(ctx.proxy, rule, () =>
      runCli(
        ['upload', path, '--filename', name, '--chunk-size', '64K', '--no-progress'],
        asWiki(ctx.tmp, ctx.wiki, ctx.proxy.api),
      ),
    );

  it('503 with Retry-After, on a read and on a chunk, then success', async () => {
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliBusy', 3 * 64 * KiB + 5);
    const arrivals: { n: number; at: number; busy: boolean; chunk: boolean }[] = [];
    const first = ctx.proxy.requests.length + 1;
    let busyChunk = false;
    const r = await upload(path, name, (q) => {
      const busy = q.n === first || (q.isChunk && !busyChunk);
      if (q.isChunk && !busyChunk) busyChunk = true;
      arrivals.push({ n: q.n, at: performance.now(), busy, chunk: q.isChunk });
      return busy ? { status: 503, headers: { 'retry-after': '1' }, body: 'Service Unavailable' } : 'pass';
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /http \(HTTP 503 .*\); retrying in \d+\.\d s/);
    // The next request came no sooner than Retry-After said.
    for (const [i, a] of arrivals.entries()) {
      const next = arrivals[i + 1];
      if (a.busy && next) assert.ok(next.at - a.at >= 990, `retried after ${next.at - a.at} ms`);
    }
    assert.equal(arrivals.filter((a) => a.busy).length, 2);
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
  });

  it('maxlag answers are retried', async () => {
    const { path, size, sha1, name } = await newPng(ctx.tmp, 'CliLagged', 2 * 64 * KiB + 7);
    let lagged = 0;
    const r = await upload(path, name, (q) => {
      if (lagged < 2 && (q.isChunk || q.fields.meta === 'siteinfo')) {
        lagged++;
        return {
          status: 200,
          headers: { 'retry-after': '1', 'x-database-lag': '7', 'mediawiki-api-error': 'maxlag' },
          body: JSON.stringify({
            error: {
              code: 'maxlag',
              info: 'Waiting for 10.0.0.1: 7 seconds lagged.',
              host: '10.0.0.1',
              lag: 7,
            },
          }),
        };
      }
      return 'pass';
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(lagged, 2);
    assert.match(r.stderr, /maxlag \(Waiting for 10\.0\.0\.1: 7 seconds lagged\.\); retrying in/);
    assert.deepEqual(await downloadedSha1(clientFor(ctx.wiki, ctx.wiki.api), name), { sha1, size });
  });
});
