/**
 * Local storage flushes appended bytes to disk in the background; a flush that fails (a full or
 * failing disk) must not be lost: the next append or the seal of that blob reports it, and nothing
 * half-flushed is ever sealed as complete.
 */
import assert from 'node:assert/strict';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/storage/local.js';

const chunk = (n: number, fill: number) => Readable.from([new Uint8Array(n).fill(fill)]);

describe('local storage: a failed background flush', () => {
  let dir: string;
  let store: LocalBlobStore;
  let proto: FileHandle;
  let realDatasync: FileHandle['datasync'];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-flush-'));
    store = new LocalBlobStore(dir);
    const fh = await open(join(dir, 'probe'), 'w');
    proto = Object.getPrototypeOf(fh) as FileHandle;
    await fh.close();
    realDatasync = proto.datasync;
  });
  afterEach(() => {
    proto.datasync = realDatasync;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The append was answered; its flush runs behind it. Waits for that, not for a time. */
  const flushed = (key: string) =>
    (store as unknown as { flushing: Map<string, Promise<void>> }).flushing.get(key);

  /** Makes every flush fail until the returned function is called; counts the failures. */
  function failFlushes(): { restore: () => void; failures: () => number } {
    let failures = 0;
    proto.datasync = async () => {
      failures++;
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    };
    const restore = () => {
      proto.datasync = realDatasync;
    };
    return { restore, failures: () => failures };
  }

  it('is reported by the next append of that blob, which writes nothing', async () => {
    const key = 'stash/flush-a';
    const f = failFlushes();
    assert.equal(await store.append(key, 0, chunk(1000, 1)), 1000);
    await flushed(key);
    assert.ok(f.failures() >= 1);
    f.restore();
    await assert.rejects(store.append(key, 1000, chunk(500, 2)), /EIO/);
    assert.equal((await store.stat(key))?.size, 1000, 'the refused append wrote nothing');
    // Reported once: the caller may send the chunk again once the disk works.
    assert.equal(await store.append(key, 1000, chunk(500, 2)), 1500);
    await store.seal(key, 1500);
  });

  it('is reported by the seal, which does not declare the blob complete', async () => {
    const key = 'stash/flush-b';
    const f = failFlushes();
    await store.append(key, 0, chunk(2000, 3));
    await flushed(key);
    f.restore();
    // The disk works again, but the bytes of the failed flush may never have reached it.
    await assert.rejects(store.seal(key, 2000), /EIO/);
    // Reported once: the caller rewrites or, as here, seals again (with a flush of its own).
    await store.seal(key, 2000);
  });

  it('is forgotten with the blob when it is deleted', async () => {
    const key = 'stash/flush-c';
    const f = failFlushes();
    await store.append(key, 0, chunk(100, 4));
    await flushed(key);
    assert.equal(f.failures(), 1);
    f.restore();
    await store.delete(key);
    assert.equal(await store.stat(key), null);
    assert.equal(await store.append(key, 0, chunk(100, 5)), 100, 'a new blob under the key starts clean');
    await store.seal(key, 100);
  });
});
