/**
 * Re-uploads within one second: every version gets its own second, in order, and none is dated in
 * the future (as MediaWiki, the upload waits for the clock instead of dating the version ahead).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';

describe('timestamps of versions uploaded in quick succession', () => {
  let s: TestServer;
  let bot: TestClient;
  before(async () => {
    s = await startTestServer();
    const b = await createBot(s, 'UploadBot', { groups: ['bot'] });
    bot = new TestClient(s.api);
    await bot.login(b.lgname, b.password);
  });
  after(() => s.close());

  it('are distinct, ordered and never ahead of the clock', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await bot.upload({ filename: 'Quick.png', ignorewarnings: 1 }, png(3 + i, 3));
      assert.equal(r.json.upload.result, 'Success', r.text);
      const stamped = Date.parse(r.json.upload.imageinfo.timestamp);
      assert.ok(
        stamped <= Date.now(),
        `version ${i + 1} is dated ${r.json.upload.imageinfo.timestamp}, in the future`,
      );
    }
    const info = await bot.get({
      action: 'query',
      titles: 'File:Quick.png',
      prop: 'imageinfo',
      iiprop: 'timestamp',
      iilimit: 10,
      formatversion: 2,
    });
    const times = (info.json.query.pages[0].imageinfo as { timestamp: string }[]).map((v) => v.timestamp);
    assert.equal(times.length, 4);
    assert.deepEqual([...times].sort().reverse(), times);
    assert.equal(new Set(times).size, 4);
  });
});
