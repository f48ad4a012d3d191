/** A new wiki has what MediaWiki's installer leaves: the administrator and the Main Page. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('a new wiki', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('has the installer\'s Main Page, by "MediaWiki default", as on MediaWiki 1.39', async () => {
    const c = new TestClient(s.api);
    const page = await c.get({
      action: 'query',
      titles: 'Main Page',
      prop: 'revisions',
      rvprop: 'user|userid|size|sha1|comment',
      formatversion: 2,
    });
    // The reference wiki's Main Page after installation: the same size and SHA-1.
    assert.deepEqual(page.json.query.pages[0].revisions[0], {
      user: 'MediaWiki default',
      userid: 2,
      size: 755,
      sha1: '11cef88175cf81168a86e7c0327a5b2d7a1920f5',
      comment: '',
    });
    const log = await c.get({ action: 'query', list: 'logevents', letitle: 'Main Page', formatversion: 2 });
    assert.deepEqual(
      log.json.query.logevents.map((e: { type: string; user: string }) => [e.type, e.user]),
      [['create', 'MediaWiki default']],
    );
    const users = await c.get({
      action: 'query',
      list: 'users',
      ususers: 'Admin|MediaWiki default',
      formatversion: 2,
    });
    assert.deepEqual(
      users.json.query.users.map((u: { userid: number }) => u.userid),
      [1, 2],
    );
  });
});
