/**
 * The stash's state machine and the upload status, as every database engine must keep them: each
 * transition happens once, leases are exclusive until they run out; statuses belong to their user
 * and their time. Run on SQLite by contracts/on-sqlite-local.test.ts and on PostgreSQL by
 * scaleout/contracts-on-postgres-s3.test.ts.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { StashLeases } from '../../src/upload/stash/locks.js';
import { type ChunkedEntry, StashTransitions } from '../../src/upload/stash/state.js';
import { StatusStore } from '../../src/upload/stash/status.js';
import type { UploadStash } from '../../src/upload/stash/store.js';
import { type OpenBackend, stashOf, until } from './backend.js';

const PROPS = { mime: 'image/png', mediaType: 'BITMAP', width: 1, height: 1, bits: 8, metadata: null };

export function stashContract(name: string, open: OpenBackend): void {
  describe(`the stash state machine on ${name}`, () => {
    let u: Awaited<ReturnType<OpenBackend>>;
    let stash: UploadStash;
    let leases: StashLeases;
    let transitions: StashTransitions;
    let status: StatusStore;
    let user = 0;
    before(async () => {
      u = await open();
      stash = stashOf(u);
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
      assert.equal(await transitions.chunkStored(e.key, 'req-a', chunk(10, 20, { keepLease: true })), true);
      assert.equal((await leaseOf(e.key))?.owner, 'req-a', 'kept to store more');
      assert.equal(
        await transitions.chunkStored(e.key, 'req-a', chunk(10, 20, { keepLease: true })),
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

    it('a chunk stored without keeping the lease frees it in the same change', async () => {
      const e = await started();
      const a = await leases.acquire(e.key, 'req-a', 'receiving', 0);
      assert.equal(a.kind, 'acquired');
      assert.equal(await transitions.chunkStored(e.key, 'req-a', chunk(10, 20)), true);
      assert.equal(await leaseOf(e.key), null);
      assert.equal((await stash.peek(e.key))?.size, 20);
      assert.equal(
        await transitions.chunkStored(e.key, 'req-a', chunk(20, 25)),
        false,
        'no longer the holder',
      );
      const b = await leases.acquire(e.key, 'req-b', 'receiving', 0);
      assert.equal(b.kind, 'acquired', 'free for the next chunk');
      if (b.kind === 'acquired') await b.lease.release();
      if (a.kind === 'acquired') a.lease.forget();
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

    it('publishing one entry from two nodes at once succeeds on exactly one', async () => {
      const other = await u.node();
      const theirs = new StashTransitions(other.db, () => stash.expiry(), leases.leaseMs);
      for (let round = 0; round < 5; round++) {
        const e = await stash.addFile({
          userId: ++user,
          blobKey: `upload/00/race${round}`,
          filename: 'R.png',
          size: 3,
          sha1: 'b'.repeat(40),
          mime: 'image/png',
          props: PROPS,
          sourceType: 'file',
          ext: 'png',
        });
        const outcomes = await Promise.allSettled([
          u.db.transaction().execute((trx) => transitions.published(trx, e.key)),
          other.db.transaction().execute((trx) => theirs.published(trx, e.key)),
        ]);
        assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected'], `round ${round}`);
      }
    });

    it('removes expired entries with their blobs, and keeps the others', async () => {
      const e = await started();
      await u.blobs.append(e.blobKey, 0, Readable.from([Buffer.from('0123456789')]));
      assert.ok(await u.blobs.stat(e.blobKey));
      assert.equal(await stash.cleanup(Date.now()), 0, 'not expired yet');
      assert.ok(await stash.peek(e.key));
      assert.ok((await stash.cleanup(Date.now() + 2 * 3600 * 1000)) >= 1);
      assert.equal(await stash.peek(e.key), null);
      assert.equal(await u.blobs.stat(e.blobKey), null, 'the blob is gone');
    });
  });

  describe(`upload status on ${name}`, () => {
    let u: Awaited<ReturnType<OpenBackend>>;
    let status: StatusStore;
    before(async () => {
      u = await open();
      status = new StatusStore(u.db);
    });
    after(() => u.dispose());

    it('keeps the latest status of a key for its user, seen by every node', async () => {
      await status.set('s1', 7, { result: 'Poll', stage: 'queued' });
      await status.set('s1', 7, { result: 'Poll', stage: 'fetching', progress: { bytes: 10, total: 30 } });
      const elsewhere = new StatusStore((await u.node()).db);
      assert.deepEqual(await elsewhere.get('s1', 7), {
        result: 'Poll',
        stage: 'fetching',
        progress: { bytes: 10, total: 30 },
      });
      assert.equal(await elsewhere.get('s1', 8), null, 'another user sees nothing');
      assert.equal(await elsewhere.get('s2', 7), null, 'another key has nothing');
      const failure = {
        result: 'Failure' as const,
        stage: 'fetching',
        error: { code: 'http-bad-status', info: 'Error fetching file from remote source', data: { n: 1 } },
      };
      await elsewhere.set('s1', 7, failure);
      assert.deepEqual(await status.get('s1', 7), failure);
    });

    it('forgets a status when its time is over', async () => {
      await status.set('old', 1, { result: 'Success', stage: 'publish', filename: 'A.png' });
      assert.equal((await status.get('old', 1))?.filename, 'A.png');
      await u.db
        .updateTable('upload_status')
        .set({ expires_ms: Date.now() - 1 })
        .where('key', '=', 'old')
        .execute();
      assert.equal(await status.get('old', 1), null);
    });

    it('an outcome recorded in a transaction that rolls back is not kept', async () => {
      await status.set('tx', 1, { result: 'Poll', stage: 'assembling' });
      await assert.rejects(
        u.db.transaction().execute(async (trx) => {
          await status.setIfKept('tx', { result: 'Success', stage: 'assembling', filekey: 'z' }, trx);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.deepEqual(await status.get('tx', 1), { result: 'Poll', stage: 'assembling' });
      await u.db
        .transaction()
        .execute((trx) => status.set('tx', 1, { result: 'Poll', stage: 'publish' }, trx));
      assert.equal((await status.get('tx', 1))?.stage, 'publish');
    });
  });
}
