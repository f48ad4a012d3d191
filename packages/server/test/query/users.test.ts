/** list=users as MediaWiki 1.39 answers it: invalid names first, then users by name, then missing ones. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

describe('list=users', () => {
  let s: TestServer;
  let id: number;
  before(async () => {
    s = await startTestServer();
    await createBot(s, 'UploadBot', { groups: ['bot'] });
    id = (await s.server.services.users.byName('UploadBot'))!.id;
  });
  after(() => s?.close());

  it('describes users, refuses invalid names and reports missing ones (formatversion 2)', async () => {
    const r = await new TestClient(s.api).get({
      action: 'query',
      list: 'users',
      ususers: 'UploadBot|Nobody_x|Bad<name|127.0.0.1',
      usprop: 'groups|groupmemberships|implicitgroups|editcount|emailable|gender|centralids|cancreate|rights',
      formatversion: 2,
    });
    const [bad, ip, bot, missing] = r.json.query.users;
    assert.deepEqual(bad, { name: 'Bad<name', invalid: true });
    assert.deepEqual(ip, { name: '127.0.0.1', invalid: true });
    assert.equal(bot.userid, id);
    assert.deepEqual(bot.groups, ['bot', '*', 'user', 'autoconfirmed']);
    assert.deepEqual(bot.groupmemberships, [{ group: 'bot', expiry: 'infinity' }]);
    assert.deepEqual(bot.implicitgroups, ['*', 'user', 'autoconfirmed']);
    assert.ok(bot.rights.includes('upload') && bot.rights.includes('bot'));
    assert.equal(bot.emailable, false);
    assert.equal(bot.gender, 'unknown');
    assert.deepEqual(bot.centralids, { local: id });
    assert.deepEqual(bot.attachedlocal, { local: true });
    assert.deepEqual(missing, { name: 'Nobody x', missing: true, cancreate: true });
  });

  it('looks users up by id, with formatversion 1 flags', async () => {
    const r = await new TestClient(s.api).get({ action: 'query', list: 'users', ususerids: `${id}|999` });
    assert.deepEqual(r.json.query.users, [
      { userid: id, name: 'UploadBot' },
      { userid: 999, missing: '' },
    ]);
  });
});
