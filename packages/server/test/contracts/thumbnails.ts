/**
 * The thumbnail cache (files/thumbnails.ts) over a database and a blob store, shared by every node
 * as two servers would share it: a thumbnail rendered by one is served by the other; a cache entry
 * whose blob is gone counts as missing and is rendered again; both asking at once render it once.
 * Run on SQLite + local disk by contracts/on-sqlite-local.test.ts and on PostgreSQL + S3 by
 * scaleout/contracts-on-postgres-s3.test.ts.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.js';
import { ThumbnailStore } from '../../src/files/thumbnails.js';
import { type ScaledPlan, thumbPlan } from '../../src/media/thumbnail/index.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { png, sha1 } from '../helpers/files.js';
import type { BackendNode, BackendUnderTest, OpenBackend } from './backend.js';

/** A blob store that counts what it is asked to write, and has no local paths (like S3). */
function counting(inner: BlobStore): { store: BlobStore; writes: string[] } {
  const writes: string[] = [];
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'localPath') return () => null;
      if (prop === 'write')
        return (key: string, body: Parameters<BlobStore['write']>[1]) => {
          writes.push(key);
          return target.write(key, body);
        };
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store, writes };
}

async function readAll(blobs: BlobStore, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of blobs.read(key)) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

export function thumbnailCacheContract(name: string, open: OpenBackend): void {
  describe(`the thumbnail cache on ${name}, shared by two nodes`, () => {
    let u: BackendUnderTest;
    let a: { thumbs: ThumbnailStore; writes: string[] };
    let b: { thumbs: ThumbnailStore; writes: string[] };
    const cfg = loadConfig({ MWUP_DATA_DIR: tmpdir() }).thumbnails;
    const file = (bytes: Buffer, blobKey: string) => ({
      blobKey,
      sha1: sha1(bytes),
      mime: 'image/png',
      size: bytes.length,
    });
    const plan = (width: number, w = 120, h = 90) =>
      thumbPlan({ name: 'A.png', mime: 'image/png', width: w, height: h }, { width }) as ScaledPlan;
    const bytes = png(120, 90);
    const src = file(bytes, 'files/a.png');
    const dims = async (blobs: BlobStore, key: string) => {
      const m = await sharp(await readAll(blobs, key)).metadata();
      return [m.format, m.width, m.height];
    };

    before(async () => {
      u = await open();
      const nodeA = counting(u.blobs);
      const nodeB = counting((await u.node()).blobs);
      const other = await u.node();
      const store = (n: BackendNode, blobs: BlobStore) =>
        new ThumbnailStore(n.db, blobs, cfg, () => {}, n.unlessRunningElsewhere);
      a = { thumbs: store(u, nodeA.store), writes: nodeA.writes };
      b = { thumbs: store(other, nodeB.store), writes: nodeB.writes };
      await u.blobs.write(src.blobKey, Readable.from([bytes]));
    });
    after(() => u.dispose());

    it('renders a thumbnail once; the other node serves the stored one', async () => {
      assert.equal(await b.thumbs.find(ThumbnailStore.key(src.sha1, plan(40))), null, 'not cached yet');
      const made = await a.thumbs.ensure(src, plan(40));
      assert.equal(a.writes.length, 1);
      assert.equal(made.mime, 'image/png');
      assert.deepEqual(await dims(u.blobs, made.blobKey), ['png', 40, 30]);
      assert.equal((await u.blobs.stat(made.blobKey))?.size, made.size);
      assert.deepEqual(await b.thumbs.find(ThumbnailStore.key(src.sha1, plan(40))), made);
      assert.deepEqual(await b.thumbs.ensure(src, plan(40)), made);
      assert.deepEqual(b.writes, [], 'served, not rendered again');
      // Another width is another thumbnail.
      const small = await b.thumbs.ensure(src, plan(20));
      assert.notEqual(small.blobKey, made.blobKey);
      assert.deepEqual(await dims(u.blobs, small.blobKey), ['png', 20, 15]);
    });

    it('is shared by content: a copy of the bytes under another name uses the same thumbnail', async () => {
      const copy = file(bytes, 'files/copy-of-a.png');
      await u.blobs.write(copy.blobKey, Readable.from([bytes]));
      const first = await a.thumbs.ensure(src, plan(60));
      const writes = a.writes.length + b.writes.length;
      assert.deepEqual(await b.thumbs.ensure(copy, plan(60)), first);
      assert.equal(a.writes.length + b.writes.length, writes);
    });

    it('both nodes asking at once get the same thumbnail, and one cache entry', async () => {
      const other = png(90, 120);
      const s = file(other, 'files/b.png');
      await u.blobs.write(s.blobKey, Readable.from([other]));
      const p = plan(45, 90, 120);
      const writes = a.writes.length + b.writes.length;
      const [x, y] = await Promise.all([a.thumbs.ensure(s, p), b.thumbs.ensure(s, p)]);
      assert.deepEqual(x, y);
      assert.equal(a.writes.length + b.writes.length, writes + 1, 'rendered by one node only');
      assert.deepEqual(await dims(u.blobs, x.blobKey), ['png', 45, 60]);
      const rows = await u.db
        .selectFrom('thumbnails')
        .selectAll()
        .where('key', '=', ThumbnailStore.key(s.sha1, p))
        .execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.blob_key, x.blobKey);
    });

    it('an entry whose blob is gone is missing on every node, and is rendered again', async () => {
      const made = await a.thumbs.ensure(src, plan(80));
      const key = ThumbnailStore.key(src.sha1, plan(80));
      await u.blobs.delete(made.blobKey);
      assert.equal(await a.thumbs.find(key), null);
      assert.equal(await b.thumbs.find(key), null);
      const before = b.writes.length;
      assert.deepEqual(await b.thumbs.ensure(src, plan(80)), made);
      assert.equal(b.writes.length, before + 1, 'rendered again');
      assert.deepEqual(await a.thumbs.find(key), made);
      assert.deepEqual(await dims(u.blobs, made.blobKey), ['png', 80, 60]);
      // Without its cache entry, the thumbnail is rendered again too.
      await u.db.deleteFrom('thumbnails').where('key', '=', key).execute();
      assert.equal(await b.thumbs.find(key), null);
      assert.deepEqual(await a.thumbs.ensure(src, plan(80)), made);
    });

    it('a source whose bytes are gone answers 404 and caches nothing', async () => {
      const gone = file(png(10, 10), 'files/gone.png');
      await assert.rejects(a.thumbs.ensure(gone, plan(5, 10, 10)), { httpStatus: 404 });
      const rows = await u.db
        .selectFrom('thumbnails')
        .select('key')
        .where('key', '=', ThumbnailStore.key(gone.sha1, plan(5, 10, 10)))
        .execute();
      assert.deepEqual(rows, []);
    });
  });
}
