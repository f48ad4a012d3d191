/** Every backend contract on the scale-out engines: PostgreSQL and S3-compatible storage. */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/db/index.js';
import { S3BlobStore } from '../../src/storage/s3.js';
import type { BackendNode, BackendUnderTest } from '../contracts/backend.js';
import { blobStoreContract } from '../contracts/blob-store.js';
import { filledBodyContract } from '../contracts/filled-bodies.js';
import { jobQueueContract } from '../contracts/job-queue.js';
import { leaseContract } from '../contracts/leases.js';
import { sessionContract } from '../contracts/sessions.js';
import { stashContract } from '../contracts/stash.js';
import { thumbnailCacheContract } from '../contracts/thumbnails.js';
import { createTestDatabase } from './pg.js';
import { missingServers, removeAll, s3Config } from './s3-env.js';

const skip = missingServers({ s3: true, pg: true });

/**
 * A new database and a key prefix of its own in the test bucket; every node has its own connection
 * pool and S3 client.
 */
async function openPostgresS3(): Promise<BackendUnderTest> {
  const pg = await createTestDatabase();
  const prefix = `contracts-${randomUUID()}/`;
  const closers: (() => Promise<void>)[] = [];
  const node = async (): Promise<BackendNode> => {
    const h = await openDatabase({ driver: 'postgres', url: pg.url });
    const blobs = new S3BlobStore(s3Config(prefix));
    closers.push(async () => {
      await h.close();
      blobs.destroy();
    });
    return { db: h.db, dialect: h.dialect, blobs, unlessRunningElsewhere: h.unlessRunningElsewhere };
  };
  return {
    ...(await node()),
    node,
    async dispose() {
      for (const close of closers) await close();
      await pg.drop();
      await removeAll(prefix);
    },
  };
}

if (skip) {
  describe('backend contracts on PostgreSQL and S3', { skip }, () => {
    it('needs a PostgreSQL and an S3 server');
  });
} else {
  blobStoreContract('S3BlobStore', async () => {
    const prefix = `contract-${randomUUID()}/`;
    // Small listing pages, so that listing pages through.
    const store = new S3BlobStore(s3Config(prefix), { listPageSize: 50 });
    return { store, dispose: () => removeAll(prefix, store) };
  });
  filledBodyContract('S3BlobStore', async () => {
    const prefix = `contract-${randomUUID()}/`;
    const store = new S3BlobStore(s3Config(prefix));
    return { store, dispose: () => removeAll(prefix, store) };
  });
  leaseContract('PostgreSQL', openPostgresS3);
  jobQueueContract('PostgreSQL', openPostgresS3);
  stashContract('PostgreSQL and S3', openPostgresS3);
  sessionContract('PostgreSQL', openPostgresS3);
  thumbnailCacheContract('PostgreSQL and S3', openPostgresS3);
}
