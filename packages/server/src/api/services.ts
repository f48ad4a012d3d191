import type { LoginThrottle } from '../auth/login-throttle.js';
import type { OAuthTokenService } from '../auth/oauth-tokens.js';
import type { GroupPermissions } from '../auth/rights.js';
import type { SessionService } from '../auth/sessions.js';
import type { UserService } from '../auth/users.js';
import type { Config } from '../config.js';
import type { FileArchive } from '../files/archive.js';
import type { FileListing } from '../files/listing.js';
import type { LogEvents } from '../files/logs.js';
import type { PageStore } from '../files/pages.js';
import type { Protections } from '../files/protections.js';
import type { RecentChanges } from '../files/recent-changes.js';
import type { FileRepo } from '../files/repo.js';
import type { Revisions } from '../files/revisions.js';
import type { SiteStatistics } from '../files/statistics.js';
import type { ChangeTags } from '../files/tags.js';
import type { Watchlist } from '../files/watchlist.js';
import type { Logger } from '../log.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Readiness } from '../storage/readiness.js';
import type { ForeignRepos } from '../upload/foreign/group.js';
import type { Uploads } from '../upload/service.js';
import type { Metrics } from '../util/metrics.js';

/**
 * What the Action API (and the HTTP routes on top of it) use: the long-lived parts of the server,
 * built once by the composition root (app.ts). The API holds no SQL: every table is reached through
 * the repository that owns it.
 */
export interface Services {
  config: Config;
  /** The database engine, as meta=siteinfo reports it. */
  dialect: 'sqlite' | 'postgres';
  /** The database server's version (`dbversion` of meta=siteinfo). */
  dbVersion: string;
  blobs: BlobStore;
  users: UserService;
  sessions: SessionService;
  /** OAuth 2 access tokens (`Authorization: Bearer`), an alternative to the session cookie. */
  oauthTokens: OAuthTokenService;
  permissions: GroupPermissions;
  loginThrottle: LoginThrottle;
  files: FileRepo;
  pages: PageStore;
  revisions: Revisions;
  logs: LogEvents;
  recentChanges: RecentChanges;
  metrics: Metrics;
  /** Whether the database and the storage answer (`/readyz`). */
  readiness(): Promise<Readiness>;
  tags: ChangeTags;
  watchlist: Watchlist;
  protections: Protections;
  archive: FileArchive;
  listing: FileListing;
  statistics: SiteStatistics;
  uploads: Uploads;
  /** The foreign file repositories (shared repositories), searched after the local one. */
  foreign: ForeignRepos;
  log: Logger;
}
