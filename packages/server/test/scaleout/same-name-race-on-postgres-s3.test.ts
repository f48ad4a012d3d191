/**
 * Ten clients spread over three nodes (one PostgreSQL database, one S3 bucket) upload different
 * files to one new name at once, without ignorewarnings: exactly one publishes; every other one is
 * told the name exists (`exists` warning, its file kept in the stash) and replaces nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Config, DeepPartial } from '../../src/config.js';
import { TestClient } from '../helpers/client.js';
import { png } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });

describe('concurrent uploads of different files to one new name, on three nodes', {
  skip: skip ?? false,
}, () => {
  let db: TestDatabase;
  const prefix = `same-name-${randomUUID()}/`;
  const nodes: TestServer[] = [];
  const clients: TestClient[] = [];
  before(async () => {
    db = await createTestDatabase();
    const config: DeepPartial<Config> = {
      database: { driver: 'postgres', url: db.url },
      storage: { driver: 's3', ...s3Config(prefix) },
    };
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer(config));
    const b = await createBot(nodes[0]!, 'UploadBot', { groups: ['bot'] });
    const first = new TestClient(nodes[0]!.api);
    await first.login(b.lgname, b.password);
    for (let i = 0; i < 10; i++) {
      const c = new TestClient(nodes[i % 3]!.api);
      for (const [k, v] of first.cookies) c.cookies.set(k, v);
      clients.push(c);
    }
  });
  after(async () => {
    for (const n of nodes) await n.close();
    await db?.drop();
    await removeAll(prefix);
  });

  it('publish one and warn the others, overwriting nothing', async () => {
    for (const round of [1, 2, 3]) {
      const name = `Contested ${round}.png`;
      const answers = await Promise.all(
        clients.map((c, i) => c.upload({ filename: name }, png(2 + i, 3 + round))),
      );
      const results = answers.map((a) => a.json.upload?.result ?? a.json.error?.code);
      assert.equal(results.filter((r) => r === 'Success').length, 1, JSON.stringify(results));
      for (const a of answers.filter((x) => x.json.upload?.result !== 'Success')) {
        assert.equal(a.json.upload.result, 'Warning', a.text);
        assert.ok(a.json.upload.warnings.exists, a.text);
        assert.ok(a.json.upload.filekey);
      }
      const history = await clients[0]!.get({
        action: 'query',
        titles: `File:${name}`,
        prop: 'imageinfo',
        iiprop: 'sha1',
        iilimit: 50,
        formatversion: 2,
      });
      assert.equal(history.json.query.pages[0].imageinfo.length, 1);
    }
  });
});
