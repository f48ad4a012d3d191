import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import type { Config, DeepPartial } from '../../src/config.js';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { Gates, type RaceSetup, raceTests } from '../upload/stash-races.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });

describe('one stash entry, racing requests on two instances (PostgreSQL and S3)', {
  skip: skip ?? false,
}, () => {
  let db: TestDatabase;
  const prefix = `races-${randomUUID()}/`;
  let a: TestServer;
  let b: TestServer;
  let t: RaceSetup;

  before(async () => {
    db = await createTestDatabase();
    const overrides = (): DeepPartial<Config> => ({
      database: { driver: 'postgres', url: db.url },
      storage: { driver: 's3', ...s3Config(prefix) },
    });
    // Both instances pass the same gates: an assembly or publish on either is held there.
    const gates = new Gates();
    a = await startTestServer(overrides(), { uploadHooks: gates.hooks });
    b = await startTestServer(overrides(), { uploadHooks: gates.hooks });
    const creds = await createBot(a);
    const onA = new TestClient(a.api);
    await onA.login(creds.lgname, creds.password);
    const onB = new TestClient(b.api);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    assert.equal(a.server.services.dialect, 'postgres');
    t = { a, onA, onB, gates };
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await removeAll(prefix);
    await db?.drop();
  });

  // The racing requests go to the other instance.
  raceTests(() => t);
});
