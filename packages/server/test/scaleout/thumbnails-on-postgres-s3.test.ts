import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { ThumbnailStore } from '../../src/files/thumbnails.js';
import { type ScaledPlan, thumbPlan } from '../../src/media/thumbnail/index.js';
import { S3BlobStore } from '../../src/storage/s3.js';
import { png, sha1 } from '../helpers/files.js';
import { createTestDatabase, type TestDatabase } from './pg.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });

describe('the thumbnail cache on PostgreSQL + S3, shared by two servers', { skip: skip ?? false }, () => {
  const prefix = `thumbs-${randomUUID()}/`;
  let db: TestDatabase;
  let handles: Awaited<ReturnType<typeof openDatabase>>[] = [];
  const bytes = png(120, 90);
  const src = { blobKey: 'files/a.png', sha1: sha1(bytes), mime: 'image/png', size: bytes.length };
  const plan = thumbPlan(
    { name: 'A.png', mime: 'image/png', width: 120, height: 90 },
    { width: 40 },
  ) as ScaledPlan;

  before(async () => {
    db = await createTestDatabase();
    handles = await Promise.all([0, 1].map(() => openDatabase({ driver: 'postgres', url: db.url })));
    await new S3BlobStore(s3Config(prefix)).write(src.blobKey, Readable.from([bytes]));
  });
  after(async () => {
    for (const h of handles) await h.close();
    await db?.drop();
    await removeAll(prefix);
  });

  it('renders from S3 (no local file) once, and the other server serves the stored thumbnail', async () => {
    const cfg = loadConfig({ MWUP_DATA_DIR: tmpdir() }).thumbnails;
    const [a, b] = handles.map((h) => new ThumbnailStore(h.db, new S3BlobStore(s3Config(prefix)), cfg));
    const first = await a!.ensure(src, plan);
    const found = await b!.find(ThumbnailStore.key(src.sha1, plan));
    assert.deepEqual(found, first);
    assert.deepEqual(await b!.ensure(src, plan), first);
    const parts: Buffer[] = [];
    for await (const c of new S3BlobStore(s3Config(prefix)).read(first.blobKey)) parts.push(c as Buffer);
    const meta = await sharp(Buffer.concat(parts)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 40, 30]);
  });
});
