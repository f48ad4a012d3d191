import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSHA1 } from 'hash-wasm';
import { type ApiAnswer, TestClient } from '../helpers/client.js';
import { pngOfSize, sha1 } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { checkStatus, pollUntilSettled, sendChunk } from './chunks.js';

/** hash-wasm's saved state of `data`, as versions before portable states saved it. */
async function hashWasmSave(data: Uint8Array): Promise<Uint8Array> {
  const h = await createSHA1();
  h.init();
  h.update(data);
  return h.save();
}

/** Upload `data` in chunks of `size`; returns the answers. */
async function uploadInChunks(
  c: TestClient,
  name: string,
  data: Buffer,
  size: number,
  extra: Record<string, string | number> = {},
) {
  const answers: ApiAnswer[] = [];
  let filekey: string | undefined;
  for (let off = 0; off < data.length; off += size) {
    const r = await sendChunk(
      c,
      { filename: name, filesize: data.length, offset: off, filekey, ignorewarnings: 1, ...extra },
      data.subarray(off, off + size),
    );
    answers.push(r);
    filekey = r.json.upload?.filekey;
  }
  return answers;
}

describe('chunked uploads', () => {
  let s: TestServer;
  let c: TestClient;
  before(async () => {
    s = await startTestServer();
    const b = await createBot(s);
    c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
  });
  after(() => s.close());

  it('uploads in chunks (Continue, checkstatus uploading, Success with a new key), then publishes byte-exact', async () => {
    const data = pngOfSize(4000);
    const r1 = await sendChunk(
      c,
      { filename: 'Chunked.png', filesize: 4000, offset: 0, ignorewarnings: 1 },
      data.subarray(0, 1536),
    );
    assert.deepEqual(r1.json.upload.result, 'Continue');
    assert.equal(r1.json.upload.offset, 1536);
    const key = r1.json.upload.filekey;
    const st = await checkStatus(c, key);
    assert.deepEqual(st.json.upload, { result: 'Continue', stage: 'uploading', offset: 1536 });
    const r2 = await sendChunk(
      c,
      { filename: 'Chunked.png', filesize: 4000, offset: 1536, filekey: key, ignorewarnings: 1 },
      data.subarray(1536, 3072),
    );
    assert.equal(r2.json.upload.offset, 3072);
    const r3 = await sendChunk(
      c,
      { filename: 'Chunked.png', filesize: 4000, offset: 3072, filekey: key, ignorewarnings: 1 },
      data.subarray(3072),
    );
    assert.equal(r3.json.upload.result, 'Success');
    const newKey = r3.json.upload.filekey;
    assert.notEqual(newKey, key);
    assert.equal(r3.json.upload.imageinfo.sha1, sha1(data));
    const gone = await checkStatus(c, key);
    assert.equal(gone.json.error.code, 'missingresult');
    const pub = await c.post({
      action: 'upload',
      filename: 'Chunked.png',
      filekey: newKey,
      comment: 'Upload Testing',
      token: await c.csrf(),
    });
    assert.equal(pub.json.upload.result, 'Success');
    const file = await s.server.services.files.current('Chunked.png');
    assert.equal(file?.sha1, sha1(data));
    const stored: Buffer[] = [];
    for await (const b of s.server.services.blobs.read(file!.blobKey)) stored.push(b as Buffer);
    assert.ok(Buffer.concat(stored).equals(data), 'stored bytes equal the upload');
  });

  it('continues uploads whose SHA-1 state an earlier version saved (a kept: token, a hash-wasm state), between chunks and before assembling', async () => {
    const data = pngOfSize(300_000);
    const cuts = [0, 100_000, 200_000, data.length];
    for (const earlier of ['kept', 'hash-wasm'] as const) {
      const p = { filename: `Earlier hash ${earlier}.png`, filesize: data.length, ignorewarnings: 1 };
      let filekey: string | undefined;
      for (let i = 1; i < cuts.length; i++) {
        const [start, end] = [cuts[i - 1]!, cuts[i]!];
        if (filekey) {
          // What that version left: a token naming a hash in a process now gone, or hash-wasm's state.
          const state =
            earlier === 'kept'
              ? 'kept:3f2c1e9a-0000-4000-8000-000000000000'
              : Buffer.from(await hashWasmSave(data.subarray(0, start))).toString('base64');
          await s.server.db
            .updateTable('uploadstash')
            .set({ hash_state: state })
            .where('key', '=', filekey)
            .execute();
        }
        const r = await sendChunk(c, { ...p, offset: start, filekey }, data.subarray(start, end));
        assert.ok(['Continue', 'Success'].includes(r.json.upload?.result), r.text);
        filekey = r.json.upload.filekey;
        if (end === data.length) assert.equal(r.json.upload.imageinfo.sha1, sha1(data), earlier);
        else {
          const row = await s.server.db
            .selectFrom('uploadstash')
            .select('hash_state')
            .where('key', '=', filekey!)
            .executeTakeFirstOrThrow();
          // A new upload's state is portable; hash-wasm's is continued as such, a kept hash made again.
          const expected = i > 1 && earlier === 'hash-wasm' ? /^(?!sha1:|kept:)/ : /^sha1:/;
          assert.match(row.hash_state ?? '', expected, `${earlier}, after chunk ${i}`);
        }
      }
    }
  });

  it('accepts the whole file as a single chunk', async () => {
    const data = pngOfSize(900);
    const [r] = await uploadInChunks(c, 'Single.png', data, 900);
    assert.equal(r!.json.upload.result, 'Success');
    assert.equal(r!.json.upload.imageinfo.size, 900);
  });

  it('refuses a filekey at offset 0 and a missing filekey at other offsets', async () => {
    const data = pngOfSize(3000);
    const a = await sendChunk(c, { filename: 'R1.png', filesize: 3000, offset: 1500 }, data.subarray(1500));
    assert.equal(a.json.error.code, 'filekeyneeded');
    const noOffset = await sendChunk(c, { filename: 'R1.png', filesize: 3000 }, data.subarray(0, 1500));
    assert.equal(noOffset.json.error.code, 'filekeyneeded');
    const first = await sendChunk(
      c,
      { filename: 'R1.png', filesize: 3000, offset: 0 },
      data.subarray(0, 1500),
    );
    const b = await sendChunk(
      c,
      { filename: 'R1.png', filesize: 3000, offset: 0, filekey: first.json.upload.filekey },
      data.subarray(0, 1500),
    );
    assert.equal(b.json.error.code, 'filekeynotallowed');
  });

  it('refuses non-final chunks below the minimum size (chunk-too-small)', async () => {
    const data = pngOfSize(3000);
    const a = await sendChunk(c, { filename: 'Small.png', filesize: 3000, offset: 0 }, data.subarray(0, 500));
    assert.equal(a.json.error.code, 'chunk-too-small');
    assert.equal(a.json.error.info, 'Minimum chunk size is 1,024 bytes for non-final chunks.');
    const ok = await sendChunk(
      c,
      { filename: 'Small.png', filesize: 3000, offset: 0 },
      data.subarray(0, 1500),
    );
    const b = await sendChunk(
      c,
      { filename: 'Small.png', filesize: 3000, offset: 1500, filekey: ok.json.upload.filekey },
      data.subarray(1500, 2000),
    );
    assert.equal(b.json.error.code, 'chunk-too-small');
  });

  it('refuses bytes past filesize (invalid-chunk), and a missing filesize', async () => {
    const data = pngOfSize(3000);
    const first = await sendChunk(
      c,
      { filename: 'Over.png', filesize: 2500, offset: 0 },
      data.subarray(0, 1500),
    );
    const over = await sendChunk(
      c,
      { filename: 'Over.png', filesize: 2500, offset: 1500, filekey: first.json.upload.filekey },
      data.subarray(1500),
    );
    assert.equal(over.json.error.code, 'invalid-chunk');
    const noSize = await sendChunk(c, { filename: 'Over.png', offset: 0 }, data.subarray(0, 1500));
    assert.equal(noSize.json.error.code, 'invalid-chunk');
    // A larger filesize on a later chunk is taken as it is (as MediaWiki does).
    const changed = await sendChunk(
      c,
      { filename: 'Over.png', filesize: 3000, offset: 1500, filekey: first.json.upload.filekey },
      data.subarray(1500),
    );
    assert.equal(changed.json.upload.result, 'Success');
    assert.equal(changed.json.upload.imageinfo.sha1, sha1(data));
  });

  it('answers a wrong offset with stashfailed and the expected offset, so a retried chunk can resume', async () => {
    const data = pngOfSize(4600);
    const p = { filename: 'Offsets.png', filesize: 4600, ignorewarnings: 1 };
    const r1 = await sendChunk(c, { ...p, offset: 0 }, data.subarray(0, 1500));
    const key = r1.json.upload.filekey;
    const skip = await sendChunk(c, { ...p, offset: 3000, filekey: key }, data.subarray(3000, 4500));
    assert.equal(skip.json.error.code, 'stashfailed');
    assert.equal(skip.json.error.info, 'Invalid chunk offset');
    assert.equal(skip.json.error.offset, '1500');
    const r2 = await sendChunk(c, { ...p, offset: 1500, filekey: key }, data.subarray(1500, 3000));
    assert.equal(r2.json.upload.offset, 3000);
    // The response to r2 is "lost": the client sends the same chunk again.
    const retry = await sendChunk(c, { ...p, offset: 1500, filekey: key }, data.subarray(1500, 3000));
    assert.equal(retry.json.error.code, 'stashfailed');
    assert.equal(Number(retry.json.error.offset), 3000, 'the server says where it stands');
    const last = await sendChunk(
      c,
      { ...p, offset: Number(retry.json.error.offset), filekey: key },
      data.subarray(3000),
    );
    assert.equal(last.json.upload.result, 'Success');
    assert.equal(last.json.upload.imageinfo.sha1, sha1(data), 'no duplicated bytes');
  });

  it("refuses another user's file key and unknown keys", async () => {
    const data = pngOfSize(3000);
    const first = await sendChunk(
      c,
      { filename: 'Mine.png', filesize: 3000, offset: 0 },
      data.subarray(0, 1500),
    );
    const b2 = await createBot(s, 'OtherBot');
    const other = new TestClient(s.api);
    await other.login(b2.lgname, b2.password);
    const r = await sendChunk(
      other,
      { filename: 'Mine.png', filesize: 3000, offset: 1500, filekey: first.json.upload.filekey },
      data.subarray(1500),
    );
    assert.equal(r.json.error.code, 'uploadstash-wrong-owner');
    const unknown = await sendChunk(
      c,
      { filename: 'Mine.png', filesize: 3000, offset: 1500, filekey: 'abcdefghij.kl1mno.1.png' },
      data.subarray(1500),
    );
    assert.equal(unknown.json.error.code, 'uploadstash-file-not-found');
    const st = await other.post({
      action: 'upload',
      filekey: first.json.upload.filekey,
      checkstatus: 1,
      token: await other.csrf(),
    });
    assert.equal(st.json.error.code, 'missingresult');
  });

  it('serialises concurrent requests for one file key: no interleaved bytes, no lost chunk', async () => {
    const data = pngOfSize(64 * 1024);
    const p = { filename: 'Race.png', filesize: data.length, ignorewarnings: 1 };
    const r1 = await sendChunk(c, { ...p, offset: 0 }, data.subarray(0, 16384));
    const key = r1.json.upload.filekey;
    // Two copies of the same next chunk at once: exactly one is stored.
    const [a, b] = await Promise.all([
      sendChunk(c, { ...p, offset: 16384, filekey: key }, data.subarray(16384, 32768)),
      sendChunk(c, { ...p, offset: 16384, filekey: key }, data.subarray(16384, 32768)),
    ]);
    const results = [
      a.json.upload?.result ?? a.json.error.code,
      b.json.upload?.result ?? b.json.error.code,
    ].sort();
    assert.deepEqual(results, ['Continue', 'stashfailed']);
    const rest = await sendChunk(c, { ...p, offset: 32768, filekey: key }, data.subarray(32768));
    assert.equal(rest.json.upload.result, 'Success');
    assert.equal(rest.json.upload.imageinfo.sha1, sha1(data));
  });

  it('verifies the complete file: a chunked upload of the wrong type fails with stashfailed and is removed', async () => {
    const data = Buffer.concat([pngOfSize(2000)]);
    const answers = await uploadInChunks(c, 'Wrong.jpg', data, 1200);
    const last = answers.at(-1)!;
    assert.equal(last.json.error.code, 'stashfailed');
    assert.equal(last.json.error.info, 'This file did not pass file verification.');
    const rows = await s.server.db
      .selectFrom('uploadstash')
      .selectAll()
      .where('filename', '=', 'Wrong.jpg')
      .execute();
    assert.deepEqual(rows, []);
  });

  it('async: the final chunk answers Poll, checkstatus reaches Success, then an async publish reaches Success', async () => {
    const data = pngOfSize(3000);
    const answers = await uploadInChunks(c, 'Async.png', data, 1500, { async: 1 });
    const last = answers.at(-1)!;
    assert.deepEqual(last.json.upload, {
      result: 'Poll',
      stage: 'queued',
      filekey: answers[0]!.json.upload.filekey,
    });
    const key = last.json.upload.filekey;
    const done = await pollUntilSettled(c, key);
    assert.equal(done.json.upload.result, 'Success');
    assert.equal(done.json.upload.stage, 'assembling');
    const newKey = done.json.upload.filekey;
    assert.equal(done.json.upload.imageinfo.sha1, sha1(data));
    const pub = await c.post({
      action: 'upload',
      filename: 'Async.png',
      filekey: newKey,
      async: 1,
      comment: 'async',
      token: await c.csrf(),
    });
    assert.deepEqual(pub.json.upload, { result: 'Poll', stage: 'queued', filename: 'Async.png' });
    const again = await c.post({
      action: 'upload',
      filename: 'Async.png',
      filekey: newKey,
      async: 1,
      token: await c.csrf(),
    });
    assert.ok(
      again.json.error?.code === 'publishfailed' || again.json.error?.code === 'uploadstash-file-not-found',
      `a second publish of the same key is refused (${again.text})`,
    );
    const published = await pollUntilSettled(c, newKey);
    assert.equal(published.json.upload.result, 'Success');
    assert.equal(published.json.upload.stage, 'publish');
    assert.equal(published.json.upload.filename, 'Async.png');
    assert.equal((await s.server.services.files.current('Async.png'))?.sha1, sha1(data));
  });

  it('removes abandoned chunked uploads with their blobs when the stash expires', async () => {
    const data = pngOfSize(3000);
    const first = await sendChunk(
      c,
      { filename: 'Abandoned.png', filesize: 3000, offset: 0 },
      data.subarray(0, 1500),
    );
    const key = first.json.upload.filekey;
    const { stash } = s.server.services.uploads;
    const entry = await stash.peek(key);
    assert.ok(entry);
    assert.ok(await s.server.services.blobs.stat(entry.blobKey));
    const removed = await stash.cleanup(Date.now() + 7 * 3600 * 1000);
    assert.ok(removed >= 1);
    assert.equal(await stash.peek(key), null);
    assert.equal(await s.server.services.blobs.stat(entry.blobKey), null, 'the blob is gone');
    const late = await sendChunk(
      c,
      { filename: 'Abandoned.png', filesize: 3000, offset: 1500, filekey: key },
      data.subarray(1500),
    );
    assert.equal(late.json.error.code, 'uploadstash-file-not-found');
  });
});
