/**
 * Multipart bodies with LF-only line endings (Python's email package writes them so: pywikibot's
 * uploads) are read as PHP reads them; part contents keep their bytes, CRLF bodies are unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

const BOUNDARY = '===============7330845974216740156==';

/** A multipart body as Python's email generator writes it: every line ends in LF alone. */
function lfBody(fields: Record<string, string>, file: { name: string; data: Buffer }): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\nContent-Type: text/plain\nMIME-Version: 1.0\nContent-Disposition: form-data; name="${k}"\n\n${v}\n`,
      ),
    );
  }
  parts.push(
    Buffer.from(
      `--${BOUNDARY}\nContent-Type: application/octet-stream\nMIME-Version: 1.0\nContent-Disposition: form-data; name="file"; filename="${file.name}"\n\n`,
    ),
    file.data,
    Buffer.from(`\n--${BOUNDARY}--\n`),
  );
  return Buffer.concat(parts);
}

/** Send a body in small pieces, so that line ends and boundaries fall across reads. */
function trickle(body: Buffer, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= body.length) return c.close();
      c.enqueue(body.subarray(at, at + size));
      at += size;
    },
  });
}

describe('multipart bodies with LF line endings', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    s = await startTestServer({ uploads: { fileExtensions: ['png', 'txt'] } });
    const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(() => s?.close());

  const post = (body: Buffer, piece?: number) =>
    fetch(s.api, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary="${BOUNDARY}"`,
        cookie: [...bot.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: piece ? trickle(body, piece) : body,
      duplex: 'half',
    } as RequestInit).then((r) => r.json());

  for (const piece of [undefined, 7, 61]) {
    it(`uploads, keeping every byte of the file and the text's line breaks${piece ? ` (sent ${piece} bytes at a time)` : ''}`, async () => {
      // Content full of line ends, CRs and boundary look-alikes that are not delimiters.
      const data = Buffer.concat([
        png(4, 4),
        Buffer.from(`\n\r\n--${BOUNDARY.slice(0, -2)}\n-\r--\n`),
        Buffer.alloc(3, 10),
      ]);
      const name = `Lf upload ${piece ?? 'whole'}.png`;
      const r = await post(
        lfBody(
          {
            action: 'upload',
            format: 'json',
            filename: name,
            text: 'line one\nline two',
            ignorewarnings: '1',
            token: await bot.csrf(),
          },
          { name: 'x.png', data },
        ),
        piece,
      );
      assert.equal(r.upload?.result, 'Success', JSON.stringify(r));
      const file = await s.server.services.files.current(name.replace(/ /g, '_'));
      assert.equal(file?.sha1, sha1(data));
      const page = await s.server.services.pages.latestText(6, name.replace(/ /g, '_'));
      assert.equal(page, 'line one\nline two');
    });
  }

  it('takes a CRLF body whose first line arrives in pieces as it is', async () => {
    const data = Buffer.concat([png(4, 4), Buffer.from(`\n\r\n--${BOUNDARY.slice(0, -2)}\r\n`)]);
    const name = 'Crlf upload in pieces.png';
    const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    const fields = {
      action: 'upload',
      format: 'json',
      filename: name,
      ignorewarnings: '1',
      token: await bot.csrf(),
    };
    const head = crlf(lfBody(fields, { name: 'x.png', data: Buffer.alloc(0) }));
    const body = Buffer.concat([
      head.subarray(0, head.lastIndexOf(`--${BOUNDARY}--`) - 2),
      data,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    const r = await post(body, 5);
    assert.equal(r.upload?.result, 'Success', JSON.stringify(r));
    assert.equal((await s.server.services.files.current(name.replace(/ /g, '_')))?.sha1, sha1(data));
  });

  for (const short of [`--${BOUNDARY}`, '--', '']) {
    it(`answers a body that ends before its first line does (${JSON.stringify(short)})`, async () => {
      // Answered (not left waiting for more): the body is not a multipart body.
      const r = await fetch(s.api, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary="${BOUNDARY}"` },
        body: short,
      });
      assert.equal(r.status, 200);
      assert.match(await r.text(), /"code": "badmultipart"/);
    });
  }
});
