/**
 * Races around one stash entry, run through HTTP against one server (SQLite, main suite) and two
 * servers sharing PostgreSQL and S3 (test/scaleout). The server's test hooks hold an assembly or a
 * publish at a gate, so that the racing requests arrive while it runs, without sleeping.
 */
import assert from 'node:assert/strict';
import type { ApiAnswer, TestClient } from '../helpers/client.js';
import { png, pngOfSize, sha1 } from '../helpers/files.js';
import type { TestServer } from '../helpers/server.js';
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

async function sendChunk(
  c: TestClient,
  params: Record<string, string | number | undefined>,
  data: Uint8Array,
): Promise<ApiAnswer> {
  return c.post(
    { action: 'upload', stash: 1, token: await c.csrf(), ...params },
    { files: { chunk: { data, filename: 'chunk.bin' } } },
  );
}

const checkStatus = async (c: TestClient, filekey: string) =>
  c.post({ action: 'upload', filekey, checkstatus: 1, token: await c.csrf() });

/** Wait until the job queue has nothing queued or running. */
async function jobsSettled(s: TestServer): Promise<void> {
  for (;;) {
    const r = await s.server.services.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    if (Number(r.n) === 0) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}

async function assemblyJobs(s: TestServer, filekey: string): Promise<number> {
  const r = await s.server.services.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dedupe_key', '=', `assemble:${filekey}`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function stashKeysNamed(s: TestServer, filename: string): Promise<string[]> {
  const rows = await s.server.services.db
    .selectFrom('uploadstash')
    .select('key')
    .where('filename', '=', filename)
    .execute();
  return rows.map((r) => r.key);
}

async function pollUntilSettled(c: TestClient, filekey: string): Promise<ApiAnswer> {
  for (;;) {
    const r = await checkStatus(c, filekey);
    if (r.json.upload?.result !== 'Poll') return r;
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** checkstatus and repeated final chunks while the last chunk's synchronous assembly runs. */
export async function syncAssemblyRace(t: RaceSetup, filename: string): Promise<void> {
  const g = gate();
  t.gates.assemble = g;
  try {
    const data = pngOfSize(3000);
    const p = { filename, filesize: data.length, ignorewarnings: 1 };
    const first = await sendChunk(t.onA, { ...p, offset: 0 }, data.subarray(0, 1500));
    const key: string = first.json.upload.filekey;
    const final = sendChunk(t.onA, { ...p, offset: 1500, filekey: key }, data.subarray(1500));
    await g.arrived(1);

    const during = await checkStatus(t.onB, key);
    assert.deepEqual(during.json.upload, { result: 'Poll', stage: 'assembling' }, during.text);
    const repeated = await sendChunk(t.onB, { ...p, offset: 1500, filekey: key }, data.subarray(1500));
    assert.equal(repeated.json.error?.code, 'stashfailed', repeated.text);
    const asyncRepeat = await sendChunk(
      t.onB,
      { ...p, offset: 1500, filekey: key, async: 1 },
      data.subarray(1500),
    );
    assert.equal(asyncRepeat.json.error?.code, 'stashfailed', asyncRepeat.text);
    assert.deepEqual((await checkStatus(t.onA, key)).json.upload, { result: 'Poll', stage: 'assembling' });
    assert.equal(await assemblyJobs(t.a, key), 0, 'no assembly job was queued');

    g.open();
    const done = await final;
    assert.equal(done.json.upload?.result, 'Success', done.text);
    const newKey: string = done.json.upload.filekey;
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    await jobsSettled(t.a);
    assert.deepEqual(g.keys, [key], 'assembled once');
    assert.deepEqual(await stashKeysNamed(t.a, filename), [newKey], 'one upload, one file key');
    // Whoever asked during the assembly learns its outcome under the old key.
    const after = await checkStatus(t.onB, key);
    assert.equal(after.json.upload?.result, 'Success', after.text);
    assert.equal(after.json.upload.filekey, newKey);
    assert.equal(after.json.upload.imageinfo.sha1, sha1(data));
  } finally {
    g.open();
    t.gates.assemble = null;
  }
}

/** checkstatus and repeated final chunks while an async assembly job runs. */
export async function asyncAssemblyRace(t: RaceSetup, filename: string): Promise<void> {
  const g = gate();
  t.gates.assemble = g;
  try {
    const data = pngOfSize(3000);
    const p = { filename, filesize: data.length, ignorewarnings: 1, async: 1 };
    const first = await sendChunk(t.onA, { ...p, offset: 0 }, data.subarray(0, 1500));
    const key: string = first.json.upload.filekey;
    const final = await sendChunk(t.onA, { ...p, offset: 1500, filekey: key }, data.subarray(1500));
    assert.deepEqual(final.json.upload, { result: 'Poll', stage: 'queued', filekey: key });
    await g.arrived(1);
    const during = await checkStatus(t.onB, key);
    assert.deepEqual(during.json.upload, { result: 'Poll', stage: 'assembling' }, during.text);
    const repeated = await sendChunk(t.onB, { ...p, offset: 1500, filekey: key }, data.subarray(1500));
    assert.equal(repeated.json.error?.code, 'stashfailed', repeated.text);
    g.open();
    const done = await pollUntilSettled(t.onB, key);
    assert.equal(done.json.upload?.result, 'Success', done.text);
    await jobsSettled(t.a);
    assert.deepEqual(g.keys, [key], 'assembled once');
    assert.deepEqual(await stashKeysNamed(t.a, filename), [done.json.upload.filekey]);
  } finally {
    g.open();
    t.gates.assemble = null;
  }
}

/**
 * Two publishes of one file key at once (to two names, or twice to one name): one new version; the
 * other request gets MediaWiki's error for a key that is not in the stash (any more).
 */
export async function publishRace(t: RaceSetup, names: [string, string]): Promise<void> {
  const g = gate();
  t.gates.publish = g;
  try {
    const data = png(9, 7);
    const st = await t.onA.upload({ filename: names[0], stash: 1 }, data);
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
  } finally {
    g.open();
    t.gates.publish = null;
  }
}

/**
 * A synchronous assembly whose lease ran out (its holder stalled or died) is taken over by the next
 * checkstatus, as a job; the stalled holder then changes nothing and answers Poll.
 */
export async function takeOverAfterLease(t: RaceSetup, filename: string): Promise<void> {
  const g = gate();
  t.gates.assemble = g;
  try {
    const data = pngOfSize(3000);
    const p = { filename, filesize: data.length, ignorewarnings: 1 };
    const first = await sendChunk(t.onA, { ...p, offset: 0 }, data.subarray(0, 1500));
    const key: string = first.json.upload.filekey;
    const final = sendChunk(t.onA, { ...p, offset: 1500, filekey: key }, data.subarray(1500));
    await g.arrived(1);
    assert.deepEqual((await checkStatus(t.onB, key)).json.upload, { result: 'Poll', stage: 'assembling' });
    assert.equal(await assemblyJobs(t.a, key), 0, 'not while the lease is held');
    // The holder is gone as far as anyone can tell: its lease ran out.
    await t.a.server.services.db
      .updateTable('uploadstash')
      .set({ lease_until_ms: Date.now() - 1 })
      .where('key', '=', key)
      .execute();
    const taken = await checkStatus(t.onB, key);
    assert.deepEqual(taken.json.upload, { result: 'Poll', stage: 'queued' }, taken.text);
    assert.equal(await assemblyJobs(t.a, key), 1);
    await g.arrived(2);
    g.open();
    const stalled = await final;
    assert.deepEqual(
      stalled.json.upload,
      { result: 'Poll', stage: 'assembling', filekey: key },
      stalled.text,
    );
    const done = await pollUntilSettled(t.onB, key);
    assert.equal(done.json.upload?.result, 'Success', done.text);
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    await jobsSettled(t.a);
    assert.deepEqual(
      await stashKeysNamed(t.a, filename),
      [done.json.upload.filekey],
      'one upload, one file key',
    );
  } finally {
    g.open();
    t.gates.assemble = null;
  }
}
