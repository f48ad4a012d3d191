import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/index.js';
import { LocalBlobStore } from '../../src/storage/local.js';
import type { BackendUnderTest } from './backend.js';

/**
 * The embedded default: one SQLite file and a local directory. SQLite serves one server process, so
 * further "nodes" are further services over that process's connection (as its workers and requests
 * are) with blob stores of their own. A second connection in the same thread would wait for the
 * first one's write lock while blocking the thread that has to release it.
 */
export async function openSqliteLocal(): Promise<BackendUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'mwup-contract-'));
  const h = await openDatabase({ driver: 'sqlite', file: join(dir, 'wiki.sqlite') });
  const node = () => ({
    db: h.db,
    dialect: h.dialect,
    blobs: new LocalBlobStore(join(dir, 'blobs')),
    unlessRunningElsewhere: h.unlessRunningElsewhere,
  });
  return {
    ...node(),
    node: async () => node(),
    async dispose() {
      await h.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
