import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Config, DeepPartial } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { type ApiAnswer, TestClient } from '../helpers/client.js';
import { png, pngOfSize, sha1 } from '../helpers/files.js';
import {
  createBot,
  createBotPassword,
  startTestServer,
  type TestServer,
  UPLOAD_GRANTS,
} from '../helpers/server.js';
import { waitForValue } from '../helpers/wait.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';
import { operationOf, S3Proxy } from './s3-proxy.js';

const MIB = 1024 * 1024;
const skip = missingServers({ s3: true, pg: true });

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

/** Send `data` in chunks of `size`, each to the client `via(i)` picks; returns the answers. */
async function uploadInChunks(
  via: (i: number) => TestClient,
  name: string,
  data: Buffer,
  size: number,
  extra: Record<string, string | number> = {},
): Promise<ApiAnswer[]> {
  const answers: ApiAnswer[] = [];
  let filekey: string | undefined;
  for (let off = 0, i = 0; off < data.length; off += size, i++) {
    const r = await sendChunk(
      via(i),
      { filename: name, filesize: data.length, offset: off, filekey, ignorewarnings: 1, ...extra },
      data.subarray(off, off + size),
    );
    assert.ok(r.json.upload, `chunk ${i}: ${r.text}`);
    answers.push(r);
    filekey = r.json.upload.filekey;
  }
  return answers;
}

function poll(c: TestClient, filekey: string): Promise<ApiAnswer> {
  return waitForValue(
    async () => {
      const r = await c.post({ action: 'upload', filekey, checkstatus: 1, token: await c.csrf() });
      return r.json.upload?.result === 'Poll' ? undefined : r;
    },
    `${filekey} is no longer Poll`,
    30_000,
  );
}

async function readBlob(s: TestServer, key: string): Promise<Buffer> {
  const bufs: Buffer[] = [];
  for await (const c of s.server.services.blobs.read(key)) bufs.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(bufs);
}

/** The URL of a file's current version, as prop=imageinfo gives it. */
async function fileUrl(c: TestClient, name: string): Promise<string> {
  const r = await c.get({ action: 'query', prop: 'imageinfo', titles: `File:${name}`, iiprop: 'url' });
  const page = Object.values(r.json.query.pages)[0] as { imageinfo?: { url: string }[] };
  assert.ok(page.imageinfo?.[0]?.url, r.text);
  return page.imageinfo[0].url;
}

async function download(url: string): Promise<Buffer> {
  const r = await fetch(url);
  assert.equal(r.status, 200, url);
  return Buffer.from(await r.arrayBuffer());
}

const count = (list: string[], name: string) => list.filter((x) => x === name).length;

describe('the API on PostgreSQL and S3, two server instances', { skip: skip ?? false }, () => {
  let db: TestDatabase;
  const prefix = `api-${randomUUID()}/`;
  let a: TestServer;
  let b: TestServer;
  /** The bot, logged in on instance A. */
  let bot: TestClient;
  /** The same session, talking to instance B. */
  let botOnB: TestClient;
  let admin: TestClient;
  /** Instance A's requests to S3 go through it (its `seen` shows them). */
  const proxy = new S3Proxy();

  const overrides = (endpoint?: string): DeepPartial<Config> => ({
    database: { driver: 'postgres', url: db.url },
    storage: { driver: 's3', ...s3Config(prefix), ...(endpoint ? { endpoint } : {}) },
  });

  before(async () => {
    db = await createTestDatabase();
    a = await startTestServer(overrides(await proxy.start(new URL(s3Config('').endpoint!))));
    b = await startTestServer(overrides());
    const creds = await createBot(a);
    bot = new TestClient(a.api);
    const login = await bot.login(creds.lgname, creds.password);
    assert.equal(login.json.login.result, 'Success', login.text);
    botOnB = new TestClient(b.api);
    for (const [k, v] of bot.cookies) botOnB.cookies.set(k, v);
    const ap = await createBotPassword(a, {
      user: 'Admin',
      appId: 'adm',
      grants: [...UPLOAD_GRANTS, 'delete'],
    });
    admin = new TestClient(b.api);
    assert.equal((await admin.login(ap.lgname, ap.password)).json.login.result, 'Success');
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await proxy.close();
    await removeAll(prefix);
    await db?.drop();
  });

  it('runs on PostgreSQL and S3', async () => {
    assert.equal(a.server.services.dialect, 'postgres');
    assert.equal(a.server.services.blobs.kind, 's3');
    assert.equal(a.server.services.blobs.localPath('upload/x'), null);
    const si = await bot.get({ action: 'query', meta: 'siteinfo' });
    assert.equal(si.json.query.general.dbtype, 'postgres');
    const anon = new TestClient(b.api);
    const bad = await anon.post({
      action: 'login',
      lgname: 'UploadBot@bot',
      lgpassword: 'wrong password',
      lgtoken: await anon.token('login'),
    });
    assert.equal(bad.json.login.result, 'Failed', bad.text);
  });

  it('direct upload: published, served byte-exact from the bucket', async () => {
    const data = png(12, 7);
    const r = await bot.upload({ filename: 'Direct on pg.png', ignorewarnings: 1, comment: 'one' }, data);
    assert.equal(r.json.upload.result, 'Success', r.text);
    assert.equal(r.json.upload.imageinfo.sha1, sha1(data));
    assert.deepEqual(await download(await fileUrl(bot, 'Direct on pg.png')), data);
    const cur = await a.server.services.files.current('Direct_on_pg.png');
    assert.deepEqual(await readBlob(b, cur!.blobKey), data);
  });

  it('stash, then publish the stashed file (on the other instance)', async () => {
    const data = png(9, 9);
    const st = await bot.upload({ filename: 'Stashed.png', stash: 1 }, data);
    assert.equal(st.json.upload.result, 'Success', st.text);
    const filekey = st.json.upload.filekey;
    const pub = await botOnB.post({
      action: 'upload',
      filename: 'Stashed.png',
      filekey,
      comment: 'from the stash',
      token: await botOnB.csrf(),
    });
    assert.equal(pub.json.upload.result, 'Success', pub.text);
    assert.equal(pub.json.upload.imageinfo.sha1, sha1(data));
    assert.deepEqual(await download(await fileUrl(botOnB, 'Stashed.png')), data);
  });

  it('chunked upload in 5 MiB chunks and a small last one: composed on the S3 server, byte-exact', async () => {
    const data = pngOfSize(2 * 5 * MIB + 123_457);
    const answers = await uploadInChunks(
      () => bot,
      'Chunked on s3.png',
      data.subarray(0, 10 * MIB),
      5 * MIB,
      {
        filesize: data.length,
      },
    );
    proxy.seen = [];
    answers.push(
      await sendChunk(
        bot,
        {
          filename: 'Chunked on s3.png',
          filesize: data.length,
          offset: 10 * MIB,
          filekey: answers[1]!.json.upload.filekey,
          ignorewarnings: 1,
        },
        data.subarray(10 * MIB),
      ),
    );
    const sent = proxy.seen.map(operationOf);
    assert.deepEqual(
      answers.map((r) => r.json.upload.result),
      ['Continue', 'Continue', 'Success'],
    );
    assert.deepEqual(
      answers.slice(0, 2).map((r) => r.json.upload.offset),
      [5 * MIB, 10 * MIB],
    );
    const done = answers[2]!.json.upload;
    assert.equal(done.imageinfo.sha1, sha1(data));
    assert.equal(done.imageinfo.size, data.length);
    // The two 5 MiB parts and the last one were copied on the server, none was sent again.
    assert.equal(count(sent, 'CreateMultipartUpload'), 1, sent.join());
    assert.equal(count(sent, 'UploadPartCopy'), 3, sent.join());
    assert.equal(count(sent, 'UploadPart'), 0, sent.join());

    const pub = await botOnB.post({
      action: 'upload',
      filename: 'Chunked on s3.png',
      filekey: done.filekey,
      token: await botOnB.csrf(),
    });
    assert.equal(pub.json.upload.result, 'Success', pub.text);
    const cur = await b.server.services.files.current('Chunked_on_s3.png');
    assert.equal(cur?.sha1, sha1(data));
    const stored = await readBlob(a, cur!.blobKey);
    assert.equal(stored.length, data.length);
    assert.ok(stored.equals(data), 'the stored bytes are the uploaded bytes');
    assert.equal(sha1(await download(await fileUrl(bot, 'Chunked on s3.png'))), sha1(data));
  });

  it('async chunked upload: Poll, then Success, then publish', async () => {
    const data = pngOfSize(6 * MIB + 1000);
    const answers = await uploadInChunks(() => bot, 'Async on s3.png', data, 6 * MIB, { async: 1 });
    const last = answers.at(-1)!.json.upload;
    assert.equal(last.result, 'Poll');
    const done = await poll(botOnB, last.filekey);
    assert.equal(done.json.upload.result, 'Success', done.text);
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    const pub = await bot.post({
      action: 'upload',
      filename: 'Async on s3.png',
      filekey: done.json.upload.filekey,
      token: await bot.csrf(),
    });
    assert.equal(pub.json.upload.result, 'Success', pub.text);
    assert.equal((await a.server.services.files.current('Async_on_s3.png'))?.sha1, sha1(data));
  });

  it('a chunked upload spread over both instances', async () => {
    const data = pngOfSize(3 * 64 * 1024 + 17);
    const answers = await uploadInChunks((i) => (i % 2 === 0 ? bot : botOnB), 'Both.png', data, 64 * 1024);
    assert.deepEqual(
      answers.map((r) => r.json.upload.result),
      ['Continue', 'Continue', 'Continue', 'Success'],
    );
    assert.equal(answers.at(-1)!.json.upload.imageinfo.sha1, sha1(data));
    // A chunk sent to the other instance at a stale offset is refused with the right offset.
    const again = await uploadInChunks(
      () => bot,
      'Both again.png',
      data.subarray(0, 2 * 64 * 1024),
      64 * 1024,
      { filesize: data.length },
    );
    const key = again[0]!.json.upload.filekey;
    const stale = await sendChunk(
      botOnB,
      {
        filename: 'Both again.png',
        filesize: data.length,
        offset: 64 * 1024,
        filekey: key,
        ignorewarnings: 1,
      },
      data.subarray(64 * 1024, 2 * 64 * 1024),
    );
    assert.equal(stale.json.error?.code, 'stashfailed', stale.text);
    assert.equal(stale.json.error.offset, String(2 * 64 * 1024));
  });

  it('shares sessions between the instances', async () => {
    const onA = await bot.get({ action: 'query', meta: 'userinfo' });
    const onB = await botOnB.get({ action: 'query', meta: 'userinfo' });
    assert.equal(onA.json.query.userinfo.name, 'UploadBot');
    assert.deepEqual(onB.json.query.userinfo, onA.json.query.userinfo);
    // A token from A is good on B.
    const data = png(5, 5);
    const r = await botOnB.post(
      { action: 'upload', filename: 'Token from A.png', ignorewarnings: 1, token: await bot.csrf() },
      { files: { file: { data, filename: 'a.png' } } },
    );
    assert.equal(r.json.upload?.result, 'Success', r.text);
  });

  it('overwrites with history; old versions stay readable', async () => {
    const v1 = png(6, 6);
    const v2 = png(7, 6);
    assert.equal(
      (await bot.upload({ filename: 'History.png', ignorewarnings: 1 }, v1)).json.upload.result,
      'Success',
    );
    const r2 = await botOnB.upload({ filename: 'History.png', ignorewarnings: 1, comment: 'v2' }, v2);
    assert.equal(r2.json.upload.result, 'Success', r2.text);
    const ii = await bot.get({
      action: 'query',
      prop: 'imageinfo',
      titles: 'File:History.png',
      iiprop: 'sha1|url|size',
      iilimit: 5,
    });
    const versions = (Object.values(ii.json.query.pages)[0] as { imageinfo: { sha1: string; url: string }[] })
      .imageinfo;
    assert.deepEqual(
      versions.map((v) => v.sha1),
      [sha1(v2), sha1(v1)],
    );
    assert.deepEqual(await download(versions[0]!.url), v2);
    assert.deepEqual(await download(versions[1]!.url), v1);
  });

  it('deletes a file with its history', async () => {
    const data = png(4, 3);
    await bot.upload({ filename: 'Doomed.png', ignorewarnings: 1 }, data);
    const del = await admin.post({
      action: 'delete',
      title: 'File:Doomed.png',
      reason: 'test',
      token: await admin.csrf(),
    });
    assert.equal(del.json.delete?.title, 'File:Doomed.png', del.text);
    const ii = await bot.get({ action: 'query', prop: 'imageinfo', titles: 'File:Doomed.png' });
    assert.equal((Object.values(ii.json.query.pages)[0] as { missing?: string }).missing, '');
    assert.equal(await a.server.services.files.current('Doomed.png'), null);
    const archived = await a.server.db
      .selectFrom('filearchive')
      .select(['sha1', 'blob_key'])
      .where('name', '=', 'Doomed.png')
      .execute();
    assert.deepEqual(
      archived.map((r) => r.sha1),
      [sha1(data)],
    );
    const again = await bot.upload({ filename: 'Doomed.png' }, png(4, 4));
    assert.equal(again.json.upload?.warnings?.['was-deleted'], 'Doomed.png', again.text);
  });

  it('orders and pages file names byte-wise, whatever the database collation', async () => {
    const { rows } = await sql<{ provider: string }>`
      select datlocprovider as provider from pg_database where datname = current_database()`.execute(
      a.server.db,
    );
    const provider = rows[0]?.provider;
    assert.equal(provider, 'i', 'the test database uses an ICU (linguistic) default collation');
    for (const n of ['Sort ab.png', 'Sort AB.png', 'Sort a-b.png', 'Sort ac.png', 'Sort_Z.png']) {
      const r = await bot.upload({ filename: n, ignorewarnings: 1 }, png(3, 3));
      assert.equal(r.json.upload?.result, 'Success', r.text);
    }
    const expected = ['Sort_AB.png', 'Sort_Z.png', 'Sort_a-b.png', 'Sort_ab.png', 'Sort_ac.png'];
    assert.deepEqual([...expected].sort(), expected, 'code-point order');
    const seen: string[] = [];
    let cont: Record<string, string> = {};
    for (let page = 0; page < 5; page++) {
      const r = await bot.get({ action: 'query', list: 'allimages', aiprefix: 'Sort_', ailimit: 2, ...cont });
      seen.push(...(r.json.query.allimages as { name: string }[]).map((x) => x.name));
      if (!r.json.continue) break;
      cont = r.json.continue;
    }
    assert.deepEqual(seen, expected);
    assert.deepEqual(await a.server.services.files.namesWithPrefix('Sort_a', 10), [
      'Sort_a-b.png',
      'Sort_ab.png',
      'Sort_ac.png',
    ]);
  });
});

describe('PostgreSQL specifics', { skip: skip ?? false }, () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  it('holds 64-bit sizes and dimensions, read back as numbers', async () => {
    const h = await openDatabase({ driver: 'postgres', url: db.url });
    try {
      const row = {
        name: 'Huge.svg',
        blob_key: 'upload/00/huge',
        size: 5 * 1024 * MIB + 1,
        width: 3_000_000_000,
        height: 2 ** 40,
        bits: 0,
        media_type: 'DRAWING',
        mime: 'image/svg+xml',
        metadata: '{}',
        description: '',
        user_id: 1,
        user_text: 'X',
        timestamp: '2026-01-01T00:00:00Z',
        sha1: '0'.repeat(40),
      };
      await h.db.insertInto('images').values(row).execute();
      const back = await h.db
        .selectFrom('images')
        .selectAll()
        .where('name', '=', 'Huge.svg')
        .executeTakeFirst();
      assert.deepEqual(back, row);
    } finally {
      await h.close();
    }
  });

  it('runs every job exactly once on two instances', async () => {
    const quiet = { error: () => {}, warn: () => {}, info: () => {} };
    const handles = await Promise.all([0, 1].map(() => openDatabase({ driver: 'postgres', url: db.url })));
    const runs = new Map<number, string[]>();
    const queues = handles.map((h, i) => {
      const q = new JobQueue(
        h.db,
        { workers: 3, pollIntervalMs: 20, leaseSeconds: 30, maxAttempts: 3 },
        quiet,
      );
      q.register('Probe', {
        async run(params) {
          const n = params.n as number;
          runs.set(n, [...(runs.get(n) ?? []), `instance ${i}`]);
          await new Promise((r) => setTimeout(r, 5));
        },
      });
      return q;
    });
    try {
      const ids: number[] = [];
      for (let n = 0; n < 40; n++) ids.push(await queues[n % 2]!.enqueue('Probe', { n }));
      assert.equal(new Set(ids).size, 40);
      // A pending job with the same dedupe key is not queued twice, whichever instance asks.
      const d1 = await queues[0]!.enqueue('Probe', { n: 100 }, { dedupeKey: 'same', delayMs: 60_000 });
      const d2 = await queues[1]!.enqueue('Probe', { n: 101 }, { dedupeKey: 'same' });
      assert.equal(d1, d2);
      for (const q of queues) q.start();
      const deadline = Date.now() + 30_000;
      for (;;) {
        const left = await handles[0]!.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '!=', 'done')
          .where('id', 'in', ids)
          .executeTakeFirstOrThrow();
        if (left.n === 0) break;
        assert.ok(Date.now() < deadline, `${left.n} jobs still not done`);
        await new Promise((r) => setTimeout(r, 50));
      }
      for (let n = 0; n < 40; n++) assert.equal(runs.get(n)?.length, 1, `job ${n}: ${runs.get(n)}`);
      const attempts = await handles[1]!.db
        .selectFrom('jobs')
        .select('attempts')
        .where('id', 'in', ids)
        .execute();
      assert.ok(attempts.every((r) => r.attempts === 1));
    } finally {
      await Promise.all(queues.map((q) => q.stop()));
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
