/**
 * Sessions (auth/sessions.ts) as every database engine must keep them: a cookie names one session,
 * on every node; sessions expire, slide, and end when destroyed; tokens are bound to their session.
 * Run on SQLite by contracts/on-sqlite-local.test.ts and on PostgreSQL by
 * scaleout/contracts-on-postgres-s3.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ANON_TOKEN, SessionService } from '../../src/auth/sessions.js';
import type { BackendUnderTest, OpenBackend } from './backend.js';

const HOUR = 3600;

export function sessionContract(name: string, open: OpenBackend): void {
  describe(`sessions on ${name}`, () => {
    let u: BackendUnderTest;
    let here: SessionService;
    let there: SessionService;
    before(async () => {
      u = await open();
      here = new SessionService(u.db, HOUR);
      there = new SessionService((await u.node()).db, HOUR);
    });
    after(() => u.dispose());

    const expiresOf = async (id: string) =>
      (await u.db.selectFrom('sessions').select('expires_ms').where('id', '=', id).executeTakeFirst())
        ?.expires_ms;

    it('a new session is found by its cookie on every node, and by nothing else', async () => {
      const { session, cookie } = await here.create(42, 'bot');
      const t0 = Date.now();
      assert.match(cookie, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(session.id, cookie, 'the database keeps a hash of the cookie, not the cookie');
      assert.ok(Math.abs(session.expiresMs - (t0 + HOUR * 1000)) < 5000);
      const { read, ...loaded } = (await there.load(cookie))!;
      assert.deepEqual(loaded, session);
      // Its user is read with it (there is no user 42: none, and so no grants).
      assert.deepEqual(read, { user: null, grants: null });
      const anon = await there.create(null, null);
      assert.deepEqual(await here.load(anon.cookie), anon.session);
      assert.notEqual(anon.cookie, cookie);
      assert.notEqual(anon.session.tokenSecret, session.tokenSecret);
      // A cookie one character off (never the same character: that would be the cookie itself).
      const offByOne = `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`;
      for (const bad of [undefined, '', 'short', offByOne, `${cookie}!`, session.id]) {
        assert.equal(await there.load(bad), null, `cookie ${bad}`);
      }
    });

    it('a destroyed session is gone on every node', async () => {
      const { session, cookie } = await here.create(7, null);
      await there.destroy(session);
      assert.equal(await here.load(cookie), null);
      assert.equal(await there.load(cookie), null);
      await here.destroy(session);
    });

    it('an expired session is not loaded, and is removed', async () => {
      const { session, cookie } = await here.create(7, null);
      await u.db
        .updateTable('sessions')
        .set({ expires_ms: Date.now() - 1 })
        .where('id', '=', session.id)
        .execute();
      assert.equal(await there.load(cookie), null);
      assert.equal(await expiresOf(session.id), undefined, 'removed');
      // Sessions made with no lifetime at all are never loaded.
      const none = new SessionService(u.db, 0);
      const gone = await none.create(1, null);
      assert.equal(await here.load(gone.cookie), null);
    });

    it('a used session slides forward once a tenth of its lifetime has passed', async () => {
      const { session, cookie } = await here.create(7, null);
      // Used again at once: not written again.
      assert.equal((await there.load(cookie))?.expiresMs, session.expiresMs);
      assert.equal(await expiresOf(session.id), session.expiresMs);
      // Half its time gone: used now, it lasts a full lifetime from now.
      await u.db
        .updateTable('sessions')
        .set({ expires_ms: Date.now() + (HOUR * 1000) / 2 })
        .where('id', '=', session.id)
        .execute();
      const t0 = Date.now();
      const slid = await there.load(cookie);
      assert.ok(slid && Math.abs(slid.expiresMs - (t0 + HOUR * 1000)) < 5000, `${slid?.expiresMs}`);
      assert.equal(await expiresOf(session.id), slid.expiresMs);
    });

    it('sweeps expired sessions and keeps live ones', async () => {
      const live = await here.create(1, null);
      const dead = await here.create(2, null);
      await u.db
        .updateTable('sessions')
        .set({ expires_ms: Date.now() - 1 })
        .where('id', '=', dead.session.id)
        .execute();
      await there.sweepExpired();
      assert.equal(await expiresOf(dead.session.id), undefined);
      assert.ok(await expiresOf(live.session.id));
    });

    it('tokens are bound to their session and type, and checked on every node', async () => {
      const { session, cookie } = await here.create(5, null);
      const csrf = here.token(session, 'csrf', true);
      assert.match(csrf, /^[0-9a-f]{40}\+\\$/);
      const loaded = (await there.load(cookie))!;
      assert.equal(there.checkToken(loaded, 'csrf', csrf, true), true);
      assert.equal(there.checkToken(loaded, 'watch', csrf, true), false, 'another type');
      const other = (await there.create(5, null)).session;
      assert.equal(there.checkToken(other, 'csrf', csrf, true), false, 'another session');
      assert.equal(
        there.checkToken(
          loaded,
          'csrf',
          csrf.replace(/^./, (c) => (c === '0' ? '1' : '0')),
          true,
        ),
        false,
      );
      assert.equal(there.checkToken(loaded, 'csrf', 'garbage', true), false);
      // Logged out, a session has only login tokens; everything else is the anonymous token.
      assert.equal(here.token(session, 'csrf', false), ANON_TOKEN);
      assert.equal(there.checkToken(loaded, 'csrf', ANON_TOKEN, false), true);
      assert.equal(there.checkToken(loaded, 'csrf', csrf, false), false);
      const login = here.token(session, 'login', false);
      assert.equal(there.checkToken(loaded, 'login', login, false), true);
      assert.equal(here.token(null, 'csrf', true), ANON_TOKEN);
    });
  });
}
