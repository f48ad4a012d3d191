/**
 * A full disk answers with MediaWiki's code for a backend failure, never the system's message, and
 * leaves nothing behind. The HTTP test needs a small file system of its own (tmpfs, as root); where
 * it cannot mount one it is skipped and the mapping is still checked directly.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backendFailure, MwError } from '../../src/errors.js';
import { TestClient } from '../helpers/client.js';
import { filesUnder, pngOfSize, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

function mountSmallDisk(): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'mwup-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

describe('storage failures', () => {
  it('maps a full, read-only or failing file system or object store to backend-fail-internal, an unreachable store to backend-fail-connect', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']) {
      const e = backendFailure(Object.assign(new Error(`${code}: no space left on device, write`), { code }));
      assert.ok(e instanceof MwError);
      assert.equal(e.code, 'backend-fail-internal');
      assert.doesNotMatch(e.info, /ENOSPC|EIO|device/);
    }
    const s3 = (props: object) => Object.assign(new Error('S3 said no'), props);
    assert.equal(
      backendFailure(s3({ $metadata: { httpStatusCode: 500 }, name: 'InternalError' }))?.code,
      'backend-fail-internal',
    );
    assert.equal(
      backendFailure(s3({ $metadata: { httpStatusCode: 403 }, name: 'AccessDenied' }))?.code,
      'backend-fail-internal',
    );
    assert.equal(backendFailure(s3({ $metadata: {}, code: 'ECONNREFUSED' }))?.code, 'backend-fail-connect');
    assert.equal(backendFailure(s3({ $metadata: {}, name: 'TimeoutError' }))?.code, 'backend-fail-connect');
    assert.equal(
      backendFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
      null,
      'not the store',
    );
    assert.equal(backendFailure(new Error('other')), null);
    assert.equal(backendFailure(null), null);
  });

  const disk = mountSmallDisk();
  describe('an upload to a full disk', {
    skip: disk === null && 'cannot mount a tmpfs here (needs root)',
  }, () => {
    let s: TestServer;
    let bot: TestClient;
    before(async () => {
      s = await startTestServer({
        storage: { driver: 'local', dir: join(disk!, 'blobs') },
        uploads: { fileExtensions: ['bin', 'png'], maxUploadSize: 8 * 1024 * 1024 },
      });
      const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
      bot = new TestClient(s.api);
      await bot.login(b.lgname, b.password);
    });
    after(async () => {
      await s?.close();
      execFileSync('umount', [disk!]);
      rmSync(disk!, { recursive: true, force: true });
    });

    /** Fills what is left of the disk; the filling file's path (remove it to free the space). */
    function fillDisk(): string {
      const filler = join(disk!, 'filler');
      const fd = openSync(filler, 'w');
      try {
        for (const block = Buffer.alloc(64 * 1024, 1); ; ) writeSync(fd, block);
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }
      return filler;
    }

    it('a chunk that finds the disk full can be sent again once there is space', async () => {
      const data = pngOfSize(512 * 1024);
      const half = 256 * 1024;
      const fields = {
        filename: 'Resumed after a full disk.png',
        filesize: data.length,
        stash: 1,
        ignorewarnings: 1,
      };
      const first = await bot.upload({ ...fields, offset: 0 }, data.subarray(0, half), 'chunk');
      assert.equal(first.json.upload?.result, 'Continue', JSON.stringify(first.json));
      const filekey = first.json.upload.filekey;
      const filler = fillDisk();
      const refused = await bot.upload({ ...fields, offset: half, filekey }, data.subarray(half), 'chunk');
      assert.equal(refused.json.error?.code, 'backend-fail-internal', JSON.stringify(refused.json));
      rmSync(filler);
      const last = await bot.upload({ ...fields, offset: half, filekey }, data.subarray(half), 'chunk');
      assert.equal(last.json.upload?.result, 'Success', JSON.stringify(last.json));
      const done = await bot.post({
        action: 'upload',
        filename: fields.filename,
        filekey: last.json.upload.filekey,
        token: await bot.csrf(),
      });
      assert.equal(done.json.upload?.result, 'Success', JSON.stringify(done.json));
      assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    });

    it('answers backend-fail-internal and keeps no partial file', async () => {
      const before = filesUnder(join(disk!, 'blobs'));
      const r = await bot.upload(
        { filename: 'Too big for the disk.bin', ignorewarnings: 1, token: await bot.csrf() },
        Buffer.alloc(3 * 1024 * 1024, 7),
      );
      assert.equal(r.json.error?.code, 'backend-fail-internal', JSON.stringify(r.json));
      assert.equal(r.headers.get('mediawiki-api-error'), 'backend-fail-internal');
      assert.deepEqual(filesUnder(join(disk!, 'blobs')), before);
    });

    it('answers backend-fail-internal to a small body written whole, and keeps no partial file', async () => {
      const before = filesUnder(join(disk!, 'blobs'));
      const filler = fillDisk();
      try {
        // 20 KB: within the first write batch, so written whole by one job (storage/local-writes.ts).
        const r = await bot.upload(
          { filename: 'Small for a full disk.png', ignorewarnings: 1, token: await bot.csrf() },
          pngOfSize(20_000),
        );
        assert.equal(r.json.error?.code, 'backend-fail-internal', JSON.stringify(r.json));
        assert.deepEqual(filesUnder(join(disk!, 'blobs')), before);
      } finally {
        rmSync(filler);
      }
    });

    it('answers backend-fail-internal to a large body written by the socket body addon, and keeps no partial file', async () => {
      // 9 MiB: received from the socket by the addon's threads (http/socket-body.ts), whose write fails.
      const before = filesUnder(join(disk!, 'blobs'));
      const r = await bot.upload(
        { filename: 'Large for the disk.bin', ignorewarnings: 1, token: await bot.csrf() },
        Buffer.alloc(9 * 1024 * 1024, 7),
      );
      assert.equal(r.json.error?.code, 'backend-fail-internal', JSON.stringify(r.json));
      assert.deepEqual(filesUnder(join(disk!, 'blobs')), before);
      // The server goes on receiving.
      const ok = await bot.upload(
        { filename: 'Small after the large.png', ignorewarnings: 1, token: await bot.csrf() },
        pngOfSize(2000),
      );
      assert.equal(ok.json.upload?.result, 'Success', JSON.stringify(ok.json));
    });
  });
});
