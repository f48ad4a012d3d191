/**
 * Statements built once (`prepared`): the same rows as the statement built on every call, with each
 * call's own values, inside a transaction when given one; a value used as text instead of as a
 * value is refused when the statement is first built.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, type Db, openDatabase } from '../../src/db/index.js';
import { prepared } from '../../src/db/prepared.js';

describe('prepared statements', () => {
  let dir: string;
  let h: DatabaseHandle;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-prepared-'));
    h = await openDatabase({ driver: 'sqlite', file: join(dir, 'wiki.sqlite') });
    for (const [id, name, edits] of [
      [1, 'Alice', 3],
      [2, 'Bob', 0],
      [3, 'Carol', 12],
    ] as const)
      await h.db
        .insertInto('users')
        .values({ id, name, password_hash: '', registration: '2026-01-01T00:00:00Z', edit_count: edits })
        .execute();
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  const query = (db: Db, v: { min: number; name: string }) =>
    db
      .selectFrom('users')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('edit_count', '>=', v.min), eb('name', '=', v.name)]))
      .where('id', '<', 100) // a value of the statement's own, kept as it is
      .orderBy('id');

  it("gives each call's rows, building the statement once", async () => {
    let builds = 0;
    const stmt = prepared((db, v: { min: number; name: string }) => {
      builds++;
      return query(db, v);
    });
    for (const v of [
      { min: 1, name: 'Bob' },
      { min: 10, name: 'nobody' },
      { min: 100, name: 'Alice' },
      { min: 0, name: '' },
    ]) {
      assert.deepEqual(await stmt(h.db, v), await query(h.db, v).execute(), JSON.stringify(v));
    }
    assert.equal(builds, 1);
  });

  it('runs inside the transaction it is given', async () => {
    const byName = prepared((db, v: { name: string }) =>
      db.selectFrom('users').select('edit_count').where('name', '=', v.name),
    );
    const bump = prepared((db, v: { name: string; by: number }) =>
      db
        .updateTable('users')
        .set((eb) => ({ edit_count: eb('edit_count', '+', v.by) }))
        .where('name', '=', v.name),
    );
    await assert.rejects(
      h.db.transaction().execute(async (trx) => {
        await bump(trx, { name: 'Bob', by: 5 });
        assert.deepEqual(await byName(trx, { name: 'Bob' }), [{ edit_count: 5 }], 'seen in the transaction');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await byName(h.db, { name: 'Bob' }), [{ edit_count: 0 }], 'rolled back');
    await bump(h.db, { name: 'Carol', by: 1 });
    assert.deepEqual(await byName(h.db, { name: 'Carol' }), [{ edit_count: 13 }]);
  });

  it('refuses a value used as text (it would be fixed at its first value)', async () => {
    const bad = prepared((db, v: { name: string }) =>
      db.selectFrom('users').select('id').where('name', '=', `${v.name}%`),
    );
    await assert.rejects(bad(h.db, { name: 'Alice' }), /the value "name" was used as text/);
    const raw = prepared((db, v: { column: string }) =>
      db.selectFrom('users').select(sql.raw<number>(v.column).as('x')),
    );
    await assert.rejects(raw(h.db, { column: 'id' }), /the value "column" was used as text/);
  });
});
