/**
 * Races around one stash entry, run through HTTP against one server (SQLite, main suite) and two
 * servers sharing PostgreSQL and S3 (test/scaleout). The server's test hooks hold an assembly or a
 * publish at a gate, so that the racing requests arrive while it runs, without sleeping.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ApiAnswer, TestClient } from '../helpers/client.js';
import { png, pngOfSize, sha1 } from '../helpers/files.js';
import type { TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { checkStatus, pollUntilSettled, sendChunk } from './chunks.js';
import { type Gate, gate } from './gate.js';

/** What the hooks of the servers under test do: pass the gate of the current test, if any. */
export class Gates {
  assemble: Gate | null = null;
  publish: Gate | null = null;
  readonly hooks = {
    beforeAssemble: (key: string) => this.assemble?.pass(key) ?? Promise.resolve(),
    beforePublish: (key: string) => this.publish?.pass(key) ?? Promise.resolve(),
  };
}

export interface RaceSetup {
  /** The server that receives the chunks (and runs the synchronous assembly). */
  a: TestServer;
  /** The same user's session on A and on B (B may be A). */
  onA: TestClient;
  onB: TestClient;
  gates: Gates;
}

/** Run `fn` with a fresh gate for `step`; the gate is opened and removed whatever happens. */
async function withGate(t: RaceSetup, step: 'assemble' | 'publish', fn: (g: Gate) => Promise<void>) {
  const g = gate();
  t.gates[step] = g;
  try {
    await fn(g);
  } finally {
    g.open();
    t.gates[step] = null;
  }
}

/** Wait until the job queue has nothing queued or running. */
async function jobsSettled(s: TestServer): Promise<void> {
  await waitFor(
    async () => {
      const r = await s.server.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow();
      return Number(r.n) === 0;
    },
    'no job is queued or running',
    60_000,
  );
}

async function assemblyJobs(s: TestServer, filekey: string): Promise<number> {
  const r = await s.server.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dedupe_key', '=', `assemble:${filekey}`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function stashKeysNamed(s: TestServer, filename: string): Promise<string[]> {
  const rows = await s.server.db
    .selectFrom('uploadstash')
    .select('key')
    .where('filename', '=', filename)
    .execute();
  return rows.map((r) => r.key);
}

/** A chunked upload of a 3000-byte PNG with its first chunk stored; `last` sends the final chunk. */
async function chunkedUpTo(t: RaceSetup, filename: string, extra: Record<string, number> = {}) {
  const data = pngOfSize(3000);
  const p = { filename, filesize: data.length, ignorewarnings: 1, ...extra };
  const first = await sendChunk(t.onA, { ...p, offset: 0 }, data.subarray(0, 1500));
  const key: string = first.json.upload.filekey;
  const last = (c: TestClient) => sendChunk(c, { ...p, offset: 1500, filekey: key }, data.subarray(1500));
  return { data, key, last };
}

const POLL_ASSEMBLING = { result: 'Poll', stage: 'assembling' };

/** A successful assembly: the file's SHA-1, and the one stash key its upload ends with. */
async function assembledOnce(
  t: RaceSetup,
  answer: ApiAnswer,
  data: Buffer,
  filename: string,
): Promise<string> {
  assert.equal(answer.json.upload?.result, 'Success', answer.text);
  assert.equal(answer.json.upload.imageinfo.sha1, sha1(data));
  await jobsSettled(t.a);
  const newKey: string = answer.json.upload.filekey;
  assert.deepEqual(await stashKeysNamed(t.a, filename), [newKey], 'one upload, one file key');
  return newKey;
}

/** checkstatus and repeated final chunks while the last chunk's synchronous assembly runs. */
export const syncAssemblyRace = (t: RaceSetup, filename: string) =>
  withGate(t, 'assemble', async (g) => {
    const u = await chunkedUpTo(t, filename);
    const final = u.last(t.onA);
    await g.arrived(1);

    const during = await checkStatus(t.onB, u.key);
    assert.deepEqual(during.json.upload, POLL_ASSEMBLING, during.text);
    const repeated = await u.last(t.onB);
    assert.equal(repeated.json.error?.code, 'stashfailed', repeated.text);
    const asyncRepeat = await sendChunk(
      t.onB,
      { filename, filesize: u.data.length, offset: 1500, filekey: u.key, async: 1 },
      u.data.subarray(1500),
    );
    assert.equal(asyncRepeat.json.error?.code, 'stashfailed', asyncRepeat.text);
    assert.deepEqual((await checkStatus(t.onA, u.key)).json.upload, POLL_ASSEMBLING);
    assert.equal(await assemblyJobs(t.a, u.key), 0, 'no assembly job was queued');

    g.open();
    const newKey = await assembledOnce(t, await final, u.data, filename);
    assert.deepEqual(g.keys, [u.key], 'assembled once');
    // Whoever asked during the assembly learns its outcome under the old key.
    const after = await checkStatus(t.onB, u.key);
    assert.equal(after.json.upload?.result, 'Success', after.text);
    assert.equal(after.json.upload.filekey, newKey);
    assert.equal(after.json.upload.imageinfo.sha1, sha1(u.data));
  });

/** checkstatus and repeated final chunks while an async assembly job runs. */
export const asyncAssemblyRace = (t: RaceSetup, filename: string) =>
  withGate(t, 'assemble', async (g) => {
    const u = await chunkedUpTo(t, filename, { async: 1 });
    const final = await u.last(t.onA);
    assert.deepEqual(final.json.upload, { result: 'Poll', stage: 'queued', filekey: u.key });
    await g.arrived(1);
    const during = await checkStatus(t.onB, u.key);
    assert.deepEqual(during.json.upload, POLL_ASSEMBLING, during.text);
    const repeated = await u.last(t.onB);
    assert.equal(repeated.json.error?.code, 'stashfailed', repeated.text);
    g.open();
    await assembledOnce(t, await pollUntilSettled(t.onB, u.key), u.data, filename);
    assert.deepEqual(g.keys, [u.key], 'assembled once');
  });

/**
 * A synchronous assembly whose lease ran out (its holder stalled or died) is taken over by the next
 * checkstatus, as a job; the stalled holder then changes nothing and answers Poll.
 */
export const takeOverAfterLease = (t: RaceSetup, filename: string) =>
  withGate(t, 'assemble', async (g) => {
    const u = await chunkedUpTo(t, filename);
    const final = u.last(t.onA);
    await g.arrived(1);
    assert.deepEqual((await checkStatus(t.onB, u.key)).json.upload, POLL_ASSEMBLING);
    assert.equal(await assemblyJobs(t.a, u.key), 0, 'not while the lease is held');
    // The holder is gone as far as anyone can tell: its lease ran out.
    await t.a.server.db
      .updateTable('uploadstash')
      .set({ lease_until_ms: Date.now() - 1 })
      .where('key', '=', u.key)
      .execute();
    const taken = await checkStatus(t.onB, u.key);
    assert.deepEqual(taken.json.upload, { result: 'Poll', stage: 'queued' }, taken.text);
    assert.equal(await assemblyJobs(t.a, u.key), 1);
    await g.arrived(2);
    g.open();
    const stalled = await final;
    assert.deepEqual(stalled.json.upload, { ...POLL_ASSEMBLING, filekey: u.key }, stalled.text);
    await assembledOnce(t, await pollUntilSettled(t.onB, u.key), u.data, filename);
  });

/**
 * Two publishes of one file key at once (to two names, or twice to one name): one new version; the
 * other request gets MediaWiki's error for a key that is not in the stash (any more).
 */
export const publishRace = (t: RaceSetup, names: [string, string]) =>
  withGate(t, 'publish', async (g) => {
    const st = await t.onA.upload({ filename: names[0], stash: 1 }, png(9, 7));
    assert.equal(st.json.upload?.result, 'Success', st.text);
    const filekey: string = st.json.upload.filekey;
    const publish = async (c: TestClient, filename: string) =>
      c.post({ action: 'upload', filename, filekey, ignorewarnings: 1, token: await c.csrf() });
    const racing = [publish(t.onA, names[0]), publish(t.onB, names[1])];
    await g.arrived(2);
    g.open();
    const answers = await Promise.all(racing);
    const outcomes = answers.map((r) => r.json.upload?.result ?? r.json.error?.code).sort();
    assert.deepEqual(
      outcomes,
      ['Success', 'uploadstash-file-not-found'],
      answers.map((r) => r.text).join('\n'),
    );
    const loser = answers.find((r) => r.json.error)!;
    assert.equal(loser.json.error.info, `Key "${filekey}" not found in stash.`);
    const files = t.a.server.services.files;
    let versions = 0;
    for (const n of new Set(names)) {
      const dbKey = n.replace(/ /g, '_');
      if (await files.current(dbKey)) versions += 1 + (await files.history(dbKey)).length;
    }
    assert.equal(versions, 1, 'exactly one new version');
    assert.equal(await t.a.server.services.uploads.stash.peek(filekey), null, 'the key is used up');
  });

/** The race tests, for a setup made by the suite's `before`. */
export function raceTests(setup: () => RaceSetup): void {
  it('checkstatus and repeated final chunks during a synchronous assembly start no second one; one upload, one file key', () =>
    syncAssemblyRace(setup(), 'Race sync.png'));
  it('checkstatus and repeated final chunks during an async assembly start no second one', () =>
    asyncAssemblyRace(setup(), 'Race async.png'));
  it('an assembly whose lease ran out is taken over by checkstatus; the stalled holder changes nothing', () =>
    takeOverAfterLease(setup(), 'Race takeover.png'));
  it('two concurrent publishes of one file key to two names: one version, the other gets uploadstash-file-not-found', () =>
    publishRace(setup(), ['Race pub A.png', 'Race pub B.png']));
  it('two concurrent publishes of one file key to one name: one version, the other gets uploadstash-file-not-found', () =>
    publishRace(setup(), ['Race pub same.png', 'Race pub same.png']));
}
