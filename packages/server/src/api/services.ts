import type { GroupPermissions } from '../auth/rights.js';
import type { SessionService } from '../auth/sessions.js';
import type { UserService } from '../auth/users.js';
import type { Config } from '../config.js';
import type { Db, Dialect } from '../db/index.js';
import type { FileRepo } from '../files/repo.js';
import type { Logger } from '../log.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Uploads } from '../upload/service.js';

/**
 * What the Action API (and the HTTP routes on top of it) use: the long-lived parts of the server,
 * built once by the composition root (app.ts).
 */
export interface Services {
  config: Config;
  db: Db;
  dialect: Dialect;
  blobs: BlobStore;
  users: UserService;
  sessions: SessionService;
  permissions: GroupPermissions;
  files: FileRepo;
  uploads: Uploads;
  log: Logger;
}
