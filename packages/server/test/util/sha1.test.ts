import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSHA1 } from 'hash-wasm';
import { type ResumeOptions, resumeSha1, sha1OfState, wholeSha1 } from '../../src/util/sha1.js';
import { PORTABLE_STATE, portableStateBytes, ScriptSha1 } from '../../src/util/sha1-state.js';

const nodeSha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

/**
 * The digest of a saved state, read without the code that saved it: a portable state by the plain
 * JavaScript SHA-1, a hash-wasm state (base64) by hash-wasm itself.
 */
async function digestOf(state: string): Promise<string> {
  const portable = portableStateBytes(state);
  if (portable) return new ScriptSha1(portable).digest();
  const h = await createSHA1();
  h.load(Buffer.from(state, 'base64'));
  return h.digest('hex');
}

/** A hash-wasm state (base64) of `data`, as uploads begun before portable states saved them. */
async function hashWasmState(data: Uint8Array): Promise<string> {
  const h = await createSHA1();
  h.init();
  h.update(data);
  return Buffer.from(h.save()).toString('base64');
}

/** Portable states, saved whole: any process continues them. */
const saved: ResumeOptions = { stored: nothingStored };
/** The same, hashed in plain JavaScript (a process without the addon). */
const savedScript: ResumeOptions = { stored: nothingStored, pool: false };

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

  it('hashes the stored bytes again for a kept: token of an earlier version, then saves a portable state', async () => {
    const data = randomBytes(1024 * 1024 + 3);
    const cut = 400_001;
    const token = 'kept:0b6c5a1e-0000-4000-8000-000000000000';
    let reads = 0;
    const stored = async function* () {
      reads++;
      for (let at = 0; at < cut; at += 65536) yield data.subarray(at, Math.min(cut, at + 65536));
    };
    for (const pool of [true, false]) {
      const second = await resumeSha1(token, { stored, pool });
      await second.update(data.subarray(cut));
      const end = await second.save();
      assert.match(end, /^sha1:/);
      assert.equal(await digestOf(end), nodeSha1(data));
    }
    assert.equal(reads, 2, 'the stored bytes were hashed again each time');
    assert.equal(await sha1OfState(token, stored), nodeSha1(data.subarray(0, cut)));
  });

  it('a piece given up leaves the state it started from usable', async () => {
    const data = randomBytes(600_000);
    const first = await resumeSha1(null, saved);
    await first.update(data.subarray(0, 100_000));
    const state = await first.save();
    const failed = await resumeSha1(state, saved);
    await failed.update(randomBytes(300_000));
    failed.discard();
    const retry = await resumeSha1(state, saved);
    await retry.update(data.subarray(100_000));
    assert.equal(await retry.digest(), nodeSha1(data));
  });

  it('continues a hash-wasm state as such, whatever new hashes do (uploads begun before an upgrade)', async () => {
    const data = randomBytes(300_000);
    const state = await hashWasmState(data.subarray(0, 1234));
    for (const opts of [saved, savedScript]) {
      const second = await resumeSha1(state, opts);
      await second.update(data.subarray(1234));
      const end = await second.save();
      assert.doesNotMatch(end, /^(kept|sha1):/);
      assert.equal(await digestOf(end), nodeSha1(data));
    }
    assert.equal(await sha1OfState(state, nothingStored), nodeSha1(data.subarray(0, 1234)));
  });

  it('saves a portable state: the hash, the byte count and the incomplete block, as any process reads it', async () => {
    const h = await resumeSha1(null, saved);
    await h.update(Buffer.from('abc'));
    const state = await h.save();
    assert.match(state, new RegExp(`^${PORTABLE_STATE}`));
    const bytes = Buffer.from(portableStateBytes(state)!);
    // No block is complete: SHA-1's initial words, 3 bytes counted, the 3 bytes themselves.
    assert.equal(bytes.subarray(0, 20).toString('hex'), '67452301efcdab8998badcfe10325476c3d2e1f0');
    assert.equal(bytes.readBigUInt64BE(20), 3n);
    assert.equal(bytes.subarray(28).toString(), 'abc');
    const tooLong = Buffer.alloc(28);
    tooLong.writeBigUInt64BE(1n << 61n, 20); // more bytes than SHA-1 counts
    const states = [Buffer.alloc(29), tooLong].map((b) => `sha1:${b.toString('base64')}`);
    for (const bad of ['sha1:', 'sha1:AAAA', ...states]) {
      await assert.rejects(resumeSha1(bad, saved), /not a saved SHA-1 state/, bad);
      await assert.rejects(resumeSha1(bad, savedScript), /not a saved SHA-1 state/, bad);
    }
  });

  it('continues a portable state on the thread pool and in plain JavaScript alike, either way round', async () => {
    const data = randomBytes(300_000);
    for (const cut of [0, 1, 63, 64, 65, 100_000, data.length]) {
      for (const [first, second] of [
        [saved, savedScript],
        [savedScript, saved],
        [savedScript, savedScript],
      ] as const) {
        const a = await resumeSha1(null, first);
        for (let at = 0; at < cut; at += 7_777) await a.update(data.subarray(at, Math.min(cut, at + 7_777)));
        const state = await a.save();
        const b = await resumeSha1(state, second);
        await b.update(data.subarray(cut));
        assert.equal(
          await b.digest(),
          nodeSha1(data),
          `cut at ${cut}, ${first.pool ?? 'pool'} then ${second.pool ?? 'pool'}`,
        );
      }
    }
  });

  it('hashes in plain JavaScript as node:crypto does, for every length around the block size', () => {
    const data = randomBytes(1000);
    for (let n = 0; n <= 200; n++) {
      const h = new ScriptSha1();
      h.update(data.subarray(0, n));
      assert.equal(h.digest(), nodeSha1(data.subarray(0, n)), `${n} bytes`);
    }
    const big = randomBytes(3 * 1024 * 1024 + 11);
    const h = new ScriptSha1();
    for (let at = 0; at < big.length; at += 65_537) h.update(big.subarray(at, at + 65_537));
    assert.equal(h.digest(), nodeSha1(big));
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
