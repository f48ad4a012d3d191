/**
 * Local storage flushes appended bytes to disk in the background; a flush that fails (a full or
 * failing disk) must not be lost: the next append or the seal of that blob reports it, and nothing
 * half-flushed is ever sealed as complete. Both ways an append writes are covered: a chunk that
 * arrives within the first write batch is written whole (file descriptor calls on the main thread),
 * a longer one streamed (a FileHandle).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { type FileHandle, mkdtemp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/storage/local.js';
import { fileHandlePrototype } from '../helpers/files.js';

const chunk = (n: number, fill: number) => Readable.from([new Uint8Array(n).fill(fill)]);

for (const [how, extra] of [
  ['a chunk written whole', 0],
  ['a streamed chunk', 1024 * 1024],
] as const)
  describe(`local storage: a failed background flush, ${how}`, () => {
    /** `n` bytes, plus a first write batch for the streamed case. */
    const size = (n: number) => n + extra;
    let dir: string;
    let store: LocalBlobStore;
    let proto: FileHandle;
    let realDatasync: FileHandle['datasync'];
    const realFdatasync = fs.fdatasync;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mwup-flush-'));
      store = new LocalBlobStore(dir);
      proto = await fileHandlePrototype();
      realDatasync = proto.datasync;
    });
    const restoreAll = () => {
      proto.datasync = realDatasync;
      fs.fdatasync = realFdatasync;
      syncBuiltinESMExports();
    };
    afterEach(restoreAll);
    after(() => rm(dir, { recursive: true, force: true }));

    /** The append was answered; its flush runs behind it. Waits for that, not for a time. */
    const flushed = (key: string) =>
      (store as unknown as { flushing: Map<string, Promise<void>> }).flushing.get(key);

    /** Makes every flush fail until the returned function is called; counts the failures. */
    function failFlushes(): { restore: () => void; failures: () => number } {
      let failures = 0;
      const eio = () => Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      proto.datasync = async () => {
        failures++;
        throw eio();
      };
      fs.fdatasync = ((_fd: number, cb: (e: Error | null) => void) => {
        failures++;
        process.nextTick(cb, eio());
      }) as typeof fs.fdatasync;
      syncBuiltinESMExports();
      return { restore: restoreAll, failures: () => failures };
    }

    it('is reported by the next append of that blob, which writes nothing', async () => {
      const key = 'stash/flush-a';
      const f = failFlushes();
      assert.equal(await store.append(key, 0, chunk(size(1000), 1)), size(1000));
      await flushed(key);
      assert.ok(f.failures() >= 1);
      f.restore();
      await assert.rejects(store.append(key, size(1000), chunk(size(500), 2)), /EIO/);
      assert.equal((await store.stat(key))?.size, size(1000), 'the refused append wrote nothing');
      // Reported once: the caller may send the chunk again once the disk works.
      assert.equal(await store.append(key, size(1000), chunk(size(500), 2)), size(1000) + size(500));
      await store.seal(key, size(1000) + size(500));
    });

    it('is reported by the seal, which does not declare the blob complete', async () => {
      const key = 'stash/flush-b';
      const f = failFlushes();
      await store.append(key, 0, chunk(size(2000), 3));
      await flushed(key);
      f.restore();
      // The disk works again, but the bytes of the failed flush may never have reached it.
      await assert.rejects(store.seal(key, size(2000)), /EIO/);
      // Reported once: the caller rewrites or, as here, seals again (with a flush of its own).
      await store.seal(key, size(2000));
    });

    it('is forgotten with the blob when it is deleted', async () => {
      const key = 'stash/flush-c';
      const f = failFlushes();
      await store.append(key, 0, chunk(size(100), 4));
      await flushed(key);
      assert.equal(f.failures(), 1);
      f.restore();
      await store.delete(key);
      assert.equal(await store.stat(key), null);
      assert.equal(
        await store.append(key, 0, chunk(size(100), 5)),
        size(100),
        'a new blob under the key starts clean',
      );
      await store.seal(key, size(100));
    });
  });
