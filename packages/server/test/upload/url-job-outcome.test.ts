import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { TestClient } from '../helpers/client.js';
import { pngOfSize } from '../helpers/files.js';
import { embeddedOnly, startWithBot, type TestServer } from '../helpers/server.js';
import { waitForValue } from '../helpers/wait.js';
import { HoldingFileServer } from './kill-workload.js';

describe('an async upload by URL', { skip: embeddedOnly('a SQLite trigger watches the publication') }, () => {
  let s: TestServer;
  let bot: TestClient;
  const files = new HoldingFileServer();
  before(async () => {
    await files.start();
    ({ s, bot } = await startWithBot({ groupPermissions: { user: { upload_by_url: true } } }));
  });
  after(async () => {
    await s?.close();
    await files.close();
  });

  it('records its Success in the transaction that publishes the file (a crash between them cannot lose it)', async () => {
    // What a process killed right after the file row was written would leave as the job's outcome.
    await sql`create table seen_at_publish (data text)`.execute(s.server.db);
    await sql`create trigger seen_at_publish after insert on images begin
      insert into seen_at_publish select data from upload_status where key like 'url:%'; end`.execute(
      s.server.db,
    );
    const url = files.serve('/whole.png', pngOfSize(20_000), { hold: false });
    const r = await bot.post({
      action: 'upload',
      url,
      filename: 'By URL.png',
      async: 1,
      ignorewarnings: 1,
      token: await bot.csrf(),
    });
    assert.equal(r.json?.upload?.result, 'Poll', r.text);
    const done = await waitForValue(async () => {
      const st = await bot.post({
        action: 'upload',
        checkstatus: 1,
        url,
        filename: 'By URL.png',
        token: await bot.csrf(),
      });
      return st.json?.upload?.result === 'Poll' ? undefined : st;
    }, 'the job is done');
    assert.equal(done.json.upload.result, 'Success', done.text);
    const seen = await sql<{ data: string }>`select data from seen_at_publish`.execute(s.server.db);
    assert.deepEqual(
      seen.rows.map((row) => JSON.parse(row.data)),
      [{ result: 'Success', stage: 'publish', warnings: {}, filename: 'By_URL.png' }],
    );
  });
});
