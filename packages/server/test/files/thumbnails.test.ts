import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { ThumbnailStore } from '../../src/files/thumbnails.js';
import { type ScaledPlan, ThumbnailError, thumbPlan } from '../../src/media/thumbnail/index.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import { png, sha1 } from '../helpers/files.js';

/** A blob store whose reads of the source wait until released (and that has no local paths). */
class GatedBlobs {
  readonly reads: string[] = [];
  private waiters: Array<() => void> = [];
  private readWaiters: Array<{ n: number; resolve: () => void }> = [];
  private released = false;
  constructor(readonly inner: BlobStore) {}
  /** Resolves once `n` reads have started. */
  readsStarted(n: number): Promise<void> {
    if (this.reads.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.readWaiters.push({ n, resolve }));
  }
  release(): void {
    this.released = true;
    for (const w of this.waiters.splice(0)) w();
  }
  store(): BlobStore {
    const inner = this.inner;
    return new Proxy(inner, {
      get: (target, prop) => {
        if (prop === 'localPath') return () => null;
        if (prop === 'read')
          return (key: string) => {
            this.reads.push(key);
            for (const w of this.readWaiters.filter((x) => this.reads.length >= x.n)) w.resolve();
            const gate = this.released ? Promise.resolve() : new Promise<void>((r) => this.waiters.push(r));
            return Readable.from(
              (async function* () {
                await gate;
                yield* inner.read(key);
              })(),
            );
          };
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }
}

describe('ThumbnailStore: the shared thumbnail cache', () => {
  let dir: string;
  let dbh: Awaited<ReturnType<typeof openDatabase>>;
  let blobs: LocalBlobStore;
  const bytes = png(120, 90);
  const file = { name: 'A.png', mime: 'image/png', width: 120, height: 90 };
  const src = { blobKey: 'files/a.png', sha1: sha1(bytes), mime: 'image/png', size: bytes.length };
  const plan = (width: number) => thumbPlan(file, { width }) as ScaledPlan;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mwup-thumbs-'));
    dbh = await openDatabase({ driver: 'sqlite', file: join(dir, 'db.sqlite') });
    blobs = new LocalBlobStore(join(dir, 'blobs'));
    await blobs.write(src.blobKey, Readable.from([bytes]));
  });
  after(async () => {
    await dbh.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('renders identical concurrent requests once, at most `concurrency` at a time, and refuses more than `maxQueue` waiting', async () => {
    const gated = new GatedBlobs(blobs);
    const cfg = { ...loadConfig({ MWUP_DATA_DIR: dir }).thumbnails, concurrency: 1, maxQueue: 1 };
    const store = new ThumbnailStore(dbh.db, gated.store(), cfg);
    const a1 = store.ensure(src, plan(40));
    const a2 = store.ensure(src, plan(40));
    await gated.readsStarted(1);
    const b = store.ensure(src, plan(30));
    // Waits for its slot: one rendering runs, one waits.
    await until(() => store.load.waiting === 1);
    assert.deepEqual(store.load, { active: 1, waiting: 1 });
    await assert.rejects(store.ensure(src, plan(20)), (e: unknown) => {
      assert.ok(e instanceof ThumbnailError);
      assert.equal(e.httpStatus, 503);
      return true;
    });
    gated.release();
    const [r1, r2, rb] = await Promise.all([a1, a2, b]);
    assert.deepEqual(r1, r2);
    assert.equal(gated.reads.length, 2, 'one read per distinct thumbnail');
    assert.equal((await sharp(await readAll(blobs, r1.blobKey)).metadata()).width, 40);
    assert.equal((await sharp(await readAll(blobs, rb.blobKey)).metadata()).width, 30);
    // Stored: another store (another server) finds them without rendering.
    const other = new ThumbnailStore(dbh.db, gated.store(), cfg);
    assert.deepEqual(await other.ensure(src, plan(40)), r1);
    assert.equal(gated.reads.length, 2);
    assert.deepEqual(store.load, { active: 0, waiting: 0 });
  });

  it('answers 404 when the source bytes are gone and 400 when they cannot be decoded', async () => {
    const store = new ThumbnailStore(dbh.db, blobs, loadConfig({ MWUP_DATA_DIR: dir }).thumbnails);
    await assert.rejects(
      store.ensure({ ...src, blobKey: 'files/missing.png', sha1: 'f'.repeat(40) }, plan(40)),
      {
        httpStatus: 404,
      },
    );
    const junk = Buffer.from('not a png at all');
    await blobs.write('files/junk.png', Readable.from([junk]));
    await assert.rejects(
      store.ensure(
        { blobKey: 'files/junk.png', sha1: sha1(junk), mime: 'image/png', size: junk.length },
        plan(40),
      ),
      { httpStatus: 400, message: 'Error creating thumbnail: The file could not be decoded' },
    );
  });
});

/** Wait until `cond` holds (checked once per turn of the event loop). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((r) => setImmediate(r));
}

async function readAll(blobs: BlobStore, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of blobs.read(key)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
