/**
 * A part keeps its bytes in memory while it streams into storage only when it is short (64 KiB); a
 * longer one keeps none, and the start the checks need (up to 1 MiB) and, past that, the end (ZIP
 * detection) are read back once it is stored. If that read fails, the upload fails with the error
 * and the stored blob does not stay behind. Nothing of a long body is held to its end.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TAIL_BYTES } from '../../src/mime/index.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import { HEAD_BYTES } from '../../src/upload/read-back.js';
import { receivePart } from '../../src/upload/receive.js';

/** Local storage that counts the reads of stored bytes. */
class CountingStore extends LocalBlobStore {
  reads: { start: number; end: number }[] = [];
  override read(key: string, range?: { start: number; end: number }): Readable {
    if (range) this.reads.push(range);
    return super.read(key, range);
  }
}

/** `size` bytes, each one its offset's low byte times 7 (so that any misplaced byte shows). */
function patterned(size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7) & 0xff;
  return b;
}

/** `bytes` in 64 KiB pieces, as a socket delivers them. */
const inPieces = (bytes: Buffer) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) =>
      Buffer.from(bytes.subarray(i * 65536, (i + 1) * 65536)),
    ),
  );

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

describe('receiving a part longer than what it keeps', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-readback-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const size of [64 * 1024, 64 * 1024 + 1, HEAD_BYTES, HEAD_BYTES + 1, 3 * HEAD_BYTES + 12345]) {
    it(`a whole file of ${size} bytes: its first ${HEAD_BYTES} as the head, the end when the head is not all`, async () => {
      const store = new CountingStore(dir);
      const bytes = patterned(size);
      const part = { field: 'file', partName: 'f.bin', stream: inPieces(bytes) };
      const r = await receivePart(store, part, { kind: 'blob' }, 1 << 30);
      assert.equal(r.size, size);
      assert.ok(r.head.equals(bytes.subarray(0, HEAD_BYTES)), 'head');
      assert.equal(r.stored.kind, 'blob');
      if (r.stored.kind !== 'blob') return;
      if (size > HEAD_BYTES) assert.ok(r.stored.tail?.equals(bytes.subarray(size - TAIL_BYTES)), 'tail');
      else assert.equal(r.stored.tail, undefined, 'the head holds the end');
      // Kept while streaming (nothing read back) exactly when at most 64 KiB.
      assert.equal(store.reads.length, size <= 64 * 1024 ? 0 : size > HEAD_BYTES ? 2 : 1);
      await store.delete(r.stored.blobKey);
    });
  }

  it('the first chunk of a chunked upload: its head read back when longer than 64 KiB', async () => {
    const store = new CountingStore(dir);
    for (const size of [1000, 64 * 1024 + 1, 2 * HEAD_BYTES]) {
      store.reads = [];
      const bytes = patterned(size);
      const part = { field: 'chunk', partName: 'c.bin', stream: inPieces(bytes) };
      const r = await receivePart(store, part, { kind: 'new-upload' }, 1 << 30);
      assert.ok(r.head.equals(bytes.subarray(0, HEAD_BYTES)), `head of ${size}`);
      assert.equal(store.reads.length, size <= 64 * 1024 ? 0 : 1);
      if (r.stored.kind === 'new-upload') await store.delete(r.stored.blobKey);
    }
  });

  it('holds no piece of a long body until its end (each can be collected once written)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const store = new LocalBlobStore(dir);
    const first: WeakRef<Buffer>[] = [];
    let alive = -1;
    async function* body() {
      for (let i = 0; i < 160; i++) {
        const b = Buffer.alloc(64 * 1024, i);
        if (i < 8) first.push(new WeakRef(b));
        if (i === 150) {
          // 9 MiB on: the first pieces went to the disk long ago.
          await new Promise((r) => setImmediate(r));
          gc();
          alive = first.filter((w) => w.deref() !== undefined).length;
        }
        yield b;
      }
    }
    const part = { field: 'file', partName: 'long.bin', stream: Readable.from(body()) };
    const r = await receivePart(store, part, { kind: 'blob' }, 1 << 30);
    assert.equal(r.size, 160 * 64 * 1024);
    assert.equal(alive, 0, 'pieces of the first MiB still held after 9 MiB more');
    if (r.stored.kind === 'blob') await store.delete(r.stored.blobKey);
  });
});
