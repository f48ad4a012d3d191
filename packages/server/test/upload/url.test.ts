import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { jpeg, png, sha1, svg } from '../helpers/files.js';
import {
  createAccount,
  createBot,
  createBotPassword,
  startTestServer,
  type TestServer,
} from '../helpers/server.js';
import { waitForValue } from '../helpers/wait.js';

describe('uploads from a URL', () => {
  let s: TestServer;
  let c: TestClient;
  let files: Server;
  let base: string;
  const served = new Map<string, Buffer>();
  before(async () => {
    files = createServer((req, res) => {
      const f = served.get(req.url ?? '');
      if (!f) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.length });
      res.end(f);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    s = await startTestServer({ groupPermissions: { user: { upload_by_url: true } } });
    const b = await createBot(s);
    c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
  });
  after(async () => {
    await s.close();
    files.close();
  });

  it('fetches and publishes a file byte-exact', async () => {
    const data = jpeg();
    served.set('/a.jpg', data);
    const r = await c.post({
      action: 'upload',
      filename: 'From url.jpg',
      url: `${base}/a.jpg`,
      ignorewarnings: 1,
      token: await c.csrf(),
    });
    assert.equal(r.json.upload.result, 'Success');
    assert.equal(r.json.upload.imageinfo.sha1, sha1(data));
  });

  it('stashes with stash=1 and warns about duplicates like any upload', async () => {
    const data = png(5, 9);
    served.set('/dup.png', data);
    const st = await c.post({
      action: 'upload',
      filename: 'U stash.png',
      url: `${base}/dup.png`,
      stash: 1,
      token: await c.csrf(),
    });
    assert.equal(st.json.upload.result, 'Success');
    assert.ok(st.json.upload.filekey);
    await c.post({
      action: 'upload',
      filename: 'U first.png',
      url: `${base}/dup.png`,
      ignorewarnings: 1,
      token: await c.csrf(),
    });
    const w = await c.post({
      action: 'upload',
      filename: 'U second.png',
      url: `${base}/dup.png`,
      token: await c.csrf(),
    });
    assert.deepEqual(w.json.upload.warnings, { duplicate: ['U_first.png'] });
  });

  it('maps fetch failures to MediaWiki codes', async () => {
    const tok = await c.csrf();
    const e404 = await c.post({
      action: 'upload',
      filename: 'X.jpg',
      url: `${base}/missing.jpg`,
      token: tok,
    });
    assert.equal(e404.json.error.code, 'http-bad-status');
    assert.equal(e404.json.error.info, 'There was a problem during the HTTP request: 404 Not Found');
    for (const bad of ['file:///etc/passwd', 'ftp://127.0.0.1/x.jpg', 'just-some-text']) {
      const r = await c.post({ action: 'upload', filename: 'X.jpg', url: bad, token: tok });
      assert.equal(r.json.error.code, 'http-invalid-url', bad);
      assert.equal(r.json.error.info, `Invalid URL: ${bad}`);
    }
    const refused = await c.post({
      action: 'upload',
      filename: 'X.jpg',
      url: 'http://127.0.0.1:9/x.jpg',
      token: tok,
    });
    assert.equal(refused.json.error.code, 'http-curl-error');
    // No response, so no status line: MediaWiki's HTTP client reports that too, in the header.
    assert.equal(refused.headers.get('mediawiki-api-error'), 'http-curl-error, http-bad-status');
  });

  it('refuses addresses the configuration does not allow (SSRF), even through the API', async () => {
    const strict = await startTestServer({
      copyUploads: { allowAddresses: [] },
      groupPermissions: { user: { upload_by_url: true } },
    });
    try {
      const b = await createBot(strict);
      const cl = new TestClient(strict.api);
      await cl.login(b.lgname, b.password);
      served.set('/ok.png', png());
      for (const u of [
        `${base}/ok.png`,
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/x',
        'http://2130706433/x',
      ]) {
        const r = await cl.post({ action: 'upload', filename: 'S.png', url: u, token: await cl.csrf() });
        assert.equal(r.json.error.code, 'copyuploadbadurl', u);
      }
    } finally {
      await strict.close();
    }
  });

  it('applies the domain allowlist (copyuploadbaddomain) before anything is fetched', async () => {
    const d = await startTestServer({
      copyUploads: { domains: ['*.example.org'] },
      groupPermissions: { user: { upload_by_url: true } },
    });
    try {
      const b = await createBot(d);
      const cl = new TestClient(d.api);
      await cl.login(b.lgname, b.password);
      const r = await cl.post({
        action: 'upload',
        filename: 'D.png',
        url: `${base}/ok.png`,
        token: await cl.csrf(),
      });
      assert.equal(r.json.error.code, 'copyuploadbaddomain');
    } finally {
      await d.close();
    }
  });

  it('is off by default (copyuploaddisabled) and needs the upload_by_url right', async () => {
    const off = await startTestServer({ copyUploads: { enabled: false } });
    try {
      const b = await createBot(off);
      const cl = new TestClient(off.api);
      await cl.login(b.lgname, b.password);
      const r = await cl.post({
        action: 'upload',
        filename: 'D.png',
        url: `${base}/ok.png`,
        token: await cl.csrf(),
      });
      assert.equal(r.json.error.code, 'copyuploaddisabled');
    } finally {
      await off.close();
    }
    await createAccount(s, { name: 'Nourlright', password: 'nourl-password-1' });
    const bp = await createBotPassword(s, {
      user: 'Nourlright',
      appId: 'b',
      grants: ['basic', 'editpage', 'uploadfile'],
    });
    const cl = new TestClient(s.api);
    await cl.login(bp.lgname, bp.password);
    const r = await cl.post({
      action: 'upload',
      filename: 'D.png',
      url: `${base}/ok.png`,
      token: await cl.csrf(),
    });
    assert.equal(r.json.error.code, 'permissiondenied');
  });

  it('refuses a hostile file fetched from a URL (verification runs as for any upload)', async () => {
    served.set('/evil.svg', svg('<script>alert(1)</script>'));
    const r = await c.post({
      action: 'upload',
      filename: 'Evil.svg',
      url: `${base}/evil.svg`,
      ignorewarnings: 1,
      token: await c.csrf(),
    });
    assert.equal(r.json.error.code, 'verification-error');
  });

  it('async: answers Poll, then checkstatus with the same url and filename reports Success', async () => {
    const data = jpeg();
    served.set('/async.jpg', data);
    const p = { action: 'upload', filename: 'Async url.jpg', url: `${base}/async.jpg`, ignorewarnings: 1 };
    const r = await c.post({ ...p, async: 1, token: await c.csrf() });
    assert.deepEqual(r.json.upload, { result: 'Poll', stage: 'queued', filename: 'Async url.jpg' });
    const st = await waitForValue(async () => {
      const a = await c.post({ ...p, checkstatus: 1, token: await c.csrf() });
      return a.json.upload?.result === 'Poll' ? undefined : a;
    }, 'the fetch ends');
    assert.equal(st.json.upload.result, 'Success', st.text);
    assert.equal(st.json.upload.filename, 'Async_url.jpg');
    assert.equal(st.json.upload.imageinfo.sha1, sha1(data));
  });

  it('async: a failing fetch ends as an error in checkstatus, not as Poll forever', async () => {
    const p = { action: 'upload', filename: 'Async missing.jpg', url: `${base}/nope.jpg`, ignorewarnings: 1 };
    await c.post({ ...p, async: 1, token: await c.csrf() });
    const st = await waitForValue(async () => {
      const a = await c.post({ ...p, checkstatus: 1, token: await c.csrf() });
      return a.json.upload?.result === 'Poll' ? undefined : a;
    }, 'the fetch fails');
    assert.equal(st.json.error.code, 'http-bad-status');
  });
});
