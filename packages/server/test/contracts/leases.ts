/**
 * Leases: the locks that let one request or job at a time work on a stash entry, across processes
 * and machines (upload/stash/locks.ts). The job queue's leases are in contracts/job-queue.ts.
 * Run on SQLite by contracts/on-sqlite-local.test.ts and on PostgreSQL by
 * scaleout/contracts-on-postgres-s3.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Acquired, StashLeases } from '../../src/upload/stash/locks.js';
import type { UploadStash } from '../../src/upload/stash/store.js';
import { type BackendUnderTest, type OpenBackend, stashOf, until } from './backend.js';

export function leaseContract(name: string, open: OpenBackend): void {
  describe(`stash leases on ${name}`, () => {
    let u: BackendUnderTest;
    let stash: UploadStash;
    /** StashLeases of two nodes over the same database. */
    let here: StashLeases;
    let there: StashLeases;
    let user = 0;
    before(async () => {
      u = await open();
      stash = stashOf(u);
      here = new StashLeases(u.db);
      there = new StashLeases((await u.node()).db);
    });
    after(() => u.dispose());

    /** A chunked upload still receiving chunks (10 of 30 bytes stored). */
    const entry = async () =>
      (
        await stash.startChunked({
          userId: ++user,
          blobKey: `upload/00/lease${user}`,
          filename: 'L.png',
          size: 10,
          expectedSize: 30,
          hashState: 'state',
          ext: 'png',
          assembler: null,
          leaseMs: here.leaseMs,
        })
      ).key;
    const ownerOf = async (key: string) =>
      (
        await u.db
          .selectFrom('uploadstash')
          .select(['lease_owner', 'lease_until_ms'])
          .where('key', '=', key)
          .executeTakeFirstOrThrow()
      ).lease_owner;
    const release = async (a: Acquired) => {
      if (a.kind === 'acquired') await a.lease.release();
    };

    it('many owners on two nodes race for one lease: exactly one gets it', async () => {
      for (let round = 0; round < 5; round++) {
        const key = await entry();
        const tries = Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? there : here).acquire(key, `owner-${i}`, 'receiving', 0),
        );
        const got = await Promise.all(tries);
        const winners = got.flatMap((a, i) => (a.kind === 'acquired' ? [`owner-${i}`] : []));
        assert.equal(winners.length, 1, `round ${round}: ${got.map((a) => a.kind)}`);
        assert.ok(
          got.every((a) => a.kind === 'acquired' || a.kind === 'busy'),
          got.map((a) => a.kind).join(),
        );
        assert.equal(await ownerOf(key), winners[0]);
        await Promise.all(got.map(release));
        assert.equal(await ownerOf(key), null);
      }
    });

    it('is held again by its holder, and refused to others until released', async () => {
      const key = await entry();
      const a = await here.acquire(key, 'req-a', 'receiving', 0);
      assert.equal(a.kind, 'acquired');
      const again = await there.acquire(key, 'req-a', 'receiving', 0);
      assert.equal(again.kind, 'acquired', 'the same owner, through another node');
      assert.equal((await there.acquire(key, 'req-b', 'receiving', 0)).kind, 'busy');
      await release(a);
      assert.equal((await there.acquire(key, 'req-b', 'receiving', 0)).kind, 'acquired');
      assert.equal(await ownerOf(key), 'req-b');
      await release(again);
      assert.equal(await ownerOf(key), 'req-b', 'a release by a former holder changes nothing');
    });

    it('a waiting acquirer on another node gets the lease once the holder releases it', async () => {
      const key = await entry();
      const a = await here.acquire(key, 'req-a', 'receiving', 0);
      assert.equal(a.kind, 'acquired');
      let settled = false;
      const waiting = there.acquire(key, 'req-b', 'receiving', 10_000).finally(() => {
        settled = true;
      });
      // It waits while the lease is held...
      assert.equal(await ownerOf(key), 'req-a');
      assert.equal(settled, false);
      await release(a);
      const b = await waiting;
      assert.equal(b.kind, 'acquired');
      assert.equal(await ownerOf(key), 'req-b');
      await release(b);
    });

    it('a waiting acquirer gives up as busy after its time', async () => {
      const key = await entry();
      const a = await here.acquire(key, 'req-a', 'receiving', 0);
      const t0 = Date.now();
      assert.equal((await there.acquire(key, 'req-b', 'receiving', 200)).kind, 'busy');
      assert.ok(Date.now() - t0 >= 200);
      await release(a);
    });

    it('a live holder keeps its lease past the lease time; a dead one loses it when it runs out', async () => {
      const short = new StashLeases(u.db, 300);
      const key = await entry();
      const a = await short.acquire(key, 'live', 'receiving', 0);
      assert.equal(a.kind, 'acquired');
      const t0 = Date.now();
      // Renewed in the background: after more than a lease time, still busy for others.
      await until(() => Date.now() - t0 > 600, 'two lease times passed');
      assert.equal((await there.acquire(key, 'other', 'receiving', 0)).kind, 'busy');
      await release(a);

      // A holder that died: its lease is in the row, nobody renews it.
      const dead = await entry();
      await u.db
        .updateTable('uploadstash')
        .set({ lease_owner: 'crashed', lease_until_ms: Date.now() + 200 })
        .where('key', '=', dead)
        .execute();
      assert.equal((await there.acquire(dead, 'heir', 'receiving', 0)).kind, 'busy');
      const heir = await there.acquire(dead, 'heir', 'receiving', 5000);
      assert.equal(heir.kind, 'acquired', 'taken over once the lease ran out');
      assert.equal(await ownerOf(dead), 'heir');
      await release(heir);
    });

    it("a chunk's lease is taken only on its user's receiving entry at the chunk's offset, and reads the entry", async () => {
      const key = await entry();
      const userId = user;
      const t0 = Date.now();
      // Nothing to wait for: no such entry, another user's, another size, expired.
      assert.equal(await here.acquireReceiving(`${key}x`, 'x', { userId, size: 10 }, 60_000), null);
      assert.equal(await here.acquireReceiving(key, 'x', { userId: userId + 1, size: 10 }, 60_000), null);
      assert.equal(await here.acquireReceiving(key, 'x', { userId, size: 5 }, 60_000), null);
      assert.ok(Date.now() - t0 < 30_000, 'did not wait');
      assert.equal(await ownerOf(key), null);

      const a = await here.acquireReceiving(key, 'req-a', { userId, size: 10 }, 0);
      assert.ok(a);
      assert.equal(a.entry.key, key);
      assert.equal(a.entry.state, 'receiving');
      assert.equal(a.entry.size, 10);
      assert.equal(a.entry.hashState, 'state');
      assert.equal(a.entry.blobKey, `upload/00/lease${userId}`);
      assert.equal(await ownerOf(key), 'req-a');
      assert.equal((await there.acquire(key, 'req-b', 'receiving', 0)).kind, 'busy');
      assert.equal(await there.acquireReceiving(key, 'req-b', { userId, size: 10 }, 0), null, 'busy');

      // Another request waits for the holder, on another node...
      const waiting = there.acquireReceiving(key, 'req-b', { userId, size: 10 }, 10_000);
      assert.equal(await ownerOf(key), 'req-a');
      await a.lease.release();
      const b = await waiting;
      assert.equal(b?.lease.owner, 'req-b');
      assert.equal(await ownerOf(key), 'req-b');
      // ...and gives up at once when the entry moved on (a chunk was stored) while it waited.
      const late = here.acquireReceiving(key, 'req-c', { userId, size: 10 }, 60_000);
      await u.db
        .updateTable('uploadstash')
        .set({ size: 20, lease_owner: null, lease_until_ms: null })
        .where('key', '=', key)
        .execute();
      b?.lease.forget();
      assert.equal(await late, null);
      assert.ok(Date.now() - t0 < 30_000, 'did not wait for the time given');
      await b?.lease.release();
      assert.equal(await ownerOf(key), null);

      const expired = await entry();
      await u.db
        .updateTable('uploadstash')
        .set({ expires_ms: Date.now() - 1 })
        .where('key', '=', expired)
        .execute();
      assert.equal(await here.acquireReceiving(expired, 'x', { userId: user, size: 10 }, 60_000), null);
      assert.equal(await ownerOf(expired), null);
    });

    it('a forgotten lease is neither renewed nor released', async () => {
      const short = new StashLeases(u.db, 300);
      const key = await entry();
      const a = await short.acquireReceiving(key, 'gone', { userId: user, size: 10 }, 0);
      assert.ok(a);
      a.lease.forget();
      await a.lease.release();
      assert.equal(await ownerOf(key), 'gone', 'release does nothing after forget');
      // Not renewed: another takes it once it ran out.
      const heir = await there.acquire(key, 'heir', 'receiving', 5000);
      assert.equal(heir.kind, 'acquired');
      await release(heir);
    });

    it('a lease is for one state: once the entry moved on, it cannot be taken in the old state', async () => {
      const key = await entry();
      assert.deepEqual(await here.acquire(`${key}x`, 'a', 'receiving', 0), { kind: 'missing' });
      await u.db.updateTable('uploadstash').set({ state: 'assembling' }).where('key', '=', key).execute();
      assert.deepEqual(await there.acquire(key, 'a', 'receiving', 1000), {
        kind: 'other-state',
        state: 'assembling',
      });
      assert.equal((await there.acquire(key, 'a', 'assembling', 0)).kind, 'acquired');
    });
  });
}
