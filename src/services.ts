import type { GroupPermissions } from './auth/rights.js';
import type { SessionService } from './auth/sessions.js';
import type { UserService } from './auth/users.js';
import type { Config } from './config.js';
import type { Db, Dialect } from './db/index.js';
import type { BlobStore } from './storage/blob-store.js';

/** The long-lived parts of the server, built once by the composition root (main.ts). */
export interface Services {
  config: Config;
  db: Db;
  dialect: Dialect;
  blobs: BlobStore;
  users: UserService;
  sessions: SessionService;
  permissions: GroupPermissions;
  // biome-ignore lint/suspicious/noExplicitAny: filled in by later layers
  [extra: string]: any;
}
