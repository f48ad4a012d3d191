/**
 * Requests read as PHP and MediaWiki read them: a repeated parameter's last value, body over query
 * string, file parts a module does not take ignored, Expect: 100-continue, JSONP as anonymous.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { startWithBot, type TestServer } from '../helpers/server.js';

describe('request parsing', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    ({ s, bot } = await startWithBot());
  });
  after(() => s?.close());

  it('takes the last of a repeated parameter, and the body over the query string', async () => {
    const r = await fetch(`${s.api}?action=query&meta=siteinfo&siprop=general&siprop=statistics&format=json`);
    assert.deepEqual(Object.keys((await r.json()).query), ['statistics']);
    const p = await fetch(`${s.api}?action=query&meta=userinfo&format=json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'meta=siteinfo&siprop=statistics',
    });
    assert.deepEqual(Object.keys((await p.json()).query), ['statistics']);
  });

  it('ignores a file part sent to a module that takes no file, as MediaWiki does', async () => {
    const fd = new FormData();
    fd.append('action', 'query');
    fd.append('meta', 'userinfo');
    fd.append('format', 'json');
    fd.append('file', new Blob(['hello']), 'hello.txt');
    const j = await (await fetch(s.api, { method: 'POST', body: fd })).json();
    assert.equal(j.warnings, undefined, JSON.stringify(j.warnings));
    assert.equal(j.query.userinfo.anon, '');
  });

  it('answers Expect: 100-continue and reads the body that follows', async () => {
    const body = 'action=query&meta=siteinfo&siprop=statistics&format=json';
    const url = new URL(s.api);
    const answer = await new Promise<{ continued: boolean; json: { query: Record<string, unknown> } }>(
      (resolve, reject) => {
        let continued = false;
        const req = request({
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            expect: '100-continue',
          },
        });
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.on('response', (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve({ continued, json: JSON.parse(Buffer.concat(parts).toString()) }));
        });
        req.on('error', reject);
      },
    );
    assert.equal(answer.continued, true);
    assert.ok(answer.json.query.statistics);
  });

  it('wraps JSONP answers in the callback and serves them as to an anonymous user', async () => {
    const cookie = [...bot.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const logged = await fetch(`${s.api}?action=query&meta=userinfo&format=json`, { headers: { cookie } });
    assert.equal((await logged.json()).query.userinfo.name, 'UploadBot');
    const r = await fetch(`${s.api}?action=query&meta=userinfo&format=json&callback=cb.x<y>`, {
      headers: { cookie },
    });
    assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const text = await r.text();
    const m = /^\/\*\*\/cb\.xy\((.*)\)$/s.exec(text);
    assert.ok(m, text);
    const j = JSON.parse(m[1]!);
    assert.equal(j.query.userinfo.id, 0);
    assert.equal(j.query.userinfo.anon, '');
  });

  it('answers a client that half-closes its connection once the request is sent, as Apache does', async () => {
    const token = await bot.csrf();
    const boundary = 'halfclosed';
    const fields = { action: 'upload', format: 'json', filename: 'Half closed.png', token };
    const body = Buffer.concat([
      Buffer.from(
        Object.entries(fields)
          .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
          .join('') +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.png"\r\n\r\n`,
      ),
      png(4, 4),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const url = new URL(s.api);
    const cookie = [...bot.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const answer = await new Promise<string>((resolve) => {
      const sock = connect({ host: url.hostname, port: Number(url.port), allowHalfOpen: true });
      let got = '';
      sock.on('data', (d: Buffer) => {
        got += d.toString();
      });
      sock.on('end', () => sock.end());
      sock.on('close', () => resolve(got));
      sock.on('error', () => {});
      sock.write(
        `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie}\r\nConnection: close\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      // Done sending: shut down the writing side only (shutdown(SHUT_WR)), and wait for the answer.
      sock.end(body);
    });
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /"result":"Success"/);
  });
});
