import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/storage/local.js';
import { blobStoreContract } from './contract.js';

blobStoreContract('LocalBlobStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-blobs-'));
  return {
    store: new LocalBlobStore(dir),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
