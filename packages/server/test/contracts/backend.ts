/**
 * What a contract suite runs against: a database and a blob store, as one server node sees them,
 * and the means to open further nodes over the same database and storage (their own connections
 * and clients), as a second machine would.
 */
import type { Config } from '../../src/config.js';
import type { DatabaseHandle, Db, Dialect } from '../../src/db/index.js';
import { FileRepo } from '../../src/files/repo.js';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { UploadStash } from '../../src/upload/stash/store.js';

export interface BackendNode {
  db: Db;
  dialect: Dialect;
  blobs: BlobStore;
  /** Work one node at a time (the database's advisory locks; within the process on SQLite). */
  unlessRunningElsewhere: DatabaseHandle['unlessRunningElsewhere'];
}

export interface BackendUnderTest extends BackendNode {
  /** Another node over the same database and storage; closed by `dispose` at the latest. */
  node(): Promise<BackendNode>;
  /** Close every node and remove what the suite left behind. */
  dispose(): Promise<void>;
}

export type OpenBackend = () => Promise<BackendUnderTest>;

/** Wait until a condition holds (the one helper every suite uses). */
export { waitFor as until } from '../helpers/wait.js';

/** The upload stash of a node (entries live an hour), as the stash and lease suites use it. */
export function stashOf(node: BackendNode): UploadStash {
  return new UploadStash(
    node.db,
    node.blobs,
    { uploads: { stashMaxAgeSeconds: 3600 } } as Config,
    new FileRepo(node.db, node.dialect),
  );
}
