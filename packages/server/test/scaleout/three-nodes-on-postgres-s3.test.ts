/**
 * Three server processes started at once on one PostgreSQL database and one S3 prefix. One login
 * holds on every node (sessions live in the database); the chunks of an upload go to the nodes in
 * turn; an async assembly runs on whichever node takes its job and is followed from another. A node
 * killed (SIGKILL) in the middle of an assembly job, or of a chunk, is taken over by the others
 * within 10 s with the default leases of 8 s, and what it left in the bucket is only what the
 * maintenance sweep removes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { S3BlobStore } from '../../src/storage/s3.js';
import { type ApiAnswer, type Params, TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { startPartialUpload, waitUntilReceiving } from '../helpers/partial-upload.js';
import type { ServerProcess } from '../helpers/server.js';
import { waitFor, waitForValue } from '../helpers/wait.js';
import { checkStatus, pollUntilSettled, sendChunk } from '../upload/chunks.js';
import { type Cluster, nodeOfOwner, startCluster } from './cluster.js';
import { leftOver, missingServers, s3Config } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });
const KIB = 1024;
const MIB = 1024 * KIB;
/** Longest time from a node's death to the takeover of its work (leases of 8 s). */
const TAKEOVER_MS = 10_000;

describe('three nodes on one database and one bucket', { skip: skip ?? false }, () => {
  let cluster: Cluster;
  /** A client of each node, all in the session of one login on the first. */
  let clients: TestClient[];
  before(async () => {
    cluster = await startCluster(3, { name: 'three-nodes' });
    const first = await cluster.client(cluster.nodes[0]!);
    clients = [first];
    for (const n of cluster.nodes.slice(1)) clients.push(await cluster.client(n, first));
  });
  after(() => cluster?.dispose());

  /** Send `data` in chunks of `size`, chunk i through `via(i)`; the last one with `last` added. */
  async function inChunks(
    via: (i: number) => TestClient,
    filename: string,
    data: Buffer,
    size: number,
    last: Params = {},
  ): Promise<ApiAnswer[]> {
    const answers: ApiAnswer[] = [];
    let filekey: string | undefined;
    for (let offset = 0, i = 0; offset < data.length; offset += size, i++) {
      const end = Math.min(offset + size, data.length);
      const fields = { filename, filesize: data.length, offset, filekey, ignorewarnings: 1 };
      const r = await sendChunk(
        via(i),
        end < data.length ? fields : { ...fields, ...last },
        data.subarray(offset, end),
      );
      if (end < data.length) assert.equal(r.json.upload?.result, 'Continue', r.text);
      filekey ??= r.json.upload?.filekey;
      answers.push(r);
    }
    return answers;
  }

  /** Publish a stashed file through `c` and check that the file published is `data`. */
  async function publish(c: TestClient, filekey: string, filename: string, data: Buffer): Promise<void> {
    const done = await c.post({
      action: 'upload',
      filekey,
      filename,
      ignorewarnings: 1,
      token: await c.csrf(),
    });
    assert.equal(done.json.upload?.result, 'Success', done.text);
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    const bytes = Buffer.from(await (await fetch(done.json.upload.imageinfo.url)).arrayBuffer());
    assert.equal(sha1(bytes), sha1(data), 'the bytes served are the file');
  }

  /** A client of a node other than `dead`. */
  const other = (dead: ServerProcess) => clients[cluster.nodes.findIndex((n) => n !== dead)]!;

  /**
   * After a node died: no parts of appendable blobs remain, and the multipart uploads left under
   * the prefix are only `expected` ones (the dead node's: it could not abort them). Maintenance
   * aborts such uploads once nothing was written to them for an hour (it cannot tell a dead writer
   * from a slow one); the test runs that sweep with the time since the death instead.
   */
  async function sweepLeftOvers(killedAt: number, expected: (key: string) => boolean): Promise<void> {
    const left = await leftOver(cluster.prefix);
    assert.deepEqual(left.parts, [], 'no parts of appendable blobs remain');
    assert.deepEqual(
      left.uploads.filter((k) => !expected(k)),
      [],
      'no multipart upload but the dead node’s',
    );
    const store = new S3BlobStore(s3Config(cluster.prefix));
    try {
      // A second of margin: the store keeps whole seconds, and a part in flight landed after the kill.
      const aborted = await store.sweepTemp(Date.now() - killedAt - 1000);
      assert.equal(aborted, left.uploads.length);
    } finally {
      store.destroy();
    }
    assert.deepEqual(await leftOver(cluster.prefix), { uploads: [], parts: [] });
  }

  it('all three serve, and a session started on one is valid on the others', async () => {
    for (const n of cluster.nodes) assert.equal((await fetch(`${n.origin}/readyz`)).status, 200);
    for (const c of clients) {
      const r = await c.get({ action: 'query', meta: 'userinfo', formatversion: 2 });
      assert.equal(r.json.query.userinfo.name, 'Admin', `${c.api}: ${r.text}`);
    }
    const anonymous = await new TestClient(cluster.nodes[2]!.api).get({ action: 'query', meta: 'userinfo' });
    assert.equal(anonymous.json.query.userinfo.id, 0, 'without the cookie, nobody');
    // A token handed out by one node is the session's: another node accepts it.
    const token = await clients[0]!.csrf();
    const check = await clients[2]!.post({ action: 'checktoken', type: 'csrf', token });
    assert.equal(check.json.checktoken?.result, 'valid', check.text);
  });

  it('takes the chunks of one upload in turn on the three nodes', async () => {
    // Eight chunks: the last one goes to node 1, the one before it to node 0.
    const data = pngOfSize(8 * 64 * KIB - 1000);
    const answers = await inChunks((i) => clients[i % 3]!, 'Round robin.png', data, 64 * KIB);
    const last = answers.at(-1)!;
    assert.equal(last.json.upload?.result, 'Success', last.text);
    assert.equal(last.json.upload.imageinfo.sha1, sha1(data));
    await publish(clients[2]!, last.json.upload.filekey, 'Round robin.png', data);
  });

  it('runs an async assembly and publishing on some node, followed from another', async () => {
    // Six chunks: the last one, async, goes to node 2; checkstatus asks node 0, then node 1.
    const data = pngOfSize(6 * 64 * KIB - 1000);
    const answers = await inChunks((i) => clients[i % 3]!, 'Async.png', data, 64 * KIB, { async: 1 });
    const key = answers[0]!.json.upload.filekey;
    assert.deepEqual(answers.at(-1)!.json.upload, { result: 'Poll', stage: 'queued', filekey: key });
    const assembled = await pollUntilSettled(clients[0]!, key);
    assert.equal(assembled.json.upload?.result, 'Success', assembled.text);
    assert.equal(assembled.json.upload.stage, 'assembling');
    assert.equal(assembled.json.upload.imageinfo.sha1, sha1(data));
    const newKey = assembled.json.upload.filekey;
    const c = clients[1]!;
    const queued = await c.post({
      action: 'upload',
      filename: 'Async.png',
      filekey: newKey,
      async: 1,
      token: await c.csrf(),
    });
    assert.deepEqual(queued.json.upload, { result: 'Poll', stage: 'queued', filename: 'Async.png' });
    const published = await pollUntilSettled(clients[2]!, newKey);
    assert.equal(published.json.upload?.result, 'Success', published.text);
    assert.equal(published.json.upload.stage, 'publish');
    const info = await clients[0]!.get({
      action: 'query',
      titles: 'File:Async.png',
      prop: 'imageinfo',
      iiprop: 'sha1',
      formatversion: 2,
    });
    assert.equal(info.json.query.pages[0].imageinfo[0].sha1, sha1(data));
  });

  it('a node killed while it runs an assembly job: another takes the job over within 10 s', async (t) => {
    const { db } = await cluster.database();
    // Two chunks of 6 MiB: sealing copies them on the S3 server into one object. The job takes a few
    // tenths of a second, long enough to be caught running, short enough to be done again in time.
    const data = pngOfSize(12 * MIB);
    const answers = await inChunks((i) => clients[i % 3]!, 'Job takeover.png', data, 6 * MIB, { async: 1 });
    const key = answers[0]!.json.upload.filekey as string;
    assert.equal(answers.at(-1)!.json.upload?.result, 'Poll', answers.at(-1)!.text);
    // Running: some node claimed the job (its row names the process), holds the entry's lease and
    // reports the stage (what checkstatus answers: Poll, assembling).
    const job = await waitForValue(async () => {
      const j = await db
        .selectFrom('jobs')
        .select(['id', 'locked_by'])
        .where('dedupe_key', '=', `assemble:${key}`)
        .where('status', '=', 'running')
        .executeTakeFirst();
      const e = await db
        .selectFrom('uploadstash')
        .select('lease_owner')
        .where('key', '=', key)
        .executeTakeFirst();
      const st = await db
        .selectFrom('upload_status')
        .select('data')
        .where('key', '=', key)
        .executeTakeFirst();
      const stage = st && (JSON.parse(st.data) as { stage?: string }).stage;
      return j?.locked_by && e?.lease_owner && stage === 'assembling'
        ? { id: j.id, owner: j.locked_by }
        : undefined;
    }, 'the assembly job runs');
    const victim = nodeOfOwner(cluster.nodes, job.owner);
    assert.ok(victim, `no node runs as ${job.owner}`);
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    t.after(() => victim.restart());
    const row = await db
      .selectFrom('jobs')
      .select(['status', 'locked_by'])
      .where('id', '=', job.id)
      .executeTakeFirst();
    assert.deepEqual(
      row,
      { status: 'running', locked_by: job.owner },
      'the job ran when its node was killed',
    );
    const entry = await db
      .selectFrom('uploadstash')
      .select(['state', 'blob_key'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    assert.equal(entry.state, 'assembling');

    // Another node answers Poll while the dead node's leases run, then the job is done again.
    const survivor = other(victim);
    const polled: string[] = [];
    const settled = await waitForValue(
      async () => {
        const r = await checkStatus(survivor, key);
        if (r.json.upload?.result !== 'Poll') return r;
        polled.push(r.json.upload.stage);
        return undefined;
      },
      'the job is taken over',
      3 * TAKEOVER_MS,
    );
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`assembly job taken over and done ${takeoverMs} ms after its node was killed`);
    assert.equal(polled[0], 'assembling', 'Poll while the dead node’s leases run');
    assert.equal(settled.json.upload?.result, 'Success', settled.text);
    assert.equal(settled.json.upload.stage, 'assembling');
    assert.equal(settled.json.upload.imageinfo.sha1, sha1(data));
    assert.ok(takeoverMs <= TAKEOVER_MS, `taken over after ${takeoverMs} ms`);
    await publish(survivor, settled.json.upload.filekey, 'Job takeover.png', data);
    // The dead node may have begun composing the blob's object: that multipart upload is left.
    await sweepLeftOvers(killedAt, (k) => k === `${cluster.prefix}${entry.blob_key}`);
  });

  it('a node killed while it receives a chunk: sent again to another, taken over within 10 s', async (t) => {
    // Chunks larger than the S3 part size (8 MiB): the dying node has a multipart upload open.
    const chunk = 9 * MIB;
    const data = pngOfSize(2 * chunk + MIB);
    const a = cluster.nodes[0]!;
    const onA = clients[0]!;
    const fields = { filename: 'Chunk takeover.png', filesize: data.length, ignorewarnings: 1 };
    const first = await sendChunk(clients[2]!, { ...fields, offset: 0 }, data.subarray(0, chunk));
    const key = first.json.upload.filekey as string;
    const { db } = await cluster.database();
    const { blob_key } = await db
      .selectFrom('uploadstash')
      .select('blob_key')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    const partKey = `${cluster.prefix}${blob_key}~parts/${String(chunk).padStart(16, '0')}`;

    // The second chunk to node A: its fields and most of its bytes, then A dies.
    const req = startPartialUpload({
      api: a.api,
      cookies: onA.cookies,
      fields: {
        ...fields,
        action: 'upload',
        stash: 1,
        format: 'json',
        offset: chunk,
        filekey: key,
        token: await onA.csrf(),
      },
      fileField: 'chunk',
      bytes: data.subarray(chunk, chunk + chunk - MIB / 2),
    });
    await waitUntilReceiving(a.database, key);
    await waitFor(
      async () => (await leftOver(cluster.prefix)).uploads.includes(partKey),
      'A stores the chunk',
    );
    await a.kill('SIGKILL');
    req.destroy();
    const killedAt = Date.now();

    // Sent again to node B: B waits for the dead node's lease, then appends.
    const again = await sendChunk(
      clients[1]!,
      { ...fields, offset: chunk, filekey: key },
      data.subarray(chunk, 2 * chunk),
    );
    const takeoverMs = Date.now() - killedAt;
    t.diagnostic(`chunk taken over ${takeoverMs} ms after the node receiving it was killed`);
    assert.equal(again.json.upload?.result, 'Continue', again.text);
    assert.ok(takeoverMs <= TAKEOVER_MS, `taken over after ${takeoverMs} ms`);
    const last = await sendChunk(
      clients[2]!,
      { ...fields, offset: 2 * chunk, filekey: key },
      data.subarray(2 * chunk),
    );
    assert.equal(last.json.upload?.result, 'Success', last.text);
    assert.equal(last.json.upload.imageinfo.sha1, sha1(data));
    await publish(clients[1]!, last.json.upload.filekey, 'Chunk takeover.png', data);
    await sweepLeftOvers(killedAt, (k) => k === partKey);
  });
});
