/** Every backend contract on the embedded default: SQLite and a local directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/storage/local.js';
import { blobStoreContract } from './blob-store.js';
import { jobQueueContract } from './job-queue.js';
import { leaseContract } from './leases.js';
import { sessionContract } from './sessions.js';
import { openSqliteLocal } from './sqlite-local.js';
import { stashContract } from './stash.js';
import { thumbnailCacheContract } from './thumbnails.js';

blobStoreContract('LocalBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-blobs-'));
  return {
    store: new LocalBlobStore(dir),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
leaseContract('SQLite', openSqliteLocal);
jobQueueContract('SQLite', openSqliteLocal);
stashContract('SQLite', openSqliteLocal);
sessionContract('SQLite', openSqliteLocal);
thumbnailCacheContract('SQLite and local disk', openSqliteLocal);
