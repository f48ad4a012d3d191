/**
 * Reading a stored upload's start or end back: exact bytes, and only a few reads at once however
 * many uploads finish together (each holds up to 1 MiB).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/storage/local.js';
import { READS_AT_ONCE, readRange } from '../../src/upload/read-back.js';

/** Local storage that counts the reads delivering bytes at the same moment (from asked to ended). */
class CountingStore extends LocalBlobStore {
  open = 0;
  most = 0;
  override read(key: string, range?: { start: number; end: number }): Readable {
    const r = super.read(key, range);
    this.open++;
    this.most = Math.max(this.most, this.open);
    let done = false;
    const over = () => {
      if (!done) this.open--;
      done = true;
    };
    r.once('end', over);
    r.once('error', over);
    r.once('close', over);
    return r;
  }
}

describe('reading stored bytes back', () => {
  let dir: string;
  let store: CountingStore;
  const data = randomBytes(3 * 1024 * 1024 + 11);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-readback-'));
    store = new CountingStore(dir);
    await store.write('upload/aa/blob', Readable.from([data]));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('gives exactly the range asked for, shorter where the blob ends, empty for an empty range', async () => {
    assert.ok(
      (await readRange(store, 'upload/aa/blob', 0, 1024 * 1024 - 1)).equals(data.subarray(0, 1024 * 1024)),
    );
    assert.ok(
      (await readRange(store, 'upload/aa/blob', 70_000, 70_009)).equals(data.subarray(70_000, 70_010)),
    );
    const end = await readRange(store, 'upload/aa/blob', data.length - 100, data.length + 5000);
    assert.ok(end.equals(data.subarray(data.length - 100)));
    assert.equal((await readRange(store, 'upload/aa/blob', 10, 9)).length, 0);
  });

  it(`reads at most ${READS_AT_ONCE} ranges at once, however many are asked for together`, async () => {
    store.most = 0;
    const heads = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        readRange(store, 'upload/aa/blob', i * 1000, i * 1000 + 1024 * 1024 - 1),
      ),
    );
    for (const [i, h] of heads.entries())
      assert.ok(h.equals(data.subarray(i * 1000, i * 1000 + 1024 * 1024)));
    assert.ok(
      store.most >= 1 && store.most <= READS_AT_ONCE,
      `at most ${READS_AT_ONCE} at once: ${store.most}`,
    );
    assert.equal(store.open, 0, 'every read ended');
  });
});
