/** action=checktoken answers as MediaWiki 1.39: valid, invalid or expired, with when the token was made. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { startWithBot, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

describe('action=checktoken', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    ({ s, bot } = await startWithBot());
  });
  after(() => s?.close());

  const check = (c: TestClient, q: Record<string, string | number>) =>
    c.get({ action: 'checktoken', ...q, formatversion: 2 }).then((r) => r.json);

  it('says a fresh token of the session is valid, with when it was made', async () => {
    const token = await bot.csrf();
    const r = await check(bot, { type: 'csrf', token });
    assert.equal(r.checktoken.result, 'valid');
    assert.match(r.checktoken.generated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Math.abs(Date.parse(r.checktoken.generated) - Date.now()) < 5000);
  });

  it('says a token of another type or another session is invalid, without a time', async () => {
    const token = await bot.csrf();
    assert.deepEqual((await check(bot, { type: 'watch', token })).checktoken, { result: 'invalid' });
    assert.deepEqual((await check(new TestClient(s.api), { type: 'csrf', token })).checktoken, {
      result: 'invalid',
    });
  });

  it('says a token older than maxtokenage is expired', async () => {
    const token = await bot.csrf();
    const made = Date.now();
    await waitFor(() => Date.now() - made > 1100, 'the token is over a second old');
    const r = await check(bot, { type: 'csrf', token, maxtokenage: 0 });
    assert.equal(r.checktoken.result, 'expired');
    assert.ok(r.checktoken.generated);
  });

  it("accepts an anonymous user's +\\ token and refuses a missing or unknown type", async () => {
    const anon = new TestClient(s.api);
    assert.deepEqual((await check(anon, { type: 'csrf', token: '+\\' })).checktoken, { result: 'valid' });
    assert.equal((await check(anon, { token: '+\\' })).error.code, 'missingparam');
    assert.equal((await check(anon, { type: 'nosuch', token: 'x' })).error.code, 'badvalue');
  });
});
