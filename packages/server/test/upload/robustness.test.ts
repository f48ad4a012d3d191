import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runMaintenance } from '../../src/maintenance.js';
import { TestClient } from '../helpers/client.js';
import { png, sha1 } from '../helpers/files.js';
import { createBot, embeddedOnly, startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

async function blobKeys(s: TestServer): Promise<string[]> {
  const out: string[] = [];
  for await (const b of s.server.services.blobs.list('upload/')) out.push(b.key);
  return out.sort();
}

describe('uploads under failure and concurrency', () => {
  let s: TestServer;
  let c: TestClient;
  before(async () => {
    s = await startTestServer();
    const b = await createBot(s);
    c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
  });
  after(() => s.close());

  it('two concurrent uploads of different bytes to one new name: one current version, one clean older version', async () => {
    const a = png(10, 10);
    const b = png(10, 10);
    const [ra, rb] = await Promise.all([
      c.upload({ filename: 'Contested.png', ignorewarnings: 1 }, a),
      c.upload({ filename: 'Contested.png', ignorewarnings: 1 }, b),
    ]);
    assert.equal(ra.json.upload.result, 'Success');
    assert.equal(rb.json.upload.result, 'Success');
    const files = s.server.services.files;
    const cur = await files.current('Contested.png');
    const old = await files.history('Contested.png');
    assert.equal(old.length, 1);
    assert.deepEqual([cur!.sha1, old[0]!.sha1].sort(), [sha1(a), sha1(b)].sort());
    assert.ok(cur!.timestamp > old[0]!.timestamp, 'versions are ordered');
    for (const v of [cur!, old[0]!]) {
      const parts: Buffer[] = [];
      for await (const x of s.server.services.blobs.read(v.blobKey)) parts.push(x as Buffer);
      assert.equal(sha1(Buffer.concat(parts)), v.sha1, 'each version keeps its own bytes');
    }
  });

  it('an upload whose connection is cut in the middle of the body leaves no blob, temp file or record', async () => {
    const before = await blobKeys(s);
    const token = await c.csrf();
    /** Requests the server has answered with \`aborted\` (also when nobody is left to read it). */
    const aborted = async () =>
      (await s.server.services.metrics.apiRequests.get()).values
        .filter((v) => v.labels.code === 'aborted')
        .reduce((n, v) => n + v.value, 0);
    const abortedBefore = await aborted();
    const boundary = 'cutcutcut';
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="action"\r\n\r\nupload\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="filename"\r\n\r\nCut.png\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n${token}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Cut.png"\r\n\r\n`;
    const url = new URL(s.api);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': 10_000_000,
          cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      req.on('error', () => resolve());
      req.write(head);
      // Go away once part of the file is on its way, before the body is complete.
      req.write(Buffer.alloc(2_000_000, 7), () => {
        req.destroy();
        resolve();
      });
    });
    // Done with the request (its part removed before the answer), not merely not yet begun.
    await waitFor(async () => (await aborted()) > abortedBefore, 'the server answers the cut request');
    await waitFor(async () => {
      const tmp = await readdir(join(s.config.dataDir, 'blobs', '.tmp')).catch(() => []);
      return tmp.length === 0 && (await blobKeys(s)).join() === before.join();
    }, 'the server removes what the cut upload stored');
    assert.deepEqual(await blobKeys(s), before);
    assert.deepEqual(await readdir(join(s.config.dataDir, 'blobs', '.tmp')).catch(() => []), []);
    assert.equal(await s.server.services.files.current('Cut.png'), null);
    const stash = await s.server.db
      .selectFrom('uploadstash')
      .selectAll()
      .where('filename', '=', 'Cut.png')
      .execute();
    assert.deepEqual(stash, []);
  });

  it('maintenance removes expired stash entries and blobs nothing references, and keeps the rest', {
    skip: embeddedOnly('the orphan is aged by setting its file time on the local disk'),
  }, async () => {
    const sv = s.server.services;
    const st = await c.upload({ filename: 'Kept.png', stash: 1 }, png(3, 3));
    const keptKey = st.json.upload.filekey;
    await sv.blobs.write('upload/zz/orphan', Readable.from([Buffer.from('orphan')]));
    const { utimes } = await import('node:fs/promises');
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await utimes(join(s.config.dataDir, 'blobs', 'upload', 'zz', 'orphan'), old, old);
    await runMaintenance(sv, s.server.jobs, { orphans: true });
    assert.equal(await sv.blobs.stat('upload/zz/orphan'), null, 'the orphan is gone');
    const entry = await sv.uploads.stash.peek(keptKey);
    assert.ok(entry, 'a fresh stash entry stays');
    assert.ok(await sv.blobs.stat(entry.blobKey), 'with its blob');
    const published = await sv.files.current('Contested.png');
    assert.ok(await sv.blobs.stat(published!.blobKey), 'published files stay');
  });
});
