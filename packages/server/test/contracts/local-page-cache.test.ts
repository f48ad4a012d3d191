/**
 * Local storage lets the kernel drop an upload's bytes from the page cache once they are on disk
 * (util/page-cache.ts): streamed writes and appended chunks leave (almost) nothing resident, and the
 * bytes read back whole.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LocalBlobStore } from '../../src/storage/local.js';
import { canDropPageCache } from '../../src/util/page-cache.js';

const MiB = 1024 * 1024;

/** Resident bytes of a file in the page cache (util-linux's `fincore`). */
const resident = (path: string): number =>
  Number(execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path]).toString().trim());
const hasFincore = (() => {
  try {
    execFileSync('fincore', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

/** `total` random bytes in 64 KiB pieces, as a socket delivers them. */
function body(total: number): { stream: Readable; bytes: Buffer } {
  const bytes = randomBytes(total);
  const parts: Buffer[] = [];
  for (let at = 0; at < total; at += 64 * 1024) parts.push(bytes.subarray(at, at + 64 * 1024));
  return { stream: Readable.from(parts), bytes };
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

describe('local storage: uploaded bytes leave the page cache', {
  skip: process.platform !== 'linux' ? 'page cache advice is tested on Linux' : false,
}, () => {
  let dir: string;
  let store: LocalBlobStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-pagecache-'));
    store = new LocalBlobStore(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is built and loaded (npm install builds the addon where there is a compiler)', () => {
    assert.equal(canDropPageCache(), true);
  });

  it('drops a streamed blob once it is written', { skip: !hasFincore && 'no fincore' }, async () => {
    const b = body(40 * MiB);
    assert.equal(await store.write('upload/aa/streamed', b.stream), 40 * MiB);
    const path = store.localPath('upload/aa/streamed');
    assert.equal(resident(path), 0);
    assert.equal(sha1(await readFile(path)), sha1(b.bytes));
  });

  it('drops appended chunks once flushed, small and large', {
    skip: !hasFincore && 'no fincore',
  }, async () => {
    const key = 'upload/bb/chunked';
    const chunks = [body(3 * MiB), body(512 * 1024), body(5 * MiB)];
    let at = 0;
    for (const c of chunks) at = await store.append(key, at, c.stream);
    // The seal waits for the background flushes (and what follows them).
    await store.seal(key, at);
    const path = store.localPath(key);
    assert.equal(resident(path), 0);
    assert.equal(sha1(await readFile(path)), sha1(Buffer.concat(chunks.map((c) => c.bytes))));
  });

  it('leaves a small body written whole in the cache (few pages; thumbnails of an image are made from it soon)', {
    skip: !hasFincore && 'no fincore',
  }, async () => {
    const b = body(100 * 1024);
    await store.write('upload/cc/small', b.stream);
    assert.equal(resident(store.localPath('upload/cc/small')), 100 * 1024);
  });
});
