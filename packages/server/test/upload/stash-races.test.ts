import { after, before, describe } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, TEST_BACKEND, type TestServer } from '../helpers/server.js';
import { Gates, type RaceSetup, raceTests } from './stash-races.js';

describe(`one stash entry, racing requests (${TEST_BACKEND} engines)`, () => {
  let s: TestServer;
  let t: RaceSetup;
  before(async () => {
    const gates = new Gates();
    s = await startTestServer({}, { uploadHooks: gates.hooks });
    const b = await createBot(s);
    const onA = new TestClient(s.api);
    await onA.login(b.lgname, b.password);
    // A second connection with the same session.
    const onB = new TestClient(s.api);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    t = { a: s, onA, onB, gates };
  });
  after(() => s.close());

  raceTests(() => t);
});
