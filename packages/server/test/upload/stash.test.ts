import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/index.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import { stashContract } from './stash-contract.js';

stashContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-stash-'));
  const h = await openDatabase({ driver: 'sqlite', file: join(dir, 'wiki.sqlite') });
  return {
    db: h.db,
    dialect: h.dialect,
    blobs: new LocalBlobStore(join(dir, 'blobs')),
    async dispose() {
      await h.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
