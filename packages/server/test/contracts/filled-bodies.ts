/**
 * The contract of stores that take bodies which copy themselves into the store's buffers
 * (`writeFilled`, `appendFilled`: a request body read from its socket by the addon). The body here
 * is a stand-in that copies from memory in uneven pieces and hashes with the portable SHA-1 of
 * util/sha1-state.ts, as the addon does.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type BlobStore,
  BodyTooLarge,
  type FillableBody,
  type Filled,
} from '../../src/storage/blob-store.js';
import { ScriptSha1 } from '../../src/util/sha1-state.js';
import { chunksOf, readAll, type StoreUnderTest } from './blob-store.js';

const MIB = 1024 * 1024;
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** A body of `bytes` that fills at most `piece` bytes a call (as reads from a socket come). */
function fillable(bytes: Buffer, piece = 700_000): FillableBody & { calls: number } {
  let at = 0;
  let hash: ScriptSha1 | null = null;
  let from: Uint8Array | null = null;
  return {
    calls: 0,
    hashFrom(state: Uint8Array) {
      from = state;
    },
    async fillInto(target: Uint8Array): Promise<Filled> {
      this.calls++;
      hash ??= new ScriptSha1(from);
      const n = Math.min(target.length, piece, bytes.length - at);
      target.set(bytes.subarray(at, at + n));
      hash.update(bytes.subarray(at, at + n));
      at += n;
      if (at < bytes.length) return { length: n, sha1: null, state: null };
      const state = hash.save();
      return { length: n, sha1: new ScriptSha1(state).digest(), state };
    },
  };
}

export function filledBodyContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`BlobStore bodies that copy themselves: ${name}`, () => {
    let s: StoreUnderTest;
    let store: Required<Pick<BlobStore, 'writeFilled' | 'appendFilled'>> & BlobStore;
    before(async () => {
      s = await make();
      assert.ok(s.store.writeFilled && s.store.appendFilled, `${name} takes bodies that copy themselves`);
      store = s.store as typeof store;
    });
    after(async () => {
      await s?.dispose();
    });
    const key = () => `f${randomUUID().replace(/-/g, '').slice(0, 12)}/blob`;

    for (const size of [0, 1, MIB, 9 * MIB + 5]) {
      it(`writes ${size} bytes with their SHA-1`, async () => {
        const k = key();
        const data = randomBytes(size);
        const r = await store.writeFilled(k, fillable(data), 10 * MIB);
        assert.deepEqual(r, { size, sha1: sha1(data) });
        assert.equal((await store.stat(k))?.size, size);
        assert.ok((await readAll(store.read(k))).equals(data), 'the bytes read back');
      });
    }

    it('refuses a body over the limit and stores nothing of it', async () => {
      const k = key();
      await assert.rejects(store.writeFilled(k, fillable(randomBytes(9 * MIB)), 8 * MIB + 1), BodyTooLarge);
      assert.equal(await store.stat(k), null);
    });

    it('appends chunks that hash on from the state before them, and seals them', async () => {
      const k = key();
      const chunks = [5 * MIB, 9 * MIB + 3, 1000].map((n) => randomBytes(n));
      let offset = 0;
      let state: Uint8Array | null = null;
      for (const c of chunks) {
        const body = fillable(c);
        if (state) body.hashFrom(state);
        const r = await store.appendFilled(k, offset, body, 10 * MIB);
        assert.equal(r.size, offset + c.length, 'the blob grows by the chunk');
        offset = r.size;
        state = r.state;
        assert.equal((await store.stat(k))?.size, offset);
      }
      const all = Buffer.concat(chunks);
      assert.equal(new ScriptSha1(state).digest(), sha1(all), 'one SHA-1 across the chunks');
      assert.ok((await readAll(store.read(k))).equals(all), 'unsealed');
      await store.seal(k, all.length);
      assert.ok((await readAll(store.read(k))).equals(all), 'sealed');
    });

    it('mixes with appends of streams, in both orders', async () => {
      const k = key();
      const a = randomBytes(2 * MIB);
      const b = randomBytes(5 * MIB);
      const c = randomBytes(3000);
      let offset = await store.append(k, 0, chunksOf(a));
      offset = (await store.appendFilled(k, offset, fillable(b), 10 * MIB)).size;
      offset = await store.append(k, offset, chunksOf(c));
      const all = Buffer.concat([a, b, c]);
      assert.equal(offset, all.length);
      await store.seal(k, all.length);
      assert.equal(sha1(await readAll(store.read(k))), sha1(all));
    });

    it('refuses a chunk over the limit and keeps the blob as it was', async () => {
      const k = key();
      const first = randomBytes(MIB);
      await store.appendFilled(k, 0, fillable(first), 10 * MIB);
      await assert.rejects(store.appendFilled(k, MIB, fillable(randomBytes(9 * MIB)), 8 * MIB), BodyTooLarge);
      assert.equal((await store.stat(k))?.size, MIB);
      assert.ok((await readAll(store.read(k))).equals(first));
      // The upload goes on from where it was.
      const next = randomBytes(1000);
      assert.equal((await store.appendFilled(k, MIB, fillable(next), 10 * MIB)).size, MIB + 1000);
      await store.seal(k, MIB + 1000);
      assert.ok((await readAll(store.read(k))).equals(Buffer.concat([first, next])));
    });
  });
}
