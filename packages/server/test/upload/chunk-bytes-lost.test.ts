/**
 * Chunked uploads whose stashed bytes are lost from storage (removed by hand, a lost volume, a
 * crash before they were durable) between chunks or before the assembly: MediaWiki's errors, and
 * nothing made up in their place. Storage-neutral: the blob is cut back with an empty append.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClient } from '../helpers/client.js';
import { pngOfSize } from '../helpers/files.js';
import { createBot, startTestServer, type TestServer } from '../helpers/server.js';
import { sendChunk } from './chunks.js';

const NOT_THERE = 'Cannot find path, or not a plain file.';
const nothing = async function* () {};

describe('chunked uploads whose stashed bytes are lost', () => {
  let s: TestServer;
  let c: TestClient;
  /** Run by the assembly before it reads the bytes, when set. */
  let beforeAssemble: ((filekey: string) => Promise<void>) | null = null;
  before(async () => {
    s = await startTestServer(undefined, {
      uploadHooks: { beforeAssemble: async (key) => beforeAssemble?.(key) },
    });
    const b = await createBot(s);
    c = new TestClient(s.api);
    await c.login(b.lgname, b.password);
  });
  after(() => s.close());

  const blobOf = async (filekey: string) => {
    const entry = await s.server.services.uploads.stash.peek(filekey);
    assert.ok(entry, `${filekey} is stashed`);
    return entry.blobKey;
  };
  /** The first half of a 3,000-byte upload: its data, file key and blob. */
  const firstHalf = async (name: string) => {
    const data = pngOfSize(3000);
    const first = await sendChunk(c, { filename: name, filesize: 3000, offset: 0 }, data.subarray(0, 1500));
    const key: string = first.json.upload.filekey;
    return { data, key, blobKey: await blobOf(key) };
  };
  const secondHalf = (name: string, key: string, data: Buffer) =>
    sendChunk(c, { filename: name, filesize: 3000, offset: 1500, filekey: key }, data.subarray(1500));
  /** Keep only the first `size` bytes of a stashed blob. */
  const cutTo = async (blobKey: string, size: number) => {
    assert.equal(await s.server.services.blobs.append(blobKey, size, nothing()), size);
  };

  it(`answers the next chunk as MediaWiki when the stashed bytes are gone`, async () => {
    const name = 'Vanished.png';
    const { data, key, blobKey } = await firstHalf(name);
    await s.server.services.blobs.delete(blobKey);
    const next = await secondHalf(name, key, data);
    assert.equal(next.status, 200);
    assert.equal(next.json.error?.code, 'uploadstash-file-not-found-not-exists', next.text);
    assert.equal(next.json.error.info, NOT_THERE);
    assert.equal(await s.server.services.blobs.stat(blobKey), null, 'nothing is made up in its place');
  });

  it(`answers the next chunk as MediaWiki when part of the stashed bytes is gone`, async () => {
    const name = 'Shortened.png';
    const { data, key, blobKey } = await firstHalf(name);
    await cutTo(blobKey, 1000);
    const next = await secondHalf(name, key, data);
    assert.equal(next.json.error?.code, 'uploadstash-file-not-found-not-exists', next.text);
    assert.equal(next.json.error.info, NOT_THERE);
    assert.equal(
      (await s.server.services.blobs.stat(blobKey))?.size,
      1000,
      'no bytes are added after the gap',
    );
  });

  it(`fails the assembly with stashfailed, and removes the upload, when stashed bytes are gone before it`, async () => {
    const name = 'Lost before assembly.png';
    const { data, key, blobKey } = await firstHalf(name);
    beforeAssemble = async () => {
      await cutTo(blobKey, 2000);
    };
    try {
      const last = await secondHalf(name, key, data);
      assert.equal(last.status, 200);
      assert.equal(last.json.error?.code, 'stashfailed', last.text);
      assert.equal(last.json.error.info, NOT_THERE);
    } finally {
      beforeAssemble = null;
    }
    assert.equal(await s.server.services.uploads.stash.peek(key), null, 'the upload is gone');
    assert.equal(await s.server.services.blobs.stat(blobKey), null, 'and its bytes');
    const publish = await c.post({ action: 'upload', filename: name, filekey: key, token: await c.csrf() });
    assert.match(publish.json.error?.code ?? '', /^uploadstash-file-not-found/, publish.text);
    assert.equal(await s.server.services.files.current(name), null, 'nothing is published');
  });
});
