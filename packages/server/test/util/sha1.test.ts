import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSHA1 } from 'hash-wasm';
import { resumableSha1, sha1OfState, wholeSha1 } from '../../src/util/sha1.js';

const nodeSha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

async function digestOf(state: Uint8Array): Promise<string> {
  const h = await createSHA1();
  h.load(state);
  return h.digest('hex');
}

describe('SHA-1', () => {
  it('gives the SHA-1 of every byte, across pieces of any size and a save/resume in between', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 12345);
    const cut = 3 * 1024 * 1024 + 7;
    const first = resumableSha1(null);
    // Pieces smaller and larger than the thread's buffers, with back-pressure honoured.
    const sizes = [1, 1000, 65536, 2 * 1024 * 1024];
    for (let at = 0, i = 0; at < cut; i++) {
      const end = Math.min(cut, at + sizes[i % sizes.length]!);
      await first.update(data.subarray(at, end));
      at = end;
    }
    const saved = await first.save();
    assert.equal(await digestOf(saved), nodeSha1(data.subarray(0, cut)));
    const second = resumableSha1(saved);
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
        const h = resumableSha1(null);
        for (let at = 0; at < b.length; at += 30_000) await h.update(b.subarray(at, at + 30_000));
        return h.save();
      }),
    );
    for (const [i, st] of states.entries()) {
      assert.equal(await digestOf(st), nodeSha1(copies[i]!));
      assert.deepEqual(inputs[i], copies[i]);
    }
    const dropped = resumableSha1(null);
    await dropped.update(randomBytes(1000));
    dropped.discard();
  });

  it('gives the digest of a saved state, of a resumed hash and of a whole file alike', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const first = resumableSha1(null);
    await first.update(data.subarray(0, 1000));
    const state = await first.save();
    assert.equal(await sha1OfState(state), nodeSha1(data.subarray(0, 1000)));
    assert.equal(await sha1OfState(null), nodeSha1(Buffer.alloc(0)));
    const resumed = resumableSha1(state);
    await resumed.update(data.subarray(1000));
    assert.equal(await resumed.digest(), nodeSha1(data));
    const whole = wholeSha1();
    for (let at = 0; at < data.length; at += 1 << 20) whole.update(data.subarray(at, at + (1 << 20)));
    assert.equal(await whole.digest(), nodeSha1(data));
  });
});
