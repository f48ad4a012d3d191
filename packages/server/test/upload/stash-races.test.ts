import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import {
  asyncAssemblyRace,
  Gates,
  publishRace,
  type RaceSetup,
  syncAssemblyRace,
  takeOverAfterLease,
} from './stash-races.js';

describe('one stash entry, racing requests (SQLite)', () => {
  let s: TestServer;
  let t: RaceSetup;
  before(async () => {
    const gates = new Gates();
    s = await startTestServer({}, { hooks: gates.hooks });
    const b = await createBot(s);
    const onA = new TestClient(s.api);
    await onA.login(b.lgname, b.password);
    // A second connection with the same session.
    const onB = new TestClient(s.api);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    t = { a: s, onA, onB, gates };
  });
  after(() => s.close());

  it('checkstatus and repeated final chunks during a synchronous assembly start no second one; one upload, one file key', () =>
    syncAssemblyRace(t, 'Race sync.png'));

  it('checkstatus and repeated final chunks during an async assembly start no second one', () =>
    asyncAssemblyRace(t, 'Race async.png'));

  it('an assembly whose lease ran out is taken over by checkstatus; the stalled holder changes nothing', () =>
    takeOverAfterLease(t, 'Race takeover.png'));

  it('two concurrent publishes of one file key to two names: one version, the other gets uploadstash-file-not-found', () =>
    publishRace(t, ['Race pub A.png', 'Race pub B.png']));

  it('two concurrent publishes of one file key to one name: one version, the other gets uploadstash-file-not-found', () =>
    publishRace(t, ['Race pub same.png', 'Race pub same.png']));
});
