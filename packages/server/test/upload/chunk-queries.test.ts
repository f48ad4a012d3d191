/**
 * The statements a chunk of a chunked upload costs: the hottest path of the server. A middle chunk
 * takes the stash entry's lease and reads the entry in one statement, and records the chunk and gives
 * the lease up in another; nothing else touches the entry. Who the user is takes one more.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CompiledQuery } from 'kysely';
import { observeQueries } from '../../src/db/index.js';
import { TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { sendChunk } from './chunks.js';

/** A read of a name's current version (SQLite's `?` or PostgreSQL's `$n` parameters). */
const readsTheName =
  /left join "images" on "images"\."name" = (\?|\$\d+)|^select \* from "images" where "name" = (\?|\$\d+)/;

/** The statements of the stash table, in the order they ran. */
const ofStash = (qs: CompiledQuery[]) => qs.map((q) => q.sql).filter((s) => s.includes('"uploadstash"'));

describe('the statements of a chunk', () => {
  let s: TestServer;
  let c: TestClient;
  const recorded: CompiledQuery[] = [];
  let stop: () => void = () => {};
  before(async () => {
    // Observers see only the databases opened after they are registered: before the server starts.
    stop = observeQueries((q) => recorded.push(q));
    // A long lease: no renewal runs in the middle of a request, however slow the machine.
    s = await startTestServer({ uploads: { stashLeaseSeconds: 600 } });
    const b = await createBot(s);
    c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
    await c.csrf();
  });
  after(async () => {
    stop();
    await s?.close();
  });

  it('a middle chunk reads the stash entry once (taking its lease) and records the chunk and frees the lease in one update', async () => {
    const data = pngOfSize(6000);
    const p = { filename: 'Counted.png', filesize: data.length, ignorewarnings: 1 };
    const first = await sendChunk(c, { ...p, offset: 0 }, data.subarray(0, 2000));
    assert.equal(first.json.upload?.result, 'Continue', first.text);
    const filekey: string = first.json.upload.filekey;

    recorded.length = 0;
    const middle = await sendChunk(c, { ...p, offset: 2000, filekey }, data.subarray(2000, 4000));
    const stash = ofStash(recorded);
    assert.deepEqual(middle.json.upload, { result: 'Continue', offset: 4000, filekey }, middle.text);

    // A `returning "key"` alone only counts the rows changed; any other returning reads the entry.
    const reads = stash.filter((q) => /^select\b/i.test(q) || /\breturning\b(?! "key"$)/i.test(q));
    const all = stash.join('\n');
    assert.ok(reads.length <= 1, `the entry is read at most once:\n${all}`);
    assert.ok(stash.length <= 2, `two statements in all (the entry is updated at most twice):\n${all}`);
    assert.match(
      stash.at(-1) ?? '',
      /"size" = .*"lease_owner" = /,
      `the chunk and the lease go together:\n${all}`,
    );
    const row = await s.server.db
      .selectFrom('uploadstash')
      .select(['size', 'lease_owner'])
      .where('key', '=', filekey)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { size: Number(row.size), lease_owner: row.lease_owner },
      { size: 4000, lease_owner: null },
    );

    // The session and who the bot is (account, groups, its bot password's grants): one statement.
    const whoIs = recorded
      .map((q) => q.sql)
      .filter((q) => /"(sessions|users|user_groups|bot_passwords)"/.test(q));
    assert.equal(whoIs.length, 1, `the session and its user read in one statement:\n${whoIs.join('\n')}`);

    const last = await sendChunk(c, { ...p, offset: 4000, filekey }, data.subarray(4000));
    assert.equal(last.json.upload?.result, 'Success', last.text);
    assert.equal(last.json.upload.imageinfo.sha1, sha1(data));
  });

  it('the last chunk of an upload to publish, checked for warnings, reads the name for its checks once (and once more to publish)', async () => {
    const data = pngOfSize(6000);
    // Without `stash`: the chunks are checked for overwriting, as the file will be published.
    const p = { filename: 'Warned about.png', filesize: data.length, stash: undefined };
    const first = await sendChunk(c, { ...p, offset: 0 }, data.subarray(0, 3000));
    assert.equal(first.json.upload?.result, 'Continue', first.text);
    const filekey: string = first.json.upload.filekey;

    recorded.length = 0;
    const last = await sendChunk(c, { ...p, offset: 3000, filekey }, data.subarray(3000));
    assert.equal(last.json.upload?.result, 'Success', last.text);
    // The name's current version and page, read before the publishing transaction: once by the
    // chunk's overwrite check (its warnings use that read) and once by the publish's own checks.
    const all = recorded.map((q) => q.sql);
    const begin = all.findIndex((q) => /^begin/i.test(q.trim()));
    const nameReads = all.slice(0, begin < 0 ? undefined : begin).filter((q) => readsTheName.test(q));
    assert.equal(nameReads.length, 2, `the name read twice before publishing:\n${nameReads.join('\n')}`);
  });
});
