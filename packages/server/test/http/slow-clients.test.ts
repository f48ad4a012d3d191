/**
 * Hostile and greedy clients: headers that never end, bodies that stall or trickle, and more
 * uploads at once than a node or a user may have. Each is answered as the API answers errors,
 * the connection is closed, and nothing the request stored is left behind.
 */
import assert from 'node:assert/strict';
import type { ClientRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { filesUnder, png, pngOfSize } from '../helpers/files.js';
import { startPartialUpload } from '../helpers/partial-upload.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

/** Everything the server wrote back on a raw connection, once it closed it. */
function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
}

function rawConnection(origin: string): Promise<Socket> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const s = connect(Number(url.port), url.hostname, () => resolve(s));
    s.once('error', reject);
  });
}

/** The status line, the headers (lower-case names) and the JSON body of a raw HTTP answer. */
function parseAnswer(raw: string): { status: number; headers: Map<string, string>; json: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, json: JSON.parse(body) };
}

const blobsOf = (s: TestServer) => filesUnder(join(s.dataDir, 'blobs'));

describe('slow clients', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    s = await startTestServer({
      requests: { headersTimeoutSeconds: 1, bodyTimeoutSeconds: 1, minBodyBytesPerSecond: 2000 },
    });
    const b = await createBot(s, 'SlowBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(() => s?.close());

  it('headers that never end are answered 408 requesttimeout and the connection closed', async () => {
    const socket = await rawConnection(s.origin);
    const answer = readUntilClosed(socket);
    socket.write('POST /w/api.php HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n');
    const a = parseAnswer(await answer);
    assert.equal(a.status, 408);
    assert.equal(a.headers.get('mediawiki-api-error'), 'requesttimeout');
    assert.deepEqual((a.json as { error: { code: string } }).error.code, 'requesttimeout');
  });

  it('headers too large or not HTTP are answered as API errors, 431 and 400', async () => {
    for (const [request, status] of [
      [`GET /w/api.php HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['NOT HTTP AT ALL\r\n\r\n', 400],
    ] as const) {
      const socket = await rawConnection(s.origin);
      const answer = readUntilClosed(socket);
      socket.write(request);
      const a = parseAnswer(await answer);
      assert.equal(a.status, status);
      assert.equal(a.headers.get('mediawiki-api-error'), 'badrequest');
      assert.equal((a.json as { error: { code: string } }).error.code, 'badrequest');
    }
  });

  /** An upload whose fields and first file bytes are sent; the rest is up to the test. */
  const slowUpload = async (name: string) => {
    const socket = await rawConnection(s.origin);
    const answer = readUntilClosed(socket);
    const boundary = 'SLOWBOUNDARY';
    const token = await bot.csrf();
    let body = '';
    const fields = { action: 'upload', format: 'json', filename: name, ignorewarnings: '1', token };
    for (const [k, v] of Object.entries(fields))
      body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    body += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n`;
    const cookie = [...bot.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    socket.write(
      `POST /w/api.php HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n${body}`,
    );
    socket.write(png(64, 64));
    return { socket, answer };
  };

  it('a body that stalls is answered 408, closed, and its stored bytes removed', async () => {
    const before = blobsOf(s);
    const { answer } = await slowUpload('Stalled.png');
    const a = parseAnswer(await answer);
    assert.equal(a.status, 408);
    assert.equal(a.headers.get('mediawiki-api-error'), 'requesttimeout');
    assert.match((a.json as { error: { info: string } }).error.info, /nothing for 1 seconds/);
    await waitFor(
      () => blobsOf(s).length === before.length,
      `the partial blob is removed ${blobsOf(s)} ${before}`,
    );
    assert.deepEqual(blobsOf(s), before);
  });

  it('a body that trickles below the minimum rate is cut off although it never pauses', async () => {
    const before = blobsOf(s);
    const { socket, answer } = await slowUpload('Trickle.png');
    // 100 bytes every 100 ms: never idle, but 1 KB/s where 2 KB/s are asked.
    const trickle = setInterval(() => socket.writable && socket.write(Buffer.alloc(100, 1)), 100);
    try {
      const a = parseAnswer(await answer);
      assert.equal(a.status, 408);
      assert.match((a.json as { error: { info: string } }).error.info, /too slowly/);
    } finally {
      clearInterval(trickle);
    }
    await waitFor(() => blobsOf(s).length === before.length, 'the partial blob is removed');
  });

  it('a urlencoded body that stalls is answered 408 in the format the query string asks', async () => {
    const socket = await rawConnection(s.origin);
    const answer = readUntilClosed(socket);
    socket.write(
      'POST /w/api.php?format=json&formatversion=2 HTTP/1.1\r\nHost: x\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\naction=query',
    );
    const a = parseAnswer(await answer);
    assert.equal(a.status, 408);
    assert.equal((a.json as { error: { code: string } }).error.code, 'requesttimeout');
  });

  it('garbage sent while a file is being answered never ends up inside that answer', async () => {
    const data = pngOfSize(4 * 1024 * 1024);
    const up = await bot.upload(
      { filename: 'Big answer.png', ignorewarnings: 1, token: await bot.csrf() },
      data,
    );
    const path = new URL(up.json.upload.imageinfo.url).pathname;
    const socket = await rawConnection(s.origin);
    const answer = readUntilClosed(socket);
    socket.once('data', () => socket.write('GARBAGE\r\n\r\n'));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const text = await answer;
    assert.match(text, /^HTTP\/1\.1 200 /);
    // Only the file's bytes, in order, are inside its answer (the connection may be cut short once
    // the garbage is read); the garbage's own answer, if any, comes after the whole file.
    const headEnd = text.indexOf('\r\n\r\n') + 4;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1]);
    assert.equal(length, data.length);
    const body = Buffer.from(text.slice(headEnd), 'latin1');
    const file = body.subarray(0, Math.min(length, body.length));
    assert.ok(file.equals(data.subarray(0, file.length)), 'the file’s bytes, in order');
    const rest = body.subarray(file.length).toString('latin1');
    assert.ok(rest === '' || /^HTTP\/1\.1 4\d\d /.test(rest), `after the file: ${rest.slice(0, 80)}`);
  });

  it('an upload at a normal pace is not affected', async () => {
    const r = await bot.upload(
      { filename: 'Quick.png', ignorewarnings: 1, token: await bot.csrf() },
      png(300, 300),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
  });
});

describe('concurrent uploads', () => {
  let s: TestServer;
  const clients: TestClient[] = [];
  const open: ClientRequest[] = [];
  before(async () => {
    s = await startTestServer({ requests: { maxConcurrentUploads: 3, maxConcurrentUploadsPerUser: 2 } });
    for (const name of ['CapBotA', 'CapBotB', 'CapBotC']) {
      const b = await createBot(s, name, { groups: ['bot'] });
      const c = new TestClient(s.api);
      await c.login(b.lgname, b.password);
      clients.push(c);
    }
  });
  after(async () => {
    for (const r of open) r.destroy();
    await s?.close();
  });

  const inProgress = async () => {
    const text = await (await fetch(`${s.origin}/metrics`)).text();
    return Number(/^mwup_uploads_in_progress (\d+)/m.exec(text)?.[1]);
  };
  const hold = async (c: TestClient, name: string) => {
    const n = await inProgress();
    open.push(
      startPartialUpload({
        api: s.api,
        cookies: c.cookies,
        fields: { action: 'upload', filename: name, ignorewarnings: 1, token: await c.csrf() },
        fileField: 'file',
        bytes: png(16, 16),
      }),
    );
    await waitFor(async () => (await inProgress()) === n + 1, 'the upload holds a slot');
  };
  const upload = async (c: TestClient, name: string) =>
    c.upload({ filename: name, ignorewarnings: 1, token: await c.csrf() }, png(8, 8));

  it('a user over their share gets ratelimited; a full node answers 503 with Retry-After', async () => {
    const [a, b, c] = clients as [TestClient, TestClient, TestClient];
    await hold(a, 'Held A1.png');
    await hold(a, 'Held A2.png');
    const third = await upload(a, 'A3.png');
    assert.equal(third.status, 200);
    assert.equal(third.json.error?.code, 'ratelimited', JSON.stringify(third.json));

    await hold(b, 'Held B1.png');
    const full = await upload(c, 'C1.png');
    assert.equal(full.status, 503);
    assert.equal(full.headers.get('retry-after'), '5');
    assert.equal(full.headers.get('mediawiki-api-error'), 'ratelimited');
    assert.equal(full.json.error?.code, 'ratelimited');

    // Slots are given back when a request ends, however it ends.
    for (const r of open.splice(0)) r.destroy();
    await waitFor(async () => (await inProgress()) === 0, 'the held slots are released');
    assert.equal((await upload(c, 'C2.png')).json.upload?.result, 'Success');
    assert.equal((await upload(a, 'A4.png')).json.upload?.result, 'Success');
  });
});
