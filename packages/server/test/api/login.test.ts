import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../src/app.js';
import { TestClient } from '../helpers/client.js';
import { createBot, createBotPassword, startTestServer, type TestServer } from '../helpers/server.js';

describe('action=login and sessions', () => {
  let s: TestServer;
  let bot: { lgname: string; password: string };
  before(async () => {
    s = await startTestServer();
    bot = await createBot(s, 'LoginBot');
  });
  after(() => s.close());

  it('logs in with a bot password as the seed does (login token, login, csrf token)', async () => {
    const c = new TestClient(s.api);
    const t = await c.get({ action: 'query', meta: 'tokens', type: 'login' });
    assert.equal(t.status, 200);
    assert.match(t.json.query.tokens.logintoken, /^[0-9a-f]{40}\+\\$/);
    assert.ok(c.cookies.size > 0, 'a session cookie is set with the login token');
    const r = await c.post({
      action: 'login',
      lgname: bot.lgname,
      lgpassword: bot.password,
      lgtoken: t.json.query.tokens.logintoken,
    });
    assert.equal(r.json.login.result, 'Success');
    assert.equal(r.json.login.lgusername, 'LoginBot');
    assert.equal(typeof r.json.login.lguserid, 'number');
    assert.equal(r.json.warnings, undefined, 'bot-password login has no deprecation warning');
    const csrf = await c.token('csrf');
    assert.match(csrf, /^[0-9a-f]{40}\+\\$/);
    const ui = await c.get({ action: 'query', meta: 'userinfo', uiprop: 'groups|rights' });
    assert.equal(ui.json.query.userinfo.name, 'LoginBot');
    assert.ok(ui.json.query.userinfo.rights.includes('upload'));
  });

  it('answers NeedToken (with a deprecation warning) when lgtoken is missing, then accepts the returned token', async () => {
    const c = new TestClient(s.api);
    const r = await c.post({ action: 'login', lgname: bot.lgname, lgpassword: bot.password });
    assert.equal(r.json.login.result, 'NeedToken');
    assert.match(r.json.login.token, /\+\\$/);
    assert.match(r.json.warnings.login['*'], /Fetching a token via "action=login" is deprecated/);
    assert.ok(r.json.warnings.main['*'].startsWith('Subscribe to the mediawiki-api-announce'));
    const r2 = await c.post({
      action: 'login',
      lgname: bot.lgname,
      lgpassword: bot.password,
      lgtoken: r.json.login.token,
    });
    assert.equal(r2.json.login.result, 'Success');
  });

  it('answers WrongToken for a token of another session', async () => {
    const a = new TestClient(s.api);
    const b = new TestClient(s.api);
    const tok = await a.token('login');
    await b.token('login');
    const r = await b.post({ action: 'login', lgname: bot.lgname, lgpassword: bot.password, lgtoken: tok });
    assert.equal(r.json.login.result, 'WrongToken');
  });

  it('answers Failed with MediaWiki reason for a wrong password or unknown user', async () => {
    for (const [name, pw] of [
      [bot.lgname, 'wrong-password-0123456789abcdef'],
      ['NoSuchUser@bot', 'whatever-password'],
      ['LoginBot@nosuchapp', bot.password],
      ['LoginBot', bot.password],
    ] as const) {
      const c = new TestClient(s.api);
      const lgtoken = await c.token('login');
      const r = await c.post({ action: 'login', lgname: name, lgpassword: pw, lgtoken });
      assert.equal(r.json.login.result, 'Failed', name);
      assert.equal(r.json.login.reason, 'Incorrect username or password entered. Please try again.');
      const ui = await c.get({ action: 'query', meta: 'userinfo' });
      assert.equal(ui.json.query.userinfo.anon, '', 'still anonymous');
    }
  });

  it('accepts a main-account password with the deprecation warning', async () => {
    const c = new TestClient(s.api);
    const lgtoken = await c.token('login');
    const r = await c.post({
      action: 'login',
      lgname: 'LoginBot',
      lgpassword: 'LoginBot-main-password-1',
      lgtoken,
    });
    assert.equal(r.json.login.result, 'Success');
    assert.match(r.json.warnings.login['*'], /Main-account login via "action=login" is deprecated/);
  });

  it('refuses action=login over GET', async () => {
    const c = new TestClient(s.api);
    const r = await c.get({ action: 'login', lgname: bot.lgname, lgpassword: bot.password });
    assert.equal(r.json.error.code, 'mustbeposted');
    assert.equal(r.headers.get('mediawiki-api-error'), 'mustbeposted');
  });

  it('issues a new session cookie on login (the login-token session is not reused)', async () => {
    const c = new TestClient(s.api);
    const lgtoken = await c.token('login');
    const before = new Map(c.cookies);
    await c.post({ action: 'login', lgname: bot.lgname, lgpassword: bot.password, lgtoken });
    const name = [...before.keys()][0]!;
    assert.notEqual(c.cookies.get(name), before.get(name));
    // The old cookie no longer identifies anyone.
    const old = new TestClient(s.api);
    old.cookies.set(name, before.get(name)!);
    const ui = await old.get({ action: 'query', meta: 'userinfo' });
    assert.equal(ui.json.query.userinfo.id, 0);
  });

  it('treats a forged or garbage session cookie as anonymous, never as an error', async () => {
    const c = new TestClient(s.api);
    await c.login(bot.lgname, bot.password);
    const name = [...c.cookies.keys()][0]!;
    for (const v of ['x'.repeat(43), 'not a cookie;;', '', 'A'.repeat(5000)]) {
      const f = new TestClient(s.api);
      f.cookies.set(name, v);
      const ui = await f.get({ action: 'query', meta: 'userinfo' });
      assert.equal(ui.status, 200);
      assert.equal(ui.json.query.userinfo.anon, '');
      const up = await f.post({ action: 'logout', token: '0123456789abcdef0123456789abcdef01234567+\\' });
      assert.equal(up.json.error.code, 'badtoken');
    }
  });

  it('ignores malformed cookies of other applications on the same host, as PHP does', async () => {
    const c = new TestClient(s.api);
    await c.login(bot.lgname, bot.password);
    const [name, value] = [...c.cookies][0]!;
    const cookie = `foo=%zz; bar=%E0%A4%A; ${name}=${value}; =nameless; baz`;
    const ui = await c.get({ action: 'query', meta: 'userinfo' }, { cookie });
    assert.equal(ui.status, 200);
    assert.equal(ui.json.error, undefined);
    assert.equal(ui.json.query.userinfo.name, 'LoginBot');
    const anon = await new TestClient(s.api).get(
      { action: 'query', meta: 'userinfo' },
      { cookie: 'foo=%zz' },
    );
    assert.equal(anon.json.query.userinfo.anon, '');
  });

  it('keeps users logged in across a server restart (sessions live in the database)', async () => {
    const own = await startTestServer();
    const b = await createBot(own, 'RestartBot');
    const c = new TestClient(own.api);
    await c.login(b.lgname, b.password);
    const token = await c.csrf();
    await own.server.close();
    const again = await startServer({ ...own.config, port: 0, server: 'http://127.0.0.1:0' });
    try {
      const c2 = new TestClient(again.api);
      for (const [k, v] of c.cookies) c2.cookies.set(k, v);
      const ui = await c2.get({ action: 'query', meta: 'userinfo' });
      assert.equal(ui.json.query.userinfo.name, 'RestartBot');
      // The CSRF token of the old process is still valid.
      const r = await c2.post({ action: 'logout', token });
      assert.equal(r.json.error, undefined);
      assert.deepEqual(r.json, {});
      const ui2 = await c2.get({ action: 'query', meta: 'userinfo' });
      assert.equal(ui2.json.query.userinfo.id, 0, 'logged out');
    } finally {
      await again.close();
      const { rm } = await import('node:fs/promises');
      await rm(own.dataDir, { recursive: true, force: true });
    }
  });

  it('ends the session of a deleted bot password', async () => {
    const c = new TestClient(s.api);
    const bp = await createBotPassword(s, { user: 'LoginBot', appId: 'temp' });
    await c.login(bp.lgname, bp.password);
    const u = await s.server.services.users.byName('LoginBot');
    await s.server.services.users.deleteBotPassword(u!.id, 'temp');
    const ui = await c.get({ action: 'query', meta: 'userinfo' });
    assert.equal(ui.json.query.userinfo.id, 0);
  });

  it("a session's user has its groups not expired yet, and its bot password's grants", async () => {
    const c = new TestClient(s.api);
    const bp = await createBot(s, 'GroupedBot');
    const users = s.server.services.users;
    const u = (await users.byName('GroupedBot'))!;
    await users.addGroup(u.id, 'sysop', '2001-01-01T00:00:00Z');
    await users.addGroup(u.id, 'bureaucrat', '2999-01-01T00:00:00Z');
    await users.addGroup(u.id, 'bot');
    await c.login(bp.lgname, bp.password);
    const ui = await c.get({ action: 'query', meta: 'userinfo', uiprop: 'groups|rights' });
    const info = ui.json.query.userinfo;
    assert.equal(info.name, 'GroupedBot');
    assert.deepEqual(info.groups, ['bot', 'bureaucrat', '*', 'user', 'autoconfirmed']);
    // The bot group's right, within the bot password's grants; the bureaucrat's are outside them.
    assert.ok(info.rights.includes('bot') && info.rights.includes('upload'), info.rights.join());
    assert.ok(!info.rights.includes('userrights'), info.rights.join());
  });

  it('throttles repeated failed logins for one account and address', async () => {
    const own = await startTestServer({ loginThrottle: { count: 3, windowSeconds: 60 } });
    try {
      const b = await createBot(own, 'ThrottleBot');
      const c = new TestClient(own.api);
      for (let i = 0; i < 3; i++) {
        const lgtoken = await c.token('login');
        const r = await c.post({
          action: 'login',
          lgname: b.lgname,
          lgpassword: 'bad-password-xxxxxxxx',
          lgtoken,
        });
        assert.equal(r.json.login.reason, 'Incorrect username or password entered. Please try again.');
      }
      const lgtoken = await c.token('login');
      const r = await c.post({ action: 'login', lgname: b.lgname, lgpassword: b.password, lgtoken });
      assert.equal(r.json.login.result, 'Failed');
      assert.match(r.json.login.reason, /too many recent login attempts/);
    } finally {
      await own.close();
    }
  });
});
