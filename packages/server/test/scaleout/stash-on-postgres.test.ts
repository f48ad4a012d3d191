import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { openDatabase } from '../../src/db/index.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import { stashContract } from '../upload/stash-contract.js';
import { createTestDatabase } from './pg.js';
import { missingServers } from './s3-env.js';

const skip = missingServers({ pg: true });

if (skip) describe('the stash state machine on PostgreSQL', { skip }, () => {});
else
  stashContract('PostgreSQL', async () => {
    const pg = await createTestDatabase();
    const h = await openDatabase({ driver: 'postgres', url: pg.url });
    const dir = await mkdtemp(join(tmpdir(), 'mwup-stash-'));
    return {
      db: h.db,
      dialect: h.dialect,
      blobs: new LocalBlobStore(dir),
      async dispose() {
        await h.close();
        await pg.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
