/**
 * Large multipart bodies read from their socket (http/socket-body.ts, multipart-socket.ts): a
 * direct upload of at least 8 MiB has its file part written into storage by the addon's threads (a
 * local file), or copied by them into the part buffers S3 storage sends (MWUP_TEST_BACKEND=scaleout);
 * whatever the order of the parts, the upload is the same as one read through Node (the same SHA-1,
 * the same bytes, the fields before and after it), and every way it can go wrong leaves nothing.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { socketBodyAddon } from '../../src/util/native.js';
import { readAll } from '../contracts/blob-store.js';
import { type ApiAnswer, TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { assertNoStrays, storageStrays } from '../helpers/strays.js';
import { waitFor } from '../helpers/wait.js';

const MIB = 1024 * 1024;
const B = 'socketBodyBoundary7';
const CRLF = '\r\n';
const field = (name: string, value: string, eol = CRLF) =>
  Buffer.from(`--${B}${eol}Content-Disposition: form-data; name="${name}"${eol}${eol}${value}${eol}`);
const fileHead = (name: string, filename: string, eol = CRLF) =>
  Buffer.from(
    `--${B}${eol}Content-Disposition: form-data; name="${name}"; filename="${filename}"${eol}Content-Type: image/png${eol}${eol}`,
  );
const close = (eol = CRLF) => Buffer.from(`--${B}--${eol}`);

const skip = !socketBodyAddon() && 'the socket_body addon is not built';

describe('large bodies read from the socket', { skip }, () => {
  let s: TestServer;
  let bot: TestClient;
  let token: string;
  before(async () => {
    s = await startTestServer({ uploads: { maxUploadSize: 12 * MIB } });
    const b = await createBot(s, 'SocketBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
    token = await bot.csrf();
  });
  after(() => s?.close());

  const cookie = () => [...bot.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  /** POST `body` (its Content-Length given); the answer, its Connection header and status. */
  const post = (body: Buffer, boundary = B) =>
    new Promise<{ status: number; connection: string | undefined; json: ApiAnswer['json'] }>(
      (resolve, reject) => {
        const req = request(
          s.api,
          {
            method: 'POST',
            headers: {
              'content-type': `multipart/form-data; boundary=${boundary}`,
              'content-length': body.length,
              cookie: cookie(),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => {
              text += d;
            });
            res.on('end', () => {
              try {
                resolve({
                  status: res.statusCode ?? 0,
                  connection: res.headers.connection,
                  json: JSON.parse(text),
                });
              } catch (e) {
                reject(e);
              }
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      },
    );

  const fields = (name: string, eol = CRLF) =>
    Buffer.concat([
      field('action', 'upload', eol),
      field('format', 'json', eol),
      field('filename', name, eol),
      field('ignorewarnings', '1', eol),
      field('token', token, eol),
    ]);

  const strays = () => storageStrays(s);
  const noStrays = () => assertNoStrays(s);

  /** The stored bytes of the file `name` are `bytes`. */
  const storedIs = async (name: string, bytes: Buffer) => {
    const row = await s.server.db
      .selectFrom('images')
      .select('blob_key')
      .where('name', '=', name.replace(/ /g, '_'))
      .executeTakeFirstOrThrow();
    const stored = await readAll(s.server.services.blobs.read(row.blob_key));
    assert.equal(stored.length, bytes.length);
    assert.ok(stored.equals(bytes), 'the stored bytes are the ones sent');
  };

  it('stores a 9 MiB file sent after the fields, with its SHA-1, and closes the connection after the answer', async () => {
    const file = pngOfSize(9 * MIB);
    const r = await post(
      Buffer.concat([
        fields('Socket after.png'),
        fileHead('file', 'a.png'),
        file,
        Buffer.from(CRLF),
        close(),
      ]),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
    assert.equal(r.json.upload.imageinfo.sha1, sha1(file));
    assert.equal(r.json.upload.imageinfo.size, file.length);
    // Node's parser never saw the body's end: the connection cannot carry another request.
    assert.equal(r.connection, 'close');
    await storedIs('Socket after.png', file);
    await noStrays();
  });

  it('stores a file sent before the fields, and a file whose bytes hold the boundary without its line break', async () => {
    const file = pngOfSize(9 * MIB);
    // A near-delimiter inside the file, across what would be a 1 MiB read.
    Buffer.from(`\r\n--${B.slice(0, -1)}`).copy(file, MIB - 5);
    Buffer.from(`--${B}\r\n`).copy(file, 3 * MIB);
    const r = await post(
      Buffer.concat([
        fileHead('file', 'b.png'),
        file,
        Buffer.from(CRLF),
        fields('Socket before.png'),
        close(),
      ]),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
    assert.equal(r.json.upload.imageinfo.sha1, sha1(file));
    await storedIs('Socket before.png', file);
  });

  it('takes a body with LF line ends (pywikibot) through the parser as a whole', async () => {
    const file = pngOfSize(9 * MIB);
    const r = await post(
      Buffer.concat([
        fields('Socket lf.png', '\n'),
        fileHead('file', 'c.png', '\n'),
        file,
        Buffer.from('\n'),
        close('\n'),
      ]),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
    assert.equal(r.json.upload.imageinfo.sha1, sha1(file));
  });

  it('skips a part without headers, and parses a body with a preamble whole', async () => {
    const file = pngOfSize(9 * MIB);
    const headless = Buffer.from(`--${B}\r\n\r\nno headers here\r\n`);
    const a = await post(
      Buffer.concat([
        headless,
        fields('Socket headless.png'),
        fileHead('file', 'h.png'),
        file,
        Buffer.from(CRLF),
        close(),
      ]),
    );
    assert.equal(a.json.upload?.result, 'Success', JSON.stringify(a.json));
    assert.equal(a.json.upload.imageinfo.sha1, sha1(file));
    const b = await post(
      Buffer.concat([
        Buffer.from('a preamble, ignored\r\n'),
        fields('Socket preamble.png'),
        fileHead('file', 'p.png'),
        file,
        Buffer.from(CRLF),
        close(),
      ]),
    );
    assert.equal(b.json.upload?.result, 'Success', JSON.stringify(b.json));
    assert.equal(b.json.upload.imageinfo.sha1, sha1(file));
  });

  it('answers badmultipart to a body that ends inside the headers of a part after the file, and keeps nothing', async () => {
    const file = pngOfSize(9 * MIB);
    const r = await post(
      Buffer.concat([
        fields('Socket headers cut.png'),
        fileHead('file', 'i.png'),
        file,
        Buffer.from(`\r\n--${B}\r\nContent-Dispos`),
      ]),
    );
    assert.equal(r.json.error?.code, 'badmultipart', JSON.stringify(r.json));
    await noStrays();
  });

  it('receives a body sent after a 100 Continue (curl asks for one before a large body)', async () => {
    const file = pngOfSize(9 * MIB);
    const body = Buffer.concat([
      fields('Socket continue.png'),
      fileHead('file', 'j.png'),
      file,
      Buffer.from(CRLF),
      close(),
    ]);
    const url = new URL(s.origin);
    const sock = connect({ host: url.hostname, port: Number(url.port) });
    let got = '';
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
    });
    const closed = new Promise((resolve) => sock.once('close', resolve));
    sock.write(
      `POST /w/api.php HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie()}\r\nExpect: 100-continue\r\n` +
        `Content-Type: multipart/form-data; boundary=${B}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    await waitFor(() => got.startsWith('HTTP/1.1 100 Continue'), 'the server asks for the body');
    sock.write(body);
    await closed;
    const answer = got.slice(got.indexOf('{'));
    const json = JSON.parse(answer);
    assert.equal(json.upload?.result, 'Success', answer);
    assert.equal(json.upload.imageinfo.sha1, sha1(file));
  });

  it('counts the file part it takes: eight more parts answer toomanyfiles, and nothing is kept', async () => {
    const small = Array.from({ length: 8 }, (_, i) =>
      Buffer.concat([fileHead(`extra${i}`, `x${i}.png`), pngOfSize(2000), Buffer.from(CRLF)]),
    );
    const r = await post(
      Buffer.concat([
        fields('Socket many.png'),
        fileHead('file', 'm.png'),
        pngOfSize(9 * MIB),
        Buffer.from(CRLF),
        ...small,
        close(),
      ]),
    );
    assert.equal(r.json.error?.code, 'toomanyfiles', JSON.stringify(r.json));
    await noStrays();
  });

  it('answers file-too-large to a file over the limit, reads the rest, and keeps nothing', async () => {
    const file = pngOfSize(13 * MIB);
    const r = await post(
      Buffer.concat([fields('Socket big.png'), fileHead('file', 'd.png'), file, Buffer.from(CRLF), close()]),
    );
    assert.equal(r.json.error?.code, 'file-too-large', JSON.stringify(r.json));
    await noStrays();
  });

  it('answers badmultipart to a body whose file part never ends, and keeps nothing', async () => {
    const file = pngOfSize(9 * MIB);
    const r = await post(Buffer.concat([fields('Socket cut.png'), fileHead('file', 'e.png'), file]));
    assert.equal(r.json.error?.code, 'badmultipart', JSON.stringify(r.json));
    await noStrays();
  });

  it('keeps nothing of an upload whose client goes away halfway, and goes on serving', async () => {
    const body = Buffer.concat([fields('Socket gone.png'), fileHead('file', 'f.png'), pngOfSize(9 * MIB)]);
    const url = new URL(s.origin);
    const sock = connect({ host: url.hostname, port: Number(url.port) });
    await new Promise((resolve) => sock.once('connect', resolve));
    sock.write(
      `POST /w/api.php HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${cookie()}\r\n` +
        `Content-Type: multipart/form-data; boundary=${B}\r\nContent-Length: ${body.length + 100}\r\n\r\n`,
    );
    // All but the last 100 bytes announced: more than one of S3 storage's parts (8 MiB).
    await new Promise<void>((resolve) => sock.write(body, () => resolve()));
    // The part has started to be written somewhere (a file, a multipart upload).
    await waitFor(async () => (await strays()).length > 0, 'the part is being stored');
    sock.destroy();
    await noStrays();
    const file = pngOfSize(9 * MIB);
    const r = await post(
      Buffer.concat([
        fields('Socket after gone.png'),
        fileHead('file', 'g.png'),
        file,
        Buffer.from(CRLF),
        close(),
      ]),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
  });

  /** One chunk of `name` at `offset`, sent as one multipart POST. */
  const chunk = (name: string, bytes: Buffer, offset: number, filesize: number, filekey?: string) =>
    post(
      Buffer.concat([
        field('action', 'upload'),
        field('format', 'json'),
        field('stash', '1'),
        field('filename', name),
        field('filesize', String(filesize)),
        field('offset', String(offset)),
        ...(filekey ? [field('filekey', filekey)] : []),
        field('token', token),
        fileHead('chunk', 'blob'),
        bytes,
        Buffer.from(CRLF),
        close(),
      ]),
    );

  it('continues one SHA-1 across chunks read from the socket and chunks read by Node, in both directions', async () => {
    const file = pngOfSize(11 * MIB + 512 * 1024);
    // 1 MiB and the last half MiB go through Node; on S3 the two 5 MiB chunks are read from the
    // socket and copied into the part buffers, hashed on from the state the chunk before saved.
    const cuts = [0, MIB, 6 * MIB, 11 * MIB, file.length];
    let filekey: string | undefined;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const r = await chunk(
        'Socket chunks.png',
        file.subarray(cuts[i], cuts[i + 1]),
        cuts[i]!,
        file.length,
        filekey,
      );
      assert.equal(
        r.json.upload?.result,
        i + 2 < cuts.length ? 'Continue' : 'Success',
        JSON.stringify(r.json),
      );
      if (s.config.storage.driver === 's3' && cuts[i + 1]! - cuts[i]! >= 5 * MIB) {
        // Read from the socket (Node's parser never saw the body's end).
        assert.equal(r.connection, 'close');
      }
      filekey = r.json.upload.filekey;
    }
    const done = await bot.post({
      action: 'upload',
      filename: 'Socket chunks.png',
      filekey,
      ignorewarnings: 1,
      token,
    });
    assert.equal(done.json.upload?.result, 'Success', JSON.stringify(done.json));
    assert.equal(done.json.upload.imageinfo.sha1, sha1(file));
    await storedIs('Socket chunks.png', file);
    await noStrays();
  });

  it('answers file-too-large to a chunk over the limit, and keeps nothing of it', async () => {
    const r = await chunk('Socket big chunk.png', pngOfSize(13 * MIB), 0, 13 * MIB);
    assert.equal(r.json.error?.code, 'file-too-large', JSON.stringify(r.json));
    await noStrays();
  });

  it('stores a chunk of 9 MiB read from the socket as a stream', async () => {
    const file = pngOfSize(9 * MIB);
    const r = await post(
      Buffer.concat([
        field('action', 'upload'),
        field('format', 'json'),
        field('stash', '1'),
        field('filename', 'Socket chunk.png'),
        field('filesize', String(file.length)),
        field('offset', '0'),
        field('token', token),
        fileHead('chunk', 'blob'),
        file,
        Buffer.from(CRLF),
        close(),
      ]),
    );
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
    assert.equal(r.connection, 'close');
    const done = await bot.post({
      action: 'upload',
      filename: 'Socket chunk.png',
      filekey: r.json.upload.filekey,
      ignorewarnings: 1,
      token,
    });
    assert.equal(done.json.upload?.result, 'Success', JSON.stringify(done.json));
    assert.equal(done.json.upload.imageinfo.sha1, sha1(file));
  });
});
