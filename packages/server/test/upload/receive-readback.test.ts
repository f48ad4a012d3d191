/**
 * A whole file keeps only its first 64 KiB while it streams into storage; the start the checks need
 * (up to 1 MiB) is read back once it is stored. If that read fails, the upload fails with the
 * error and the stored blob does not stay behind.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/storage/local.js';
import { receivePart } from '../../src/upload/receive.js';

/** Local storage whose reads fail (a disk that lost the file, a store that went away). */
class UnreadableStore extends LocalBlobStore {
  reads = 0;
  override read(): Readable {
    this.reads++;
    return new Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      },
    });
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

describe('receiving a whole file when reading its start back fails', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-readback-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('rejects with the error and removes the stored blob', async () => {
    const store = new UnreadableStore(dir);
    const bytes = Buffer.alloc(200 * 1024, 7);
    const part = { field: 'file', partName: 'big.bin', stream: Readable.from([bytes]) };
    await assert.rejects(receivePart(store, part, { kind: 'blob' }, 1 << 30), /EIO/);
    assert.equal(store.reads, 1, 'the start was read back');
    assert.deepEqual(await filesUnder(dir), [], 'nothing stays behind');
  });

  it('does not read back a file that fits in the streamed head', async () => {
    const store = new UnreadableStore(dir);
    const bytes = Buffer.alloc(10 * 1024, 9);
    const part = { field: 'file', partName: 'small.bin', stream: Readable.from([bytes]) };
    const r = await receivePart(store, part, { kind: 'blob' }, 1 << 30);
    assert.equal(r.size, bytes.length);
    assert.ok(r.head.equals(bytes));
    assert.equal(store.reads, 0);
    if (r.stored.kind === 'blob') await store.delete(r.stored.blobKey);
  });
});
