import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSHA1 } from 'hash-wasm';
import { forgetKeptHashes, resumeSha1, sha1OfState, wholeSha1 } from '../../src/util/sha1.js';

const nodeSha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

/** The digest of a saved hash-wasm state (base64), read by hash-wasm itself. */
async function digestOf(state: string): Promise<string> {
  const h = await createSHA1();
  h.load(Buffer.from(state, 'base64'));
  return h.digest('hex');
}

/** Hash-wasm states, saved whole: any process continues them. */
const saved = { keep: false, stored: nothingStored };
/** Kept in this process; the stored bytes are never needed while the process holds the hash. */
const kept = { keep: true, stored: nothingStored };

function nothingStored(): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      throw new Error('the stored bytes were read');
    },
  };
}

describe('SHA-1', () => {
  it('gives the SHA-1 of every byte, across pieces of any size and a save/resume in between', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 12345);
    const cut = 3 * 1024 * 1024 + 7;
    const first = await resumeSha1(null, saved);
    // Pieces smaller and larger than the thread's buffers, with back-pressure honoured.
    const sizes = [1, 1000, 65536, 2 * 1024 * 1024];
    for (let at = 0, i = 0; at < cut; i++) {
      const end = Math.min(cut, at + sizes[i % sizes.length]!);
      await first.update(data.subarray(at, end));
      at = end;
    }
    const state = await first.save();
    assert.equal(await digestOf(state), nodeSha1(data.subarray(0, cut)));
    const second = await resumeSha1(state, saved);
    for (let at = cut; at < data.length; at += 2 * 1024 * 1024 + 1) {
      await second.update(data.subarray(at, Math.min(data.length, at + 2 * 1024 * 1024 + 1)));
    }
    assert.equal(await digestOf(await second.save()), nodeSha1(data));
  });

  it("keeps the caller's buffer intact and handles many hashes at once", async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => randomBytes(100_000 * (i + 1)));
    const copies = inputs.map((b) => Buffer.from(b));
    const states = await Promise.all(
      inputs.map(async (b) => {
        const h = await resumeSha1(null, saved);
        for (let at = 0; at < b.length; at += 30_000) await h.update(b.subarray(at, at + 30_000));
        return h.save();
      }),
    );
    for (const [i, st] of states.entries()) {
      assert.equal(await digestOf(st), nodeSha1(copies[i]!));
      assert.deepEqual(inputs[i], copies[i]);
    }
    const dropped = await resumeSha1(null, saved);
    await dropped.update(randomBytes(1000));
    dropped.discard();
  });

  it('gives the digest of a saved state, of a resumed hash and of a whole file alike', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const first = await resumeSha1(null, saved);
    await first.update(data.subarray(0, 1000));
    const state = await first.save();
    assert.equal(await sha1OfState(state, nothingStored), nodeSha1(data.subarray(0, 1000)));
    assert.equal(await sha1OfState(null, nothingStored), nodeSha1(Buffer.alloc(0)));
    const resumed = await resumeSha1(state, saved);
    await resumed.update(data.subarray(1000));
    assert.equal(await resumed.digest(), nodeSha1(data));
    const whole = wholeSha1();
    for (let at = 0; at < data.length; at += 1 << 20) whole.update(data.subarray(at, at + (1 << 20)));
    assert.equal(await whole.digest(), nodeSha1(data));
  });

  it('keeps a hash in this process between pieces under a new token each time, never reading the stored bytes', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 99);
    const cuts = [0, 700_000, 1_500_000, data.length];
    let state: string | null = null;
    const tokens: string[] = [];
    for (let i = 1; i < cuts.length; i++) {
      const h = await resumeSha1(state, kept);
      await h.update(data.subarray(cuts[i - 1], cuts[i]));
      state = await h.save();
      assert.match(state, /^kept:/);
      tokens.push(state);
    }
    assert.equal(new Set(tokens).size, tokens.length, 'a new token after every save');
    assert.equal(await sha1OfState(state, nothingStored), nodeSha1(data));
  });

  it('hashes the stored bytes again when the kept hash is not held here (another process, a restart)', async () => {
    const data = randomBytes(1024 * 1024 + 3);
    const cut = 400_001;
    const first = await resumeSha1(null, kept);
    await first.update(data.subarray(0, cut));
    const state = await first.save();
    forgetKeptHashes();
    let reads = 0;
    const stored = async function* () {
      reads++;
      for (let at = 0; at < cut; at += 65536) yield data.subarray(at, Math.min(cut, at + 65536));
    };
    const second = await resumeSha1(state, { keep: true, stored });
    assert.equal(reads, 1, 'the stored bytes were hashed again');
    await second.update(data.subarray(cut));
    const end = await second.save();
    assert.equal(await sha1OfState(end, nothingStored), nodeSha1(data));
    // An old token names no hash any more once it was continued: its bytes are read again.
    assert.equal(await sha1OfState(state, stored), nodeSha1(data.subarray(0, cut)));
    assert.equal(reads, 2);
  });

  it('a piece given up leaves the state it started from usable', async () => {
    const data = randomBytes(600_000);
    const first = await resumeSha1(null, kept);
    await first.update(data.subarray(0, 100_000));
    const state = await first.save();
    const failed = await resumeSha1(state, kept);
    await failed.update(randomBytes(300_000));
    failed.discard();
    const retry = await resumeSha1(state, kept);
    await retry.update(data.subarray(100_000));
    assert.equal(await retry.digest(), nodeSha1(data));
  });

  it('continues a hash-wasm state as such, whatever new hashes do (uploads begun before an upgrade)', async () => {
    const data = randomBytes(300_000);
    const first = await resumeSha1(null, saved);
    await first.update(data.subarray(0, 1234));
    const state = await first.save();
    const second = await resumeSha1(state, kept);
    await second.update(data.subarray(1234));
    const end = await second.save();
    assert.doesNotMatch(end, /^kept:/);
    assert.equal(await digestOf(end), nodeSha1(data));
  });

  for (const pool of [true, false]) {
    it(`hashes whole bodies of every size, in pieces of every size (${pool ? 'on the thread pool' : 'node:crypto'})`, async () => {
      const slot = 256 * 1024;
      const batch = 1024 * 1024;
      for (const size of [0, 1, slot - 1, slot, slot + 1, batch - 1, batch, batch + 1, 3 * batch + 17]) {
        const data = randomBytes(size);
        for (const piece of [1000, 65536, slot + 5, 2 * batch + 3]) {
          const h = wholeSha1({ pool });
          for (let at = 0; at < size; at += piece) await h.update(data.subarray(at, at + piece));
          assert.equal(await h.digest(), nodeSha1(data), `${size} bytes in pieces of ${piece}`);
        }
      }
      const dropped = wholeSha1({ pool });
      await dropped.update(randomBytes(slot * 2));
      dropped.discard();
    });
  }
});
