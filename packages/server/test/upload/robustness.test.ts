import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { removeOrphans, runMaintenance } from '../../src/maintenance.js';
import { TestClient } from '../helpers/client.js';
import { png, pngOfSize, sha1 } from '../helpers/files.js';
import {
  createBot,
  createBotPassword,
  embeddedOnly,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { sendChunk } from './chunks.js';

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

describe('the sweep of blobs nothing references', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('removes old unreferenced blobs batch after batch and keeps every referenced one, however old', async () => {
    const sv = s.server.services;
    const bot = new TestClient(s.api);
    const b = await createBot(s);
    await bot.login(b.lgname, b.password);
    const admin = new TestClient(s.api);
    const ap = await createBotPassword(s, {
      user: 'Admin',
      appId: 'sweep',
      grants: [...UPLOAD_GRANTS, 'delete'],
    });
    await admin.login(ap.lgname, ap.password);
    // A blob in each table that refers to blobs: a current and an old version, a deleted file, a
    // stashed file, and a chunked upload half way.
    for (const size of [3000, 3100]) {
      const up = await bot.upload({ filename: 'Swept.png', ignorewarnings: 1 }, pngOfSize(size));
      assert.equal(up.json.upload.result, 'Success', up.text);
    }
    await bot.upload({ filename: 'Deleted.png', ignorewarnings: 1 }, pngOfSize(2000));
    const del = await admin.post({ action: 'delete', title: 'File:Deleted.png', token: await admin.csrf() });
    assert.ok(del.json.delete, del.text);
    const stashed = await bot.upload({ filename: 'Later.png', stash: 1 }, pngOfSize(2500));
    assert.equal(stashed.json.upload.result, 'Success', stashed.text);
    const whole = pngOfSize(4096);
    const half = await sendChunk(
      bot,
      { filename: 'Half.png', offset: 0, filesize: 4096 },
      whole.subarray(0, 2048),
    );
    assert.equal(half.json.upload.result, 'Continue', half.text);
    const referenced = await blobKeys(s);
    const db = s.server.db;
    for (const table of ['images', 'oldimages', 'filearchive', 'uploadstash'] as const) {
      const rows = await db.selectFrom(table).select('blob_key').execute();
      assert.ok(rows.length > 0, `a blob referenced from ${table}`);
      for (const r of rows) assert.ok(referenced.includes(r.blob_key), `${table}'s blob is stored`);
    }
    // More orphans than a batch holds, spread over the fan-out directories.
    const orphans = Array.from(
      { length: 9 },
      (_, i) => `upload/${(i * 37).toString(16).padStart(2, '0')}/orphan${i}`,
    );
    for (const k of orphans) await sv.blobs.write(k, Readable.from([Buffer.from(k)]));
    const found = await sv.files.referencedBlobs([...orphans, ...referenced]);
    assert.deepEqual(
      [...found].sort(),
      referenced,
      'the lookup of many keys at once finds the referenced ones',
    );
    assert.equal(await removeOrphans(sv, { batch: 4 }), 0, 'nothing is old enough yet');
    assert.deepEqual(await blobKeys(s), [...referenced, ...orphans].sort());
    // Three days on: past the grace period for every blob.
    const later = Date.now() + 3 * 24 * 3600 * 1000;
    assert.equal(await removeOrphans(sv, { batch: 4, now: later }), orphans.length);
    assert.deepEqual(await blobKeys(s), referenced, 'the orphans are gone, every referenced blob stays');
    // What the users were doing goes on: the chunked upload ends, the stashed file is published.
    const rest = await sendChunk(
      bot,
      { filename: 'Half.png', offset: 2048, filesize: 4096, filekey: half.json.upload.filekey },
      whole.subarray(2048),
    );
    assert.equal(rest.json.upload.result, 'Success', rest.text);
    const done = await bot.upload({ filename: 'Half.png', filekey: rest.json.upload.filekey });
    assert.equal(done.json.upload.imageinfo.sha1, sha1(whole), done.text);
    const later2 = await bot.upload({ filename: 'Later.png', filekey: stashed.json.upload.filekey });
    assert.equal(later2.json.upload.result, 'Success', later2.text);
  });
});
