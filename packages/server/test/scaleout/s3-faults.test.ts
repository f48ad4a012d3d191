/**
 * An S3 store that throttles, fails, drops connections or goes silent, put between the server and
 * the real one by a small proxy: passing faults are retried with backoff and the upload succeeds;
 * lasting ones answer MediaWiki's backend-fail codes, leave nothing behind, and the upload goes
 * through once the store is back (a chunked one continues where it was).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { S3BlobStore } from '../../src/storage/s3.js';
import { TestClient } from '../helpers/client.js';
import { png, pngOfSize, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';
import { S3Proxy } from './s3-proxy.js';

const skip = missingServers({ s3: true });

describe('an S3 store that misbehaves', { skip: skip ?? false }, () => {
  const proxy = new S3Proxy();
  const prefix = `faults-${randomUUID()}/`;
  const direct = () => new S3BlobStore(s3Config(prefix));
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    const endpoint = await proxy.start(new URL(process.env.MWUP_S3_ENDPOINT!));
    s = await startTestServer({
      storage: { driver: 's3', ...s3Config(prefix), endpoint, maxAttempts: 3, requestTimeoutSeconds: 1 },
      uploads: { fileExtensions: ['png'] },
    });
    const b = await createBot(s, 'FaultBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(async () => {
    await s?.close();
    await proxy.close();
    await removeAll(prefix);
  });

  const objects = async () => {
    const keys: string[] = [];
    for await (const o of direct().list('')) keys.push(o.key);
    return keys.sort();
  };
  const upload = async (name: string, data: Buffer) =>
    bot.upload({ filename: name, ignorewarnings: 1, token: await bot.csrf() }, data);

  it('retries throttling and 5xx answers with backoff: the upload succeeds', async () => {
    const data = png(50, 40);
    proxy.set('throttle', 2);
    const r = await upload('Throttled.png', data);
    assert.equal(r.json.upload?.result, 'Success', JSON.stringify(r.json));
    assert.equal(proxy.faulted, 2);
    assert.equal(r.json.upload.imageinfo.sha1, sha1(data));
  });

  for (const [fault, code] of [
    ['error', 'backend-fail-internal'],
    ['drop', 'backend-fail-connect'],
    ['silent', 'backend-fail-connect'],
  ] as const) {
    it(`a store that keeps failing (${fault}) answers ${code}, keeps nothing, and works when back`, async () => {
      const data = png(60, 30 + fault.length);
      const before = await objects();
      proxy.set(fault);
      const r = await upload(`Failing ${fault}.png`, data);
      assert.equal(r.json.error?.code, code, JSON.stringify(r.json));
      assert.equal(r.headers.get('mediawiki-api-error'), code);
      assert.doesNotMatch(r.json.error.info, /ECONN|Timeout|InternalError|socket/);
      assert.ok(proxy.faulted >= 3, `tried ${proxy.faulted} times`);
      proxy.set('pass');
      assert.deepEqual(await objects(), before, 'nothing half-written');
      const again = await upload(`Failing ${fault}.png`, data);
      assert.equal(again.json.upload?.result, 'Success', JSON.stringify(again.json));
    });
  }

  it('a chunk refused by a failing store can be sent again once it is back', async () => {
    const data = pngOfSize(96 * 1024);
    const half = 48 * 1024;
    const fields = { filename: 'Chunks through faults.png', filesize: data.length, ignorewarnings: 1 };
    const first = await bot.upload({ ...fields, offset: 0, stash: 1 }, data.subarray(0, half), 'chunk');
    assert.equal(first.json.upload?.result, 'Continue', JSON.stringify(first.json));
    const filekey = first.json.upload.filekey;
    proxy.set('error');
    const failed = await bot.upload(
      { ...fields, offset: half, filekey, stash: 1 },
      data.subarray(half),
      'chunk',
    );
    assert.equal(failed.json.error?.code, 'backend-fail-internal', JSON.stringify(failed.json));
    proxy.set('pass');
    const last = await bot.upload(
      { ...fields, offset: half, filekey, stash: 1 },
      data.subarray(half),
      'chunk',
    );
    assert.equal(last.json.upload?.result, 'Success', JSON.stringify(last.json));
    const done = await bot.post({
      action: 'upload',
      filename: fields.filename,
      filekey: last.json.upload.filekey,
      ignorewarnings: 1,
      token: await bot.csrf(),
    });
    assert.equal(done.json.upload?.result, 'Success', JSON.stringify(done.json));
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
  });
});
