/**
 * The stash's state machine and the upload status, as every database engine must keep them: each
 * transition happens once, leases are exclusive until they run out. Run against SQLite here and
 * PostgreSQL in test/scaleout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config.js';
import type { Db, Dialect } from '../../src/db/index.js';
import { FileRepo } from '../../src/files/repo.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { StashLeases } from '../../src/upload/stash/locks.js';
import { type ChunkedEntry, StashTransitions } from '../../src/upload/stash/state.js';
import { StatusStore } from '../../src/upload/stash/status.js';
import { UploadStash } from '../../src/upload/stash/store.js';

export interface StashUnderTest {
  db: Db;
  dialect: Dialect;
  blobs: BlobStore;
  dispose(): Promise<void>;
}

const PROPS = { mime: 'image/png', mediaType: 'BITMAP', width: 1, height: 1, bits: 8, metadata: null };

/** Wait until `cond` holds (checked every few milliseconds), failing after `ms`. */
async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function stashContract(name: string, open: () => Promise<StashUnderTest>): void {
  describe(`the stash state machine on ${name}`, () => {
    let u: StashUnderTest;
    let stash: UploadStash;
    let leases: StashLeases;
    let transitions: StashTransitions;
    let status: StatusStore;
    let user = 0;
    before(async () => {
      u = await open();
      stash = new UploadStash(
        u.db,
        u.blobs,
        { uploads: { stashMaxAgeSeconds: 3600 } } as Config,
        new FileRepo(u.db, u.dialect),
      );
      leases = new StashLeases(u.db, 30_000);
      transitions = new StashTransitions(u.db, () => stash.expiry(), leases.leaseMs);
      status = new StatusStore(u.db);
    });
    after(() => u.dispose());

    /** A chunked upload of 30 bytes with its first 10 stored, for a user of its own. */
    const started = (o: { complete?: boolean; assembler?: string } = {}) =>
      stash.startChunked({
        userId: ++user,
        blobKey: `upload/00/blob${user}`,
        filename: 'A.png',
        size: o.complete ? 30 : 10,
        expectedSize: 30,
        hashState: 'state',
        ext: 'png',
        assembler: o.assembler ?? null,
        leaseMs: leases.leaseMs,
      });
    const chunk = (
      offset: number,
      size: number,
      more: Partial<{ complete: boolean; keepLease: boolean }> = {},
    ) => ({
      offset,
      size,
      hashState: `state-${size}`,
      chunkCount: 2,
      filename: 'A.png',
      expectedSize: 30,
      complete: false,
      keepLease: false,
      ...more,
    });
    const assembledAs = (key: string, owner: string, newKey: string) =>
      u.db.transaction().execute((trx) =>
        transitions.assembled(trx, key, owner, {
          newKey,
          sha1: 'f'.repeat(40),
          mime: 'image/png',
          props: PROPS,
        }),
      );
    const leaseOf = async (key: string) => ((await stash.peek(key)) as ChunkedEntry | null)?.lease ?? null;

    it('receiving → assembling → ready: one step at a time, by the lease holder, under one new key', async () => {
      const e = await started();
      assert.equal(e.state, 'receiving');
      const a = await leases.acquire(e.key, 'req-a', 'receiving', 0);
      assert.equal(a.kind, 'acquired');
      assert.equal((await leases.acquire(e.key, 'req-b', 'receiving', 0)).kind, 'busy');
      assert.equal(
        await transitions.chunkStored(e.key, 'req-b', chunk(10, 20)),
        false,
        'not the lease holder',
      );
      assert.equal(
        await transitions.chunkStored(e.key, 'req-a', chunk(5, 20)),
        false,
        'not at the stored size',
      );
      assert.equal(await transitions.chunkStored(e.key, 'req-a', chunk(10, 20)), true);
      assert.equal(
        await transitions.chunkStored(e.key, 'req-a', chunk(10, 20)),
        false,
        'the same chunk once',
      );
      assert.equal((await stash.peek(e.key))?.size, 20);
      const last = chunk(20, 30, { complete: true, keepLease: true });
      assert.equal(await transitions.chunkStored(e.key, 'req-a', last), true);
      if (a.kind === 'acquired') await a.lease.release();
      const assembling = await stash.peek(e.key);
      assert.equal(assembling?.state, 'assembling');
      assert.equal((await leaseOf(e.key))?.owner, 'req-a', 'the last chunk keeps the lease to assemble');
      assert.deepEqual(await leases.acquire(e.key, 'req-b', 'receiving', 0), {
        kind: 'other-state',
        state: 'assembling',
      });
      assert.equal((await leases.acquire(e.key, 'job', 'assembling', 0)).kind, 'busy');

      assert.equal(await assembledAs(e.key, 'job', `${e.key}.x`), false, 'only the holder assembles');
      const newKey = stash.newKey(e.userId, 'png');
      assert.equal(await assembledAs(e.key, 'req-a', newKey), true);
      assert.equal(await assembledAs(e.key, 'req-a', stash.newKey(e.userId, 'png')), false, 'once');
      assert.equal(await stash.peek(e.key), null);
      const ready = await stash.peek(newKey);
      assert.equal(ready?.state, 'ready');
      assert.equal(ready.sha1, 'f'.repeat(40));
      assert.equal(ready.blobKey, e.blobKey);
      assert.deepEqual(
        (await stash.listForUser(e.userId, { limit: 10 })).map((r) => r.key),
        [newKey],
        'one upload, one key',
      );
      assert.deepEqual(await leases.acquire(e.key, 'x', 'assembling', 0), { kind: 'missing' });
    });

    it('an assembly is taken over only after its lease ran out; the old holder can then change nothing', async () => {
      const e = await started({ complete: true, assembler: 'req-a' });
      assert.equal(e.state, 'assembling');
      assert.equal((await leases.acquire(e.key, 'job', 'assembling', 0)).kind, 'busy');
      assert.equal(await transitions.whileAssembling(e.key, 'free', async () => {}), false);
      let ran = false;
      assert.equal(
        await transitions.whileAssembling(e.key, 'live', async () => {
          ran = true;
        }),
        true,
      );
      assert.ok(ran);
      // The holder died: its lease runs out.
      await u.db
        .updateTable('uploadstash')
        .set({ lease_until_ms: Date.now() - 1 })
        .where('key', '=', e.key)
        .execute();
      assert.equal(await transitions.whileAssembling(e.key, 'live', async () => {}), false);
      const job = await leases.acquire(e.key, 'job', 'assembling', 0);
      assert.equal(job.kind, 'acquired');
      assert.equal(await assembledAs(e.key, 'req-a', stash.newKey(e.userId, 'png')), false);
      assert.equal(
        await u.db.transaction().execute((trx) => transitions.assemblyFailed(trx, e.key, 'req-a')),
        false,
      );
      assert.equal(
        await u.db.transaction().execute((trx) => transitions.assemblyFailed(trx, e.key, 'job')),
        true,
      );
      assert.equal(await stash.peek(e.key), null, 'failed: the entry is gone');
      if (job.kind === 'acquired') await job.lease.release();
    });

    it('an assembly nobody holds (an async one, queued) may be taken at once', async () => {
      const e = await started({ complete: true });
      assert.equal(await transitions.whileAssembling(e.key, 'free', async () => {}), true);
      const job = await leases.acquire(e.key, 'job', 'assembling', 0);
      assert.equal(job.kind, 'acquired');
      if (job.kind === 'acquired') await job.lease.release();
      assert.equal(await leaseOf(e.key), null, 'released');
    });

    it('a held lease is renewed while held; a holder that was taken over learns it and changes nothing', async () => {
      const short = new StashLeases(u.db, 300);
      const e = await started({ complete: true });
      const held = await short.acquire(e.key, 'req-a', 'assembling', 0);
      assert.ok(held.kind === 'acquired');
      const first = (await leaseOf(e.key))!.untilMs;
      await until(async () => ((await leaseOf(e.key))?.untilMs ?? 0) > first, 'the lease is renewed');
      assert.equal(await held.lease.renew(), true);
      await u.db.updateTable('uploadstash').set({ lease_owner: 'other' }).where('key', '=', e.key).execute();
      assert.equal(await held.lease.renew(), false);
      await held.lease.release();
      assert.equal((await leaseOf(e.key))?.owner, 'other', 'the new holder keeps it');
    });

    it('ready → published happens once; other states cannot be published', async () => {
      const e = await stash.addFile({
        userId: ++user,
        blobKey: 'upload/00/ready',
        filename: 'R.png',
        size: 3,
        sha1: 'a'.repeat(40),
        mime: 'image/png',
        props: PROPS,
        sourceType: 'file',
        ext: 'png',
      });
      assert.equal(e.state, 'ready');
      await u.db.transaction().execute((trx) => transitions.published(trx, e.key));
      await assert.rejects(
        u.db.transaction().execute((trx) => transitions.published(trx, e.key)),
        (err: Error & { code?: string; info?: string }) =>
          err.code === 'uploadstash-file-not-found' && err.info === `Key "${e.key}" not found in stash.`,
      );
      const chunked = await started();
      await assert.rejects(u.db.transaction().execute((trx) => transitions.published(trx, chunked.key)));
      assert.equal((await stash.peek(chunked.key))?.state, 'receiving');
    });

    it('keeps an outcome only where a status is kept for the key', async () => {
      await status.setIfKept('k1', { result: 'Success', stage: 'assembling', filekey: 'x' });
      assert.equal(await status.get('k1', 1), null);
      await status.set('k2', 1, { result: 'Poll', stage: 'assembling' });
      await status.setIfKept('k2', { result: 'Success', stage: 'assembling', filekey: 'y' });
      assert.deepEqual(await status.get('k2', 1), { result: 'Success', stage: 'assembling', filekey: 'y' });
      assert.equal(await status.get('k2', 2), null, 'for its user only');
    });

    it('removes expired entries with their blobs', async () => {
      const e = await started();
      assert.ok((await stash.cleanup(Date.now() + 2 * 3600 * 1000)) >= 1);
      assert.equal(await stash.peek(e.key), null);
    });
  });
}
