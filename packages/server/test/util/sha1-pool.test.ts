/**
 * A whole body's SHA-1 on libuv's thread pool (util/sha1-pool.ts, native/sha1-pool.c): the digest of
 * every byte in order whatever the pieces, back-pressure once two batches are on their way, and an
 * addon that refuses what would break a hash.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { receiving } from '../../src/util/byte-garbage.js';
import { sha1PoolAddon } from '../../src/util/native.js';
import { wholeSha1 } from '../../src/util/sha1.js';
import { HASH_HERE_AT_END, POOL_BATCH, POOL_UPLOADS, poolSha1 } from '../../src/util/sha1-pool.js';

const nodeSha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');
const MiB = 1024 * 1024;

describe('SHA-1 on the thread pool', () => {
  it('is built and loaded (npm install builds the addon where there is a compiler)', () => {
    assert.ok(sha1PoolAddon());
    assert.ok(poolSha1());
  });

  it('gives the digest of every byte of many bodies hashed at once', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => randomBytes(i * 700_001 + 3));
    const digests = await Promise.all(
      bodies.map(async (data, i) => {
        const h = poolSha1()!;
        const piece = [4096, 65536, 300_000][i % 3]!;
        for (let at = 0; at < data.length; at += piece) await h.update(data.subarray(at, at + piece));
        return h.digest();
      }),
    );
    assert.deepEqual(digests, bodies.map(nodeSha1));
  });

  it('asks the caller to wait while one batch is hashed and the next is full, and not before', async () => {
    const batch = POOL_BATCH;
    const data = randomBytes(3 * batch);
    const h = poolSha1()!;
    assert.equal(h.update(data.subarray(0, batch - 1)), undefined, 'a batch not full yet');
    assert.equal(h.update(data.subarray(batch - 1, batch)), undefined, 'the first full batch goes at once');
    const wait = h.update(data.subarray(batch, 2 * batch));
    assert.ok(wait instanceof Promise, 'the second full batch waits for the first');
    await wait;
    await h.update(data.subarray(2 * batch));
    assert.equal(await h.digest(), nodeSha1(data));
  });

  it('hashes on this thread, as the bytes come, while several uploads are received (their buffers are memory)', async () => {
    /** Whether a hash asks to wait once two batches are full (only on the pool). */
    const waits = async () => {
      const h = wholeSha1();
      const data = randomBytes(3 * MiB);
      const answers = [0, 1, 2].map((i) => h.update(data.subarray(i * MiB, (i + 1) * MiB)));
      await Promise.all(answers);
      assert.equal(await h.digest(), nodeSha1(data));
      return answers.some((a) => a instanceof Promise);
    };
    assert.equal(await waits(), true, 'a lone upload hashes on the pool');
    const others: (() => void)[] = [];
    try {
      for (let n = 1; n <= POOL_UPLOADS; n++) {
        others.push(receiving());
        assert.equal(await waits(), true, `${n} upload(s) received: on the pool`);
      }
      others.push(receiving());
      assert.equal(await waits(), false, `${others.length} uploads received: here`);
    } finally {
      for (const end of others) end();
    }
    assert.equal(await waits(), true);
  });

  it('is not used where the addon is not built (the hash then runs on this thread)', async () => {
    assert.equal(poolSha1(null), null);
    const data = randomBytes(2 * MiB + 5);
    const h = wholeSha1({ pool: false });
    assert.equal(h.update(data), undefined);
    assert.equal(await h.digest(), nodeSha1(data));
  });

  it('reports a batch the pool could not hash: the digest is refused, and so is any later piece', async () => {
    const real = sha1PoolAddon()!;
    // OpenSSL does not fail on its own: an addon whose pool answers that it did.
    const failing = {
      ...real,
      update: (_h: unknown, _p: Uint8Array[], done: (ok: boolean) => void) => setImmediate(() => done(false)),
    };
    const h = poolSha1(failing)!;
    assert.equal(h.update(randomBytes(POOL_BATCH)), undefined);
    await assert.rejects(h.digest(), /SHA-1 failed/);
    assert.throws(() => h.update(Buffer.from('more')), /SHA-1 failed/);
  });

  it('refuses a second update while one runs, a digest while one runs, and anything after the digest', async () => {
    const addon = sha1PoolAddon()!;
    const hash = addon.create();
    const done = new Promise<boolean>((resolve) => addon.update(hash, [randomBytes(MiB)], resolve));
    assert.throws(() => addon.update(hash, [Buffer.from('x')], () => {}), /being updated/);
    assert.throws(() => addon.updateSync(hash, Buffer.from('x')), /being updated/);
    assert.throws(() => addon.digest(hash), /being updated/);
    assert.equal(await done, true);
    assert.equal(addon.digest(hash).length, 20);
    assert.throws(() => addon.digest(hash), /finished/);
    assert.throws(() => addon.update(hash, [], () => {}), /finished/);
    assert.throws(() => addon.save(hash), /finished/);
    const saving = addon.create();
    const busy = new Promise<boolean>((resolve) => addon.update(saving, [randomBytes(MiB)], resolve));
    assert.throws(() => addon.save(saving), /being updated/);
    await busy;
    addon.save(saving);
    assert.throws(() => addon.updateSync(saving, Buffer.from('x')), /finished/);
  });

  it('saves a state that a new hash continues, at any point of a block, through the pool', async () => {
    const addon = sha1PoolAddon()!;
    const data = randomBytes(3 * MiB + 5);
    for (const cut of [0, 1, 55, 56, 63, 64, 65, MiB, 3 * MiB + 5]) {
      const first = poolSha1(addon)!;
      for (let at = 0; at < cut; at += 300_001)
        await first.update(data.subarray(at, Math.min(cut, at + 300_001)));
      const state = await first.save();
      assert.equal(state.length, 28 + (cut % 64), `the state at ${cut}: 28 bytes and the incomplete block`);
      const second = poolSha1(addon, state)!;
      for (let at = cut; at < data.length; at += MiB)
        await second.update(data.subarray(at, Math.min(data.length, at + MiB)));
      assert.equal(await second.digest(), nodeSha1(data), `cut at ${cut}`);
    }
  });

  it('refuses to continue bytes that are not a saved state', () => {
    const addon = sha1PoolAddon()!;
    const count = (n: bigint, extra: number) => {
      const b = Buffer.alloc(28 + extra);
      b.writeBigUInt64BE(n, 20);
      return b;
    };
    for (const bad of [
      Buffer.alloc(27),
      count(1n, 0),
      count(64n, 1),
      count(1n << 61n, 0),
      count(62n, 63),
      Buffer.alloc(100),
      'x',
      {},
    ]) {
      assert.throws(() => addon.create(bad as Uint8Array), /not a saved SHA-1 state/);
    }
    assert.equal(addon.digest(addon.create(count(64n, 0))).length, 20);
    assert.equal(addon.digest(addon.create(count(63n, 63))).length, 20);
    assert.equal(addon.digest(addon.create(null)).toString('hex'), nodeSha1(Buffer.alloc(0)));
  });

  it('refuses parts that are not bytes, and a hash that is not one', () => {
    const addon = sha1PoolAddon()!;
    const hash = addon.create();
    const bad = (parts: unknown) => addon.update(hash, parts as Uint8Array[], () => {});
    assert.throws(() => bad('abc'), /array of Uint8Array/);
    assert.throws(() => bad([new Uint16Array(4)]), /array of Uint8Array/);
    assert.throws(() => bad([{}]), /array of Uint8Array/);
    assert.throws(() => addon.updateSync(hash, 'abc' as never), /must be a Uint8Array/);
    assert.throws(() => addon.digest({} as never), /not a SHA-1/);
    // The hash is untouched by the refusals, and takes bytes both ways in turn.
    const data = randomBytes(1000);
    addon.updateSync(hash, data.subarray(0, 5));
    return new Promise<void>((resolve) =>
      addon.update(hash, [data.subarray(5, 10), data.subarray(10)], (ok) => {
        assert.equal(ok, true);
        assert.equal(addon.digest(hash).toString('hex'), nodeSha1(data));
        resolve();
      }),
    );
  });

  it('hashes what is left at the end here when it is small, not behind a busy pool', async () => {
    // Every thread of the pool held: opening a FIFO for reading waits for a writer.
    const dir = await mkdtemp(join(tmpdir(), 'mwup-sha1-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const held = Array.from({ length: threads }, () => open(fifo, 'r'));
    try {
      const data = randomBytes(HASH_HERE_AT_END);
      const h = poolSha1()!;
      h.update(data);
      const digest = h.digest();
      // A pool thread would only free up once the FIFO has a writer (below): before the next turn of
      // the event loop only a hash made here can be done.
      const first = await Promise.race([digest, new Promise((r) => setImmediate(r, 'waiting for the pool'))]);
      assert.equal(first, nodeSha1(data));
    } finally {
      // A writer for the readers' opens, not through the pool, which they hold; read and write, so
      // that it never waits itself and stays there for opens still queued for a thread.
      const writer = openSync(fifo, 'r+');
      for (const r of await Promise.all(held)) await r.close();
      closeSync(writer);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
