/**
 * SIGKILL at chosen points of a mixed workload (direct uploads, re-uploads, chunked uploads, async
 * jobs, stash commits, deletions); after each, the server is started again on the same data and
 * `mwup-admin check --sha1` must find the database and the blobs consistent, every upload that
 * answered Success must be there with its SHA-1 and its bytes, and what was cut off must continue
 * or start over to the end.
 */
import assert from 'node:assert/strict';
import type { ClientRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/index.js';
import { type ApiAnswer, TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { startPartialUpload, waitUntilReceiving } from '../helpers/partial-upload.js';
import { embeddedOnly, type ServerProcess, spawnServerProcess, UPLOAD_GRANTS } from '../helpers/server.js';
import { waitFor, waitForValue } from '../helpers/wait.js';
import { checkStatus, pollUntilSettled, sendChunk } from './chunks.js';
import {
  admin,
  assertConsistent,
  currentSha1,
  filesWithSizes,
  HoldingFileServer,
  Ledger,
  type Outcome,
  outcome,
  resultOf,
  unreferenced,
} from './kill-workload.js';

const BOT = { lgname: 'Admin@bot', password: 'kill-test-bot-password-0123456789' };
const MiB = 1024 * 1024;
/**
 * How long the waits for a request's first bytes on disk may take: a server process started anew,
 * on a machine busy with other test files (the default 10 s ran out once so).
 */
const SLOW_START = 30_000;

describe('kill -9 at chosen points leaves a consistent wiki', {
  skip: embeddedOnly('waits on the local blob directory'),
  timeout: 120_000,
}, () => {
  let srv: ServerProcess;
  let c: TestClient;
  const ledger = new Ledger();
  const urls = new HoldingFileServer();
  /** Blobs nothing references that earlier kills left (removed by maintenance after a day). */
  let leftovers = new Set<string>();
  const blobDir = () => join(srv.dataDir, 'blobs');

  const upload = async (filename: string, bytes: Buffer) => {
    const r = await c.upload({ filename, ignorewarnings: 1 }, bytes);
    assert.equal(r.json?.upload?.result, 'Success', r.text);
    ledger.published(filename, bytes);
  };
  const publish = async (filename: string, filekey: string, bytes: Buffer) => {
    const r = await c.upload({ filename, filekey, ignorewarnings: 1 });
    assert.equal(r.json?.upload?.result, 'Success', r.text);
    assert.equal(r.json.upload.imageinfo.sha1, sha1(bytes));
    ledger.published(filename, bytes);
  };
  /** Chunks of `data` from `offset` on; returns the last answer. */
  const chunks = async (
    filename: string,
    data: Buffer,
    size: number,
    from: { offset: number; filekey?: string },
  ) => {
    let { offset, filekey } = from;
    for (;;) {
      const r = await sendChunk(
        c,
        { filename, offset, filesize: data.length, filekey, ignorewarnings: 1 },
        data.subarray(offset, offset + size),
      );
      if (r.json?.upload?.result !== 'Continue') return r;
      ({ offset, filekey } = r.json.upload);
    }
  };
  const stashBlobKey = async (filekey: string) => {
    const h = await openDatabase(srv.database);
    try {
      const r = await h.db
        .selectFrom('uploadstash')
        .select('blob_key')
        .where('key', '=', filekey)
        .executeTakeFirstOrThrow();
      return r.blob_key;
    } finally {
      await h.close();
    }
  };

  /**
   * Where a chunked upload whose last chunk was cut off by the kill stands, taken to its end: the
   * chunk was not stored (Continue: send it again), stored but not assembled (Poll: a job
   * assembles it), or assembled. The assembled file has a new key that only the lost answer carried
   * — the old key is then unknown to checkstatus, as in MediaWiki — but it is in the user's stash,
   * whole: found there by its SHA-1. Returns the key to publish.
   */
  const finishChunked = async (filename: string, data: Buffer, filekey: string, offset: number) => {
    let st = await checkStatus(c, filekey);
    if (st.json?.error?.code === 'missingresult') {
      const list = await c.get({ action: 'query', list: 'mystashedfiles', msfprop: 'size', msflimit: 'max' });
      for (const f of list.json.query.mystashedfiles as { filekey: string; status: string; size: number }[]) {
        if (f.status !== 'finished' || f.size !== data.length) continue;
        const info = await c.get({
          action: 'query',
          prop: 'stashimageinfo',
          siifilekey: f.filekey,
          siiprop: 'sha1',
        });
        if (info.json.query.stashimageinfo[0].sha1 === sha1(data)) return f.filekey;
      }
      assert.fail(`the assembled ${filename} is not in the stash: ${list.text}`);
    }
    if (st.json?.upload?.result === 'Continue') {
      assert.equal(st.json.upload.offset, offset, st.text);
      st = await chunks(filename, data, offset, { offset, filekey });
    } else if (st.json?.upload?.result === 'Poll') st = await pollUntilSettled(c, filekey);
    assert.equal(st.json?.upload?.result, 'Success', st.text);
    return st.json.upload.filekey as string;
  };

  /**
   * Kill the server, start it again, check it. The blobs nothing references may grow by what the
   * requests cut off had stored (`leftovers`: exactly, or at most); each must be younger than the
   * grace period, and anything else is a problem the check reports.
   */
  const killAndRestart = async (
    when: string,
    left: { exactly: number } | { atMost: number },
    cut: ClientRequest[] = [],
  ) => {
    await srv.kill('SIGKILL');
    for (const r of cut) r.destroy();
    await srv.restart();
    const now = unreferenced(await assertConsistent(srv, `after ${when}`));
    const fresh = [...now].filter((k) => !leftovers.has(k));
    if ('exactly' in left) assert.equal(fresh.length, left.exactly, `${when}: left over ${fresh.join(', ')}`);
    else assert.ok(fresh.length <= left.atMost, `${when}: left over ${fresh.join(', ')}`);
    for (const k of leftovers) assert.ok(now.has(k), `${k} was left over before`);
    leftovers = now;
    await ledger.verify(c, `after ${when}`);
  };

  before(async () => {
    await urls.start();
    srv = await spawnServerProcess({
      config: {
        // What a killed request or job held is free again after a second or two.
        uploads: { stashLeaseSeconds: 1 },
        // One worker: a job it is running keeps the others queued.
        jobs: { workers: 1, leaseSeconds: 2, pollIntervalMs: 50 },
        groupPermissions: { user: { upload_by_url: true } },
      },
    });
    const grants = [...UPLOAD_GRANTS, 'delete'].join(',');
    const r = await admin(
      srv,
      'bot-password',
      'Admin',
      'bot',
      '--password',
      BOT.password,
      '--grants',
      grants,
    );
    assert.equal(r.code, 0, r.out);
    c = new TestClient(srv.api);
    await c.login(BOT.lgname, BOT.password);
    await upload('Base.png', pngOfSize(40_000));
    await assertConsistent(srv, 'at the start');
  });
  after(async () => {
    await srv?.dispose();
    await urls.close();
  });

  it('a new upload and a re-upload cut off while their bytes are written: nothing published, sent again', async () => {
    const fresh = pngOfSize(2.5 * MiB);
    const over = pngOfSize(2.5 * MiB);
    const tmp = join(blobDir(), '.tmp');
    const before = filesWithSizes(tmp);
    const token = await c.csrf();
    const cut = [
      ['Cut-new.png', fresh],
      ['Base.png', over],
    ].map(([filename, bytes]) =>
      startPartialUpload({
        api: srv.api,
        cookies: c.cookies,
        fields: { action: 'upload', format: 'json', filename: filename as string, ignorewarnings: 1, token },
        fileField: 'file',
        bytes: (bytes as Buffer).subarray(0, 1.5 * MiB),
      }),
    );
    await waitFor(
      () => [...filesWithSizes(tmp)].filter(([k, n]) => !before.has(k) && n > 0).length === 2,
      'both uploads are being written',
      SLOW_START,
    );
    await killAndRestart('two uploads cut off in their bodies', { exactly: 0 }, cut);
    assert.equal(await currentSha1(c, 'Cut-new.png'), null);
    await upload('Cut-new.png', fresh);
    await upload('Base.png', over);
    await ledger.verify(c, 'after sending them again');
  });

  it('a first chunk and a later chunk cut off while being appended: one starts over, the other continues', async () => {
    const chunk = 2 * MiB;
    const restarted = pngOfSize(4 * MiB + 1000);
    const continued = pngOfSize(4 * MiB + 2000);
    const first = await sendChunk(
      c,
      { filename: 'Continued.png', offset: 0, filesize: continued.length, ignorewarnings: 1 },
      continued.subarray(0, chunk),
    );
    assert.equal(first.json.upload.result, 'Continue', first.text);
    const key = first.json.upload.filekey as string;
    const blob = await stashBlobKey(key);
    const dir = blobDir();
    const before = filesWithSizes(join(dir, 'upload'));
    const token = await c.csrf();
    const fields = (filename: string, data: Buffer, offset: number, filekey?: string) => ({
      action: 'upload',
      format: 'json',
      stash: 1,
      filename,
      filesize: data.length,
      offset,
      ...(filekey ? { filekey } : {}),
      ignorewarnings: 1,
      token,
    });
    const cut = [
      startPartialUpload({
        api: srv.api,
        cookies: c.cookies,
        fields: fields('Restarted.png', restarted, 0),
        fileField: 'chunk',
        bytes: restarted.subarray(0, 1.25 * MiB),
      }),
      startPartialUpload({
        api: srv.api,
        cookies: c.cookies,
        fields: fields('Continued.png', continued, chunk, key),
        fileField: 'chunk',
        bytes: continued.subarray(chunk, chunk + 1.25 * MiB),
      }),
    ];
    await waitUntilReceiving(srv.database, key);
    await waitFor(
      () => {
        const now = filesWithSizes(join(dir, 'upload'));
        const started = [...now].some(([k, n]) => !before.has(k) && n > 0);
        return started && (now.get(blob.slice('upload/'.length)) ?? 0) > chunk;
      },
      'both chunks are being appended',
      SLOW_START,
    );
    // The first chunk's blob has no stash entry yet: it is left over.
    await killAndRestart('two chunks cut off in their bodies', { exactly: 1 }, cut);

    const st = await checkStatus(c, key);
    assert.deepEqual(st.json.upload, { result: 'Continue', stage: 'uploading', offset: chunk });
    const done = await chunks('Continued.png', continued, chunk, { offset: chunk, filekey: key });
    assert.equal(done.json.upload.result, 'Success', done.text);
    await publish('Continued.png', done.json.upload.filekey, continued);
    const again = await chunks('Restarted.png', restarted, chunk, { offset: 0 });
    assert.equal(again.json.upload.result, 'Success', again.text);
    await publish('Restarted.png', again.json.upload.filekey, restarted);
    await ledger.verify(c, 'after finishing both');
  });

  it('an async upload by URL cut off mid-download, with an async assembly and an async stash commit queued', async () => {
    const fromUrl = pngOfSize(300_000);
    const url = urls.serve('/held.png', fromUrl, { hold: true });
    const token = await c.csrf();
    const u = await c.post({
      action: 'upload',
      url,
      filename: 'From-url.png',
      async: 1,
      ignorewarnings: 1,
      token,
    });
    assert.equal(u.json?.upload?.result, 'Poll', u.text);
    await waitFor(() => urls.halfSent.has('/held.png'), 'the job is downloading', SLOW_START);
    // Behind it, with the only worker busy: the assembly of a chunked upload and a stash commit.
    const assembled = pngOfSize(200_000);
    let asm = await sendChunk(
      c,
      { filename: 'Assembled.png', offset: 0, filesize: assembled.length, async: 1, ignorewarnings: 1 },
      assembled.subarray(0, 100_000),
    );
    asm = await sendChunk(
      c,
      {
        filename: 'Assembled.png',
        offset: 100_000,
        filesize: assembled.length,
        filekey: asm.json.upload.filekey,
        async: 1,
        ignorewarnings: 1,
      },
      assembled.subarray(100_000),
    );
    assert.equal(asm.json.upload.result, 'Poll', asm.text);
    const stashed = pngOfSize(150_000);
    const s = await c.upload({ filename: 'Stashed.png', stash: 1, ignorewarnings: 1 }, stashed);
    const stashKey = s.json.upload.filekey as string;
    const p = await c.upload({ filename: 'Stashed.png', filekey: stashKey, async: 1, ignorewarnings: 1 });
    assert.equal(p.json.upload.result, 'Poll', p.text);
    const h = await openDatabase(srv.database);
    try {
      const jobs = await h.db
        .selectFrom('jobs')
        .select(['type', 'status'])
        .where('status', 'in', ['queued', 'running'])
        .orderBy('id')
        .execute();
      assert.deepEqual(jobs, [
        { type: 'UploadFromUrl', status: 'running' },
        { type: 'AssembleUploadChunks', status: 'queued' },
        { type: 'PublishStashedFile', status: 'queued' },
      ]);
    } finally {
      await h.close();
    }
    await killAndRestart('an async job cut off mid-download', { exactly: 0 });

    // After the restart (and the check) the job is taken up again and the URL answers in full; the
    // others run.
    urls.release('/held.png');
    const fetched = await waitForValue(
      async () => {
        const r = await c.post({
          action: 'upload',
          checkstatus: 1,
          url,
          filename: 'From-url.png',
          token: await c.csrf(),
        });
        return r.json?.upload?.result === 'Poll' ? undefined : r;
      },
      'the upload by URL is done',
      30_000,
    );
    assert.equal(fetched.json.upload.result, 'Success', fetched.text);
    assert.equal(urls.requests.get('/held.png'), 2, 'the job downloads again after the restart');
    ledger.published('From-url.png', fromUrl);
    const a = await pollUntilSettled(c, asm.json.upload.filekey);
    assert.equal(a.json.upload.result, 'Success', a.text);
    await publish('Assembled.png', a.json.upload.filekey, assembled);
    const committed = await pollUntilSettled(c, stashKey);
    assert.equal(committed.json.upload.result, 'Success', committed.text);
    ledger.published('Stashed.png', stashed);
    await ledger.verify(c, 'after the jobs ran');
  });

  // Five requests at once; the server is killed when the k-th has answered, the others in flight.
  for (const k of [1, 2, 3, 4]) {
    it(`five requests at once, killed when ${k} of them answered: each either happened whole or not at all`, async () => {
      const n = (what: string) => `Round${k}-${what}.png`;
      await upload(n('over'), pngOfSize(60_000));
      await upload(n('gone'), pngOfSize(50_000));
      const stashed = pngOfSize(120_000);
      const s = await c.upload({ filename: n('stash'), stash: 1, ignorewarnings: 1 }, stashed);
      const stashKey = s.json.upload.filekey as string;
      const chunked = pngOfSize(256 * 1024);
      const half = chunked.length / 2;
      const c1 = await sendChunk(
        c,
        { filename: n('chunks'), offset: 0, filesize: chunked.length, ignorewarnings: 1 },
        chunked.subarray(0, half),
      );
      const chunkKey = c1.json.upload.filekey as string;
      const fresh = pngOfSize(300_000);
      const over = pngOfSize(300_000);
      const token = await c.csrf();

      const requests = {
        fresh: c.upload({ filename: n('new'), ignorewarnings: 1 }, fresh),
        over: c.upload({ filename: n('over'), ignorewarnings: 1 }, over),
        chunk: sendChunk(
          c,
          {
            filename: n('chunks'),
            offset: half,
            filesize: chunked.length,
            filekey: chunkKey,
            ignorewarnings: 1,
          },
          chunked.subarray(half),
        ),
        commit: c.upload({ filename: n('stash'), filekey: stashKey, ignorewarnings: 1 }),
        remove: c.post({ action: 'delete', title: `File:${n('gone')}`, token }),
      };
      ledger.inFlight(n('over'), n('gone'));
      let answered = 0;
      const outcomes = Object.fromEntries(
        Object.entries(requests).map(([name, req]) => [
          name,
          outcome(req).then((o) => {
            if ('answer' in o) answered++;
            return o;
          }),
        ]),
      ) as Record<keyof typeof requests, Promise<Outcome>>;
      await waitFor(() => answered >= k, `${k} answers`, 20_000);
      await srv.kill('SIGKILL');
      const got = {} as Record<keyof typeof requests, Outcome>;
      for (const [name, o] of Object.entries(outcomes)) got[name as keyof typeof requests] = await o;
      for (const [name, o] of Object.entries(got)) {
        if ('answer' in o)
          assert.ok(resultOf(o) === 'Success' || resultOf(o) === 'Deleted', `${name}: ${o.answer.text}`);
      }
      // Up to one blob for each request that carried bytes.
      await killAndRestart(`the kill after ${k} answers`, { atMost: 3 });

      // What answered happened; what did not either happened whole or is done now.
      const settleUpload = async (name: string, bytes: Buffer, o: Outcome) => {
        if (resultOf(o) !== 'Success' && (await currentSha1(c, name)) !== sha1(bytes)) {
          const r = await c.upload({ filename: name, ignorewarnings: 1 }, bytes);
          assert.equal(r.json?.upload?.result, 'Success', r.text);
        }
        ledger.published(name, bytes);
      };
      await settleUpload(n('new'), fresh, got.fresh);
      await settleUpload(n('over'), over, got.over);
      if (resultOf(got.commit) === 'Success' || (await currentSha1(c, n('stash'))) === sha1(stashed)) {
        ledger.published(n('stash'), stashed);
      } else await publish(n('stash'), stashKey, stashed);
      if (resultOf(got.remove) !== 'Deleted' && (await currentSha1(c, n('gone'))) !== null) {
        const d = await c.post({ action: 'delete', title: `File:${n('gone')}`, token });
        assert.ok(d.json?.delete, d.text);
      }
      ledger.deleted(n('gone'));
      const assembledKey =
        resultOf(got.chunk) === 'Success'
          ? ((got.chunk as { answer: ApiAnswer }).answer.json.upload.filekey as string)
          : await finishChunked(n('chunks'), chunked, chunkKey, half);
      await publish(n('chunks'), assembledKey, chunked);
      await ledger.verify(c, `after finishing round ${k}`);
    });
  }

  it('leaves nothing behind but the blobs of requests cut off, younger than the grace period', async () => {
    const report = await assertConsistent(srv, 'at the end');
    assert.deepEqual(unreferenced(report), leftovers);
    assert.equal(report.counts.currentVersions, ledger.existing, 'every file is there, no other');
    // Past the grace period they are orphans: reported, and repaired on request.
    if (leftovers.size) {
      const strict = await admin(srv, 'check', '--json', '--grace', '0');
      assert.equal(strict.code, 1, strict.out);
      const orphans = JSON.parse(strict.out).problems.map(
        (p: { kind: string; blobKey: string }) => `${p.kind} ${p.blobKey}`,
      );
      assert.deepEqual(orphans.sort(), [...leftovers].map((k) => `orphan-blob ${k}`).sort());
      const repaired = await admin(srv, 'check', '--json', '--grace', '0', '--repair');
      assert.equal(repaired.code, 0, repaired.out);
    }
    const clean = await assertConsistent(srv, 'after the repair');
    assert.equal(unreferenced(clean).size, 0);
    await ledger.verify(c, 'at the end');
  });
});
