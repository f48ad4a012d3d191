/**
 * Local storage gathers a body's small network pieces into larger writes, and the batch shrinks as
 * more blobs are written at once: a lone upload writes in few large writes (each one wakes a
 * thread), fifty at once hold little memory each.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { type FileHandle, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/storage/local.js';
import { writeBatchBytes } from '../../src/storage/local-writes.js';
import { fileHandlePrototype } from '../helpers/files.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** `total` bytes in pieces of `piece` (as a socket delivers them), each piece a different byte. */
function pieces(total: number, piece: number): { body: Readable; sha1: string } {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < total; at += piece, i++)
    parts.push(Buffer.alloc(Math.min(piece, total - at), i));
  return { body: Readable.from(parts), sha1: createHash('sha1').update(Buffer.concat(parts)).digest('hex') };
}

describe('local storage: write batches', () => {
  let dir: string;
  let store: LocalBlobStore;
  let proto: FileHandle;
  let realWritev: FileHandle['writev'];
  /** Bytes of every writev call, in order. */
  let writes: number[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-batches-'));
    store = new LocalBlobStore(dir);
    proto = await fileHandlePrototype();
    realWritev = proto.writev;
    proto.writev = function (this: FileHandle, buffers: NodeJS.ArrayBufferView[], position?: number) {
      writes.push(buffers.reduce((n, b) => n + b.byteLength, 0));
      return realWritev.call(this, buffers, position);
    } as FileHandle['writev'];
  });
  afterEach(() => {
    writes = [];
  });
  after(async () => {
    proto.writev = realWritev;
    await rm(dir, { recursive: true, force: true });
  });

  const sha1Of = async (key: string) =>
    createHash('sha1')
      .update(await readFile(store.localPath(key)))
      .digest('hex');

  it('writes a lone body of 64 KiB pieces 1 MiB at a time', async () => {
    const { body, sha1 } = pieces(4 * MiB + 5, 64 * KiB);
    assert.equal(await store.write('upload/aa/lone', body), 4 * MiB + 5);
    assert.equal(await sha1Of('upload/aa/lone'), sha1);
    assert.deepEqual(writes, [MiB, MiB, MiB, MiB, 5]);
  });

  it('writes in small batches while many bodies are written at once, every byte in place', async () => {
    const n = 12;
    // The bodies start sending once all twelve are being written, as uploads arriving together.
    let pulled = 0;
    let allPulled: () => void = () => {};
    const together = new Promise<void>((r) => {
      allPulled = r;
    });
    const bodies = Array.from({ length: n }, () => {
      const { body, sha1 } = pieces(MiB, 16 * KiB);
      const gated = Readable.from(
        (async function* () {
          if (++pulled === n) allPulled();
          await together;
          yield* body;
        })(),
      );
      return { body: gated, sha1 };
    });
    const sizes = await Promise.all(bodies.map((b, i) => store.write(`upload/bb/many${i}`, b.body)));
    assert.deepEqual(sizes, Array(n).fill(MiB));
    for (const [i, b] of bodies.entries()) assert.equal(await sha1Of(`upload/bb/many${i}`), b.sha1);
    // Each batch stops at the first piece that reaches the limit of the moment: 64 KiB while more
    // than eight are under way (larger again as they finish).
    const small = writes.filter((w) => w <= 64 * KiB + 16 * KiB).length;
    assert.ok(small >= writes.length / 2, `most writes are small: ${writes.join(' ')}`);
  });

  it('writes a body that ends within its first batch whole, without the thread pool: exact at every size around it', async () => {
    for (const size of [0, 1, 20_000, MiB - 1, MiB, MiB + 1]) {
      writes = [];
      const { body, sha1 } = pieces(size, 64 * KiB);
      assert.equal(await store.write(`upload/cc/whole${size}`, body), size);
      assert.equal(await sha1Of(`upload/cc/whole${size}`), sha1);
      // Only a body past its first batch goes through the file handle's writes.
      assert.deepEqual(writes, size > MiB ? [MiB, 1] : [], `${size} bytes`);
    }
    assert.deepEqual(await readdir(join(dir, '.tmp')), [], 'no temporary file is left');
  });

  it('appends a chunk that ends within its first batch whole, without the thread pool: exact at every size around it', async () => {
    const key = 'stash/cc/appended';
    let at = 0;
    const all: Buffer[] = [];
    for (const size of [0, 1, 20_000, MiB - 1, MiB, MiB + 1, 3]) {
      writes = [];
      const parts = Array.from({ length: Math.ceil(size / (64 * KiB)) }, (_, i) =>
        Buffer.alloc(Math.min(64 * KiB, size - i * 64 * KiB), (at + i) % 251),
      );
      assert.equal(await store.append(key, at, Readable.from(parts)), at + size);
      all.push(...parts);
      at += size;
      // Only a chunk past its first batch goes through the file handle's writes.
      assert.deepEqual(writes, size > MiB ? [MiB, 1] : [], `${size} bytes`);
    }
    await store.seal(key, at);
    assert.equal(await sha1Of(key), createHash('sha1').update(Buffer.concat(all)).digest('hex'));
  });

  it('leaves nothing behind when a body fails within its first batch or after it', async () => {
    for (const failAt of [1000, 2 * MiB]) {
      const body = Readable.from(
        (async function* () {
          yield Buffer.alloc(failAt, 1);
          throw new Error('source aborted');
        })(),
      );
      await assert.rejects(store.write('upload/cc/failed', body), /source aborted/);
      assert.equal(await store.stat('upload/cc/failed'), null);
    }
    assert.deepEqual(await readdir(join(dir, '.tmp')), [], 'no temporary file is left');
  });

  it('cuts an append back to its offset when the disk refuses its bytes, either way it writes', async () => {
    const key = 'stash/cc/refused';
    assert.equal(await store.append(key, 0, pieces(1000, 1000).body), 1000);
    const enospc = () =>
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const realSync = fs.writevSync;
    // A chunk written whole (on the main thread), then one streamed (through the file handle).
    for (const size of [20_000, 3 * MiB]) {
      let refused = 0;
      fs.writevSync = ((fd: number, buffers: NodeJS.ArrayBufferView[], position?: number) => {
        // The first write lands, the second fails: part of the chunk is on disk when it fails.
        if (refused++ === 1) throw enospc();
        return realSync(fd, buffers.slice(0, 1), position);
      }) as typeof fs.writevSync;
      syncBuiltinESMExports();
      const streamed = proto.writev;
      proto.writev = function (this: FileHandle, buffers: NodeJS.ArrayBufferView[], position?: number) {
        if (refused++ === 1) return Promise.reject(enospc());
        return streamed.call(this, buffers, position);
      } as FileHandle['writev'];
      try {
        await assert.rejects(store.append(key, 1000, pieces(size, 4 * KiB).body), /ENOSPC/);
      } finally {
        proto.writev = streamed;
        fs.writevSync = realSync;
        syncBuiltinESMExports();
      }
      assert.ok(refused >= 2, `${size}: the disk was asked twice`);
      assert.equal((await store.stat(key))?.size, 1000, `${size}: nothing of the refused chunk is left`);
    }
    // The chunk can be sent again.
    const again = pieces(5000, 1000);
    assert.equal(await store.append(key, 1000, again.body), 6000);
    await store.seal(key, 6000);
  });

  it('chooses the batch by the writes in progress', () => {
    assert.deepEqual(
      [1, 2, 3, 8, 9, 50].map((w) => writeBatchBytes(w) / KiB),
      [1024, 1024, 256, 256, 64, 64],
    );
  });
});
