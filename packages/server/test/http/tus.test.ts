import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as tus from 'tus-js-client';
import { TestClient } from '../helpers/client.js';
import { pngOfSize, sha1, text } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { b64, cookieOf, tusFetch } from './tus-requests.js';

/** tus-js-client 4's options, with `protocol` (which its type declarations leave out). */
type ClientOptions = Partial<tus.UploadOptions> & { protocol?: 'tus-v1' | 'ietf-draft-03' | 'ietf-draft-05' };

/** Upload `data` with tus-js-client; resolves to the last response's `Upload-Filekey`. */
function tusUpload(
  endpoint: string,
  c: TestClient,
  data: Buffer,
  opts: ClientOptions & { filename: string },
): Promise<{ filekey: string | null; upload: tus.Upload }> {
  return new Promise((resolve, reject) => {
    const options: ClientOptions = {
      endpoint,
      headers: { cookie: cookieOf(c) },
      metadata: { filename: opts.filename, filetype: 'image/png' },
      retryDelays: [],
      ...opts,
      onError: reject,
      onSuccess: (p) => resolve({ filekey: p.lastResponse.getHeader('Upload-Filekey') ?? null, upload }),
    };
    const upload = new tus.Upload(data, options as tus.UploadOptions);
    upload.start();
  });
}

describe('resumable uploads (tus 1.0, IETF draft) at /w/tus/', () => {
  let s: TestServer;
  let c: TestClient;
  let other: TestClient;
  let endpoint: string;
  before(async () => {
    s = await startTestServer({ corsOrigins: ['https://allowed.example'] });
    const b = await createBot(s);
    c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
    const o = await createBot(s, 'OtherBot');
    other = new TestClient(s.api);
    await other.login(o.lgname, o.password);
    endpoint = `${s.origin}/w/tus/`;
  });
  after(() => s.close());

  /** Publish a stashed file; the file's SHA-1 as the wiki reports it. */
  async function publish(filekey: string, filename: string): Promise<string> {
    const pub = await c.post({
      action: 'upload',
      filekey,
      filename,
      ignorewarnings: 1,
      token: await c.csrf(),
    });
    assert.equal(pub.json.upload?.result, 'Success', pub.text);
    const q = await c.get({ action: 'query', prop: 'imageinfo', titles: `File:${filename}`, iiprop: 'sha1' });
    const page = Object.values(q.json.query.pages)[0] as { imageinfo: { sha1: string }[] };
    return page.imageinfo[0]!.sha1;
  }

  it('announces tus 1.0 with its extensions and checksum algorithms (OPTIONS)', async () => {
    const r = await fetch(endpoint, { method: 'OPTIONS' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('tus-version'), '1.0.0');
    const ext = r.headers.get('tus-extension')!.split(',');
    for (const e of [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      'expiration',
      'checksum',
    ])
      assert.ok(ext.includes(e), e);
    assert.ok(r.headers.get('tus-checksum-algorithm')!.split(',').includes('sha1'));
    assert.equal(r.headers.get('tus-max-size'), String(s.config.uploads.maxUploadSize));
  });

  it('answers CORS as the API does: credentialed for allowed origins only, tus headers exposed', async () => {
    const pre = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: { Origin: 'https://allowed.example', 'Access-Control-Request-Method': 'PATCH' },
    });
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://allowed.example');
    assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Upload-Checksum/);
    const r = await create(c, 'Tus cors.png', { 'Upload-Length': '10', Origin: 'https://allowed.example' });
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://allowed.example');
    const exposed = r.headers.get('access-control-expose-headers') ?? '';
    for (const h of ['Upload-Offset', 'Location', 'Upload-Filekey', 'Tus-Resumable'])
      assert.match(exposed, new RegExp(h));
    const foreign = await fetch(endpoint, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const anon = await create(null, 'Tus cors anon.png', {
      'Upload-Length': '10',
      Origin: 'https://allowed.example',
    });
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('access-control-allow-origin'), 'https://allowed.example');
  });

  it('tus-js-client uploads, is aborted, resumes from the server offset; the file is stashed and publishes', async () => {
    const data = pngOfSize(300_000);
    const sent: string[] = [];
    let upload!: tus.Upload;
    // Abort after two chunks.
    await new Promise<void>((resolve, reject) => {
      let chunks = 0;
      upload = new tus.Upload(data, {
        endpoint,
        headers: { cookie: cookieOf(c) },
        metadata: { filename: 'Tus resumed.png', filetype: 'image/png' },
        chunkSize: 64 * 1024,
        retryDelays: [],
        onError: reject,
        onChunkComplete: () => {
          if (++chunks === 2) {
            void upload.abort().then(resolve, reject);
          }
        },
      });
      upload.start();
    });
    const url = upload.url!;
    const head = await tusFetch(url, c, { method: 'HEAD' });
    assert.equal(head.status, 200);
    const offset = Number(head.headers.get('upload-offset'));
    assert.equal(offset, 128 * 1024);
    assert.equal(head.headers.get('upload-length'), String(data.length));
    assert.ok(head.headers.get('upload-expires'));
    assert.equal(head.headers.get('upload-filekey'), null);

    const { filekey } = await tusUpload(endpoint, c, data, {
      filename: 'Tus resumed.png',
      uploadUrl: url,
      chunkSize: 64 * 1024,
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') sent.push(req.getHeader('Upload-Offset') ?? '');
      },
    });
    assert.equal(sent[0], String(offset), 'the first PATCH continues at the server offset');
    assert.ok(filekey);
    const again = await tusFetch(url, c, { method: 'HEAD' });
    assert.equal(again.headers.get('upload-filekey'), filekey);
    assert.equal(again.headers.get('upload-offset'), String(data.length));

    const list = await c.get({ action: 'query', list: 'mystashedfiles', msfprop: 'size' });
    const entry = list.json.query.mystashedfiles.find((f: { filekey: string }) => f.filekey === filekey);
    assert.equal(entry?.size, data.length);
    assert.equal(await publish(filekey, 'Tus resumed.png'), sha1(data));
  });
  /** Create an upload with raw requests; its URL. */
  async function create(
    who: TestClient | null,
    filename: string,
    headers: Record<string, string>,
    body?: Uint8Array,
  ): Promise<Response> {
    return tusFetch(endpoint, who, {
      method: 'POST',
      headers: {
        'Upload-Metadata': `filename ${b64(filename)},filetype ${b64('image/png')}`,
        ...(body ? { 'Content-Type': 'application/offset+octet-stream' } : {}),
        ...headers,
      },
      body,
    });
  }

  /** Bytes the user's stash entries hold, by key (list=mystashedfiles). */
  async function stashedSizes(who: TestClient): Promise<number[]> {
    const list = await who.get({ action: 'query', list: 'mystashedfiles', msfprop: 'size', msflimit: 'max' });
    return list.json.query.mystashedfiles.map((f: { size: number }) => f.size);
  }

  it('keeps what an interrupted PATCH stored in whole segments and continues from there', async () => {
    const MIB = 1024 * 1024;
    const data = pngOfSize(9 * MIB);
    const r = await create(c, 'Tus interrupted.png', { 'Upload-Length': String(data.length) });
    assert.equal(r.status, 201);
    const url = r.headers.get('location')!;
    const req = httpRequest(url, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        cookie: cookieOf(c),
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(data.length),
      },
    });
    req.on('error', () => {});
    req.write(data.subarray(0, 8 * MIB + 4096));
    await waitFor(async () => (await stashedSizes(c)).includes(8 * MIB), 'the first segment is stored');
    req.destroy();
    await waitFor(async () => {
      const h = await tusFetch(url, c, { method: 'HEAD' });
      return h.status === 200 && h.headers.get('upload-offset') === String(8 * MIB);
    }, 'the server reports the stored segment');
    const rest = await tusFetch(url, c, {
      method: 'PATCH',
      headers: { 'Upload-Offset': String(8 * MIB), 'Content-Type': 'application/offset+octet-stream' },
      body: data.subarray(8 * MIB),
    });
    assert.equal(rest.status, 204, await rest.text());
    const filekey = rest.headers.get('upload-filekey')!;
    assert.ok(filekey);
    assert.equal(await publish(filekey, 'Tus interrupted.png'), sha1(data));
  });

  for (const protocol of ['ietf-draft-03', 'ietf-draft-05'] as const) {
    it(`tus-js-client speaks the IETF draft (${protocol}): upload, abort, resume, publish`, async () => {
      const data = pngOfSize(200_000);
      let upload!: tus.Upload;
      await new Promise<void>((resolve, reject) => {
        const options: ClientOptions = {
          endpoint,
          protocol,
          headers: { cookie: cookieOf(c) },
          metadata: { filename: `Draft ${protocol}.png`, filetype: 'image/png' },
          chunkSize: 64 * 1024,
          retryDelays: [],
          onError: reject,
          onChunkComplete: () => void upload.abort().then(resolve, reject),
        };
        upload = new tus.Upload(data, options as tus.UploadOptions);
        upload.start();
      });
      const sent: string[] = [];
      const { filekey } = await tusUpload(endpoint, c, data, {
        filename: `Draft ${protocol}.png`,
        protocol,
        uploadUrl: upload.url,
        chunkSize: 64 * 1024,
        onBeforeRequest: (req) => {
          if (req.getMethod() === 'PATCH') sent.push(req.getHeader('Upload-Offset') ?? '');
        },
      });
      assert.equal(sent[0], String(64 * 1024));
      assert.ok(filekey);
      assert.equal(await publish(filekey, `Draft ${protocol}.png`), sha1(data));
    });
  }

  it('serves the draft by hand (interop version 6): Upload-Complete, offsets, the file key', async () => {
    const data = pngOfSize(50_000);
    const draft = { 'Upload-Draft-Interop-Version': '6' };
    const r = await fetch(endpoint, {
      method: 'POST',
      headers: {
        ...draft,
        cookie: cookieOf(c),
        'Upload-Complete': '?0',
        'Upload-Metadata': `filename ${b64('Draft by hand.png')}`,
      },
      body: new Uint8Array(data.subarray(0, 20_000)),
    });
    assert.equal(r.status, 201, await r.text());
    assert.equal(r.headers.get('upload-offset'), '20000');
    assert.equal(r.headers.get('upload-complete'), '?0');
    assert.equal(r.headers.get('upload-limit'), `max-size=${s.config.uploads.maxUploadSize}`);
    const url = r.headers.get('location')!;
    const unknown = await fetch(url, {
      method: 'HEAD',
      headers: { 'Upload-Draft-Interop-Version': '99', cookie: cookieOf(c) },
    });
    assert.equal(unknown.status, 400);
    const head = await fetch(url, { method: 'HEAD', headers: { ...draft, cookie: cookieOf(c) } });
    assert.equal(head.headers.get('upload-offset'), '20000');
    assert.equal(head.headers.get('upload-complete'), '?0');
    const last = await fetch(url, {
      method: 'PATCH',
      headers: {
        ...draft,
        cookie: cookieOf(c),
        'Upload-Offset': '20000',
        'Upload-Complete': '?1',
        'Content-Type': 'application/partial-upload',
      },
      body: new Uint8Array(data.subarray(20_000)),
    });
    assert.ok(last.status >= 200 && last.status < 300, await last.text());
    assert.equal(last.headers.get('upload-complete'), '?1');
    assert.equal(last.headers.get('upload-offset'), String(data.length));
    const filekey = last.headers.get('upload-filekey')!;
    assert.equal(await publish(filekey, 'Draft by hand.png'), sha1(data));
  });

  it('checks Upload-Checksum: a mismatch is 460 and stores nothing; a match is kept', async () => {
    const data = pngOfSize(5000);
    const r = await create(c, 'Tus checksum.png', { 'Upload-Length': String(data.length) });
    const url = r.headers.get('location')!;
    const patch = (sum: string, body: Buffer) =>
      tusFetch(url, c, {
        method: 'PATCH',
        headers: {
          'Upload-Offset': '0',
          'Content-Type': 'application/offset+octet-stream',
          'Upload-Checksum': sum,
        },
        body,
      });
    const wrong = await patch(`sha1 ${createHash('sha1').update('other').digest('base64')}`, data);
    assert.equal(wrong.status, 460);
    const head = await tusFetch(url, c, { method: 'HEAD' });
    assert.equal(head.headers.get('upload-offset'), '0');
    const unknown = await patch('crc99 AAAA', data);
    assert.equal(unknown.status, 400);
    const right = await patch(`sha1 ${createHash('sha1').update(data).digest('base64')}`, data);
    assert.equal(right.status, 204);
    assert.equal(right.headers.get('upload-offset'), String(data.length));
    assert.ok(right.headers.get('upload-filekey'));
  });

  it('defers the length (creation-defer-length) and takes it with a later PATCH', async () => {
    const data = pngOfSize(6000);
    const r = await create(c, 'Tus deferred.png', { 'Upload-Defer-Length': '1' }, data.subarray(0, 2000));
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('upload-offset'), '2000');
    const url = r.headers.get('location')!;
    const head = await tusFetch(url, c, { method: 'HEAD' });
    assert.equal(head.headers.get('upload-defer-length'), '1');
    const last = await tusFetch(url, c, {
      method: 'PATCH',
      headers: {
        'Upload-Offset': '2000',
        'Upload-Length': String(data.length),
        'Content-Type': 'application/offset+octet-stream',
      },
      body: data.subarray(2000),
    });
    assert.equal(last.status, 204, await last.text());
    assert.equal(await publish(last.headers.get('upload-filekey')!, 'Tus deferred.png'), sha1(data));
  });

  it('terminates an unfinished upload (204), after which its URL is unknown', async () => {
    const data = pngOfSize(4000);
    const r = await create(c, 'Tus terminated.png', { 'Upload-Length': '4000' }, data.subarray(0, 1000));
    const url = r.headers.get('location')!;
    const sizes = await stashedSizes(c);
    const del = await tusFetch(url, c, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal((await stashedSizes(c)).length, sizes.length - 1, 'the stash entry is gone');
    const head = await tusFetch(url, c, { method: 'HEAD' });
    assert.ok([404, 410].includes(head.status));
    const patch = await tusFetch(url, c, {
      method: 'PATCH',
      headers: { 'Upload-Offset': '1000', 'Content-Type': 'application/offset+octet-stream' },
      body: data.subarray(1000),
    });
    assert.ok([404, 410].includes(patch.status));
  });

  it("refuses another user's upload URL and anonymous callers", async () => {
    const r = await create(c, 'Tus mine.png', { 'Upload-Length': '4000' }, pngOfSize(4000).subarray(0, 1000));
    const url = r.headers.get('location')!;
    for (const method of ['HEAD', 'DELETE']) {
      const foreign = await tusFetch(url, other, { method });
      assert.equal(foreign.status, 403, method);
    }
    const foreignPatch = await tusFetch(url, other, {
      method: 'PATCH',
      headers: { 'Upload-Offset': '1000', 'Content-Type': 'application/offset+octet-stream' },
      body: Buffer.alloc(10),
    });
    assert.equal(foreignPatch.status, 403);
    const anonCreate = await create(null, 'Tus anon.png', { 'Upload-Length': '10' });
    assert.equal(anonCreate.status, 401);
    assert.equal(anonCreate.headers.get('mediawiki-api-error'), 'mustbeloggedin');
    const anonHead = await tusFetch(url, null, { method: 'HEAD' });
    assert.equal(anonHead.status, 401);
    // Still there for its owner, untouched.
    const head = await tusFetch(url, c, { method: 'HEAD' });
    assert.equal(head.headers.get('upload-offset'), '1000');
  });

  it('refuses callers without the upload right', async () => {
    const b = await createBot(s, 'NoUploadBot', { grants: ['basic'] });
    const n = new TestClient(s.api);
    await n.login(b.lgname, b.password);
    const r = await create(n, 'Tus no right.png', { 'Upload-Length': '10' });
    assert.equal(r.status, 403);
    assert.equal(r.headers.get('mediawiki-api-error'), 'permissiondenied');
  });

  it('refuses uploads larger than maxUploadSize (413), announced or sent', async () => {
    const max = s.config.uploads.maxUploadSize;
    const big = await create(c, 'Tus big.png', { 'Upload-Length': String(max + 1) });
    assert.equal(big.status, 413);
    const short = await create(c, 'Tus short.png', { 'Upload-Length': '100' });
    const url = short.headers.get('location')!;
    const over = await tusFetch(url, c, {
      method: 'PATCH',
      headers: { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      body: Buffer.alloc(200),
    });
    assert.equal(over.status, 413);
    const head = await tusFetch(url, c, { method: 'HEAD' });
    assert.equal(head.headers.get('upload-offset'), '0');
  });

  it('refuses a missing or banned file name at creation, and a file that fails verification at the end', async () => {
    const none = await tusFetch(endpoint, c, { method: 'POST', headers: { 'Upload-Length': '10' } });
    assert.equal(none.status, 400);
    assert.equal(none.headers.get('mediawiki-api-error'), 'missingparam');
    const banned = await create(c, 'Tus banned.exe', { 'Upload-Length': '10' });
    assert.equal(banned.status, 400);
    assert.ok(banned.headers.get('mediawiki-api-error'));
    const body = text(200);
    const r = await create(c, 'Tus not a png.png', { 'Upload-Length': String(body.length) }, body);
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('mediawiki-api-error'), 'stashfailed');
    const head = await tusFetch(r.headers.get('location') ?? `${endpoint}x`, c, { method: 'HEAD' });
    assert.ok([404, 410].includes(head.status));
  });

  it('cuts off a PATCH body that stalls and frees the upload for the next request', async () => {
    const slow = await startTestServer({ requests: { bodyTimeoutSeconds: 1 } });
    try {
      const b = await createBot(slow);
      const sc = new TestClient(slow.api);
      await sc.login(b.lgname, b.password);
      const data = pngOfSize(6000);
      const r = await tusFetch(`${slow.origin}/w/tus/`, sc, {
        method: 'POST',
        headers: {
          'Upload-Length': String(data.length),
          'Upload-Metadata': `filename ${b64('Tus stalled.png')}`,
        },
      });
      const url = r.headers.get('location')!;
      const closed = new Promise<void>((resolve) => {
        const req = httpRequest(url, {
          method: 'PATCH',
          headers: {
            'Tus-Resumable': '1.0.0',
            cookie: cookieOf(sc),
            'Upload-Offset': '0',
            'Content-Type': 'application/offset+octet-stream',
            'Content-Length': String(data.length),
          },
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.write(data.subarray(0, 1000));
      });
      await closed;
      const head = await tusFetch(url, sc, { method: 'HEAD' });
      const offset = Number(head.headers.get('upload-offset'));
      const rest = await tusFetch(url, sc, {
        method: 'PATCH',
        headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        body: data.subarray(offset),
      });
      assert.equal(rest.status, 204, await rest.text());
      assert.ok(rest.headers.get('upload-filekey'));
    } finally {
      await slow.close();
    }
  });

  it('finishes an assembly that a failed request left behind when the upload is asked for (HEAD)', async () => {
    let fail = true;
    const crashy = await startTestServer(undefined, {
      uploadHooks: {
        beforeAssemble: async () => {
          if (fail) {
            fail = false;
            throw new Error('the node stops here');
          }
        },
      },
    });
    try {
      const b = await createBot(crashy);
      const cc = new TestClient(crashy.api);
      await cc.login(b.lgname, b.password);
      const data = pngOfSize(3000);
      const r = await tusFetch(`${crashy.origin}/w/tus/`, cc, {
        method: 'POST',
        headers: {
          'Upload-Length': String(data.length),
          'Upload-Metadata': `filename ${b64('Tus settled.png')}`,
        },
      });
      const url = r.headers.get('location')!;
      const last = await tusFetch(url, cc, {
        method: 'PATCH',
        headers: { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
        body: data,
      });
      assert.equal(last.status, 500);
      assert.equal(last.headers.get('upload-filekey'), null);
      const head = await tusFetch(url, cc, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('upload-offset'), String(data.length));
      const filekey = head.headers.get('upload-filekey');
      assert.ok(filekey);
      const pub = await cc.post({
        action: 'upload',
        filekey,
        filename: 'Tus settled.png',
        token: await cc.csrf(),
      });
      assert.equal(pub.json.upload?.result, 'Success', pub.text);
    } finally {
      await crashy.close();
    }
  });
});
