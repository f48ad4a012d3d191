/**
 * Broken multipart bodies: a body that ends inside a file part is a broken body (`badmultipart`),
 * a second file part of a name already taken is ignored without a trace in storage, a body the
 * parser stops reading early is still read to its end, and a part the parser gives up on after a
 * limit was hit does not take the process down.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { createBot, embeddedOnly, startTestServer, type TestServer } from '../helpers/server.js';
import { assertNoStrays, storageStrays } from '../helpers/strays.js';
import { waitFor } from '../helpers/wait.js';

const BOUNDARY = 'brokenBoundary42';

const field = (name: string, value: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const fileHead = (name: string, filename: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
  );
const CLOSE = Buffer.from(`--${BOUNDARY}--\r\n`);

describe('broken multipart bodies', { skip: embeddedOnly('reads the local blob directory') }, () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    s = await startTestServer();
    const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(() => s?.close());

  const post = async (body: Buffer) => {
    const res = await fetch(s.api, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        cookie: [...bot.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: new Uint8Array(body),
    });
    return { status: res.status, json: await res.json() };
  };

  const _strays = () => storageStrays(s);
  const noStrays = () => assertNoStrays(s);

  it('answers badmultipart to a body that ends inside a file part, and keeps nothing of it', async () => {
    const token = await bot.csrf();
    const r = await post(
      Buffer.concat([
        field('action', 'upload'),
        field('format', 'json'),
        field('filename', 'Cut short.png'),
        field('token', token),
        fileHead('file', 'Cut short.png'),
        png(4, 4).subarray(0, 40),
      ]),
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.error?.code, 'badmultipart', JSON.stringify(r.json));
    assert.match(r.json.error.info, /^Could not parse the multipart\/form-data body: /);
    await noStrays();
  });

  it('takes the first file part of a name and leaves nothing of a second one, even one that starts before the first is stored', async () => {
    const token = await bot.csrf();
    const first = png(64, 64);
    const second = png(8, 8);
    const r = await post(
      Buffer.concat([
        field('action', 'upload'),
        field('format', 'json'),
        field('filename', 'Twice named.png'),
        field('token', token),
        fileHead('file', 'a.png'),
        first,
        Buffer.from('\r\n'),
        fileHead('file', 'b.png'),
        second,
        Buffer.from('\r\n'),
        CLOSE,
      ]),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
    assert.equal(r.json.upload.imageinfo.sha1, sha1(first));
    await noStrays();
  });

  it('reads the whole body of a request with an empty boundary, so that its connection serves the next request', async () => {
    // PHP finds no part without a boundary: MediaWiki sees no parameters and shows its help.
    // With an empty boundary every `--` line is a delimiter: the parser gives up inside the huge
    // header of the second part and reads no further.
    const body = Buffer.from(
      `------x\r\nContent-Disposition: form-data; name="action"\r\n\r\nquery\r\n------x\r\nX-Big: ${'h'.repeat(200_000)}\r\n\r\n`,
    );
    const url = new URL(s.origin);
    const sock = connect({ host: url.hostname, port: Number(url.port) });
    let got = '';
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
    });
    sock.write(
      `POST /w/api.php HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: multipart/form-data; boundary=\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`,
    );
    sock.write(body);
    sock.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    try {
      await waitFor(
        () => got.includes('{"status":"ok"}'),
        'the second request on the connection is answered',
        5000,
      );
    } finally {
      sock.destroy();
    }
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n[\s\S]*filename=api-help\.html/);
  });

  it('survives a file part cut short after the field limit was reached', async () => {
    const parts = [field('action', 'upload'), field('format', 'json')];
    for (let i = 0; i < 501; i++) parts.push(field(`f${i}`, 'x'));
    parts.push(fileHead('file', 'late.png'), Buffer.from('cut'));
    const r = await post(Buffer.concat(parts));
    assert.equal(r.json.error?.code, 'toomanyfields', JSON.stringify(r.json));
    const health = await fetch(`${s.origin}/healthz`);
    assert.equal(health.status, 200);
    await noStrays();
  });
});
