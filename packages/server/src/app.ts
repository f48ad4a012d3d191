import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { type BootstrapInfo, bootstrap } from './admin/first-start.js';
import { ApiMain } from './api/main.js';
import { checkTokenModule } from './api/modules/checktoken.js';
import { fileRevertModule } from './api/modules/filerevert.js';
import { createHelpModule } from './api/modules/help.js';
import { loginModule, logoutModule } from './api/modules/login.js';
import { purgeModule, watchModule } from './api/modules/page-actions.js';
import { PAGE_MODULES } from './api/modules/pages-index.js';
import { protectModule } from './api/modules/protect.js';
import { createQueryModule } from './api/modules/query.js';
import { createUploadModule } from './api/modules/upload.js';
import { createParamInfoModule } from './api/paraminfo/module.js';
import { QUERY_SUBMODULES } from './api/query/index.js';
import type { Services } from './api/services.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { OAuthTokenService } from './auth/oauth-tokens.js';
import { buildGroupPermissions } from './auth/rights.js';
import { SessionService } from './auth/sessions.js';
import { UserService } from './auth/users.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/index.js';
import { FileArchive } from './files/archive.js';
import { FileListing } from './files/listing.js';
import { LogEvents } from './files/logs.js';
import { PageStore } from './files/pages.js';
import { Protections } from './files/protections.js';
import { RecentChanges } from './files/recent-changes.js';
import { FileRepo } from './files/repo.js';
import { Revisions } from './files/revisions.js';
import { SiteStatistics } from './files/statistics.js';
import { ChangeTags } from './files/tags.js';
import { ThumbnailStore } from './files/thumbnails.js';
import { Watchlist } from './files/watchlist.js';
import { buildHttpServer } from './http/server.js';
import { JobQueue } from './jobs/queue.js';
import { createLogger } from './log.js';
import { startMaintenance } from './maintenance.js';
import { openBlobStore } from './storage/open.js';
import { checkReadiness } from './storage/readiness.js';
import { ForeignRepos } from './upload/foreign/group.js';
import type { UploadHooks } from './upload/hooks.js';
import { Uploads } from './upload/service.js';
import { startMallocTrim } from './util/malloc-trim.js';
import { Metrics } from './util/metrics.js';
import { webPlugin } from './web/plugin.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  /** The database (for maintenance tools and tests; the API reaches it through the repositories). */
  db: Db;
  /** Public origin, e.g. http://127.0.0.1:8080 */
  origin: string;
  /** URL of api.php */
  api: string;
  jobs: JobQueue;
  /** Credentials created on first start (only then). */
  bootstrap: BootstrapInfo | null;
  /**
   * Stop: no new connections; requests in flight may finish for `config.shutdownTimeoutSeconds`,
   * then their connections are closed; then maintenance and the job queue stop and the database closes.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  /** The logger (default: pino as `logLevel` and `logFormat` say, on standard output). */
  logger?: FastifyBaseLogger;
  /** Test hooks of the upload layer (see src/upload/hooks.ts). */
  uploadHooks?: UploadHooks;
}

/** Composition root: config → database → storage → services → HTTP. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  // Settings refused here refuse the start before anything is opened.
  const foreign = new ForeignRepos(config, log);
  const dbh = await openDatabase(config.database);
  const metrics = new Metrics();
  const blobs = await openBlobStore(config.storage);
  const files = new FileRepo(dbh.db, dbh.dialect, metrics.lockWaited);
  const users = new UserService(dbh.db);
  const sessions = new SessionService(dbh.db, config.sessions.maxAgeSeconds);
  const permissions = buildGroupPermissions(config.groupPermissions);
  // Jobs queued on one node wake the idle workers of every node (PostgreSQL LISTEN/NOTIFY).
  const JOBS_CHANNEL = 'mwup_jobs';
  const jobs = new JobQueue(dbh.db, config.jobs, log, { notify: () => dbh.notify(JOBS_CHANNEL) });
  const uploads = new Uploads({
    config,
    db: dbh.db,
    blobs,
    files,
    jobs,
    users,
    sessions,
    permissions,
    hooks: opts.uploadHooks,
    lockWaited: metrics.lockWaited,
    foreign,
  });
  const db = dbh.db;
  const services: Services = {
    config,
    dialect: dbh.dialect,
    dbVersion: dbh.version,
    blobs,
    users,
    sessions,
    oauthTokens: new OAuthTokenService(db),
    permissions,
    loginThrottle: new LoginThrottle(db),
    files,
    pages: new PageStore(db),
    revisions: new Revisions(db),
    logs: new LogEvents(db),
    recentChanges: new RecentChanges(db),
    readiness: () => checkReadiness(db, blobs),
    metrics,
    tags: new ChangeTags(db),
    watchlist: new Watchlist(db),
    protections: new Protections(db),
    archive: new FileArchive(db),
    listing: new FileListing(db),
    statistics: new SiteStatistics(db),
    uploads,
    foreign,
    log,
  };
  const boot = await dbh.exclusive(() => bootstrap(services));

  const api = new ApiMain(services);
  const query = createQueryModule(QUERY_SUBMODULES);
  api.register(query);
  const registry = {
    actions: () => api.registered(),
    querySubmodules: QUERY_SUBMODULES,
    query: () => query,
    main: () => api.describeMain(),
  };
  api.register(createParamInfoModule(registry));
  api.register(createHelpModule(registry));
  api.register(loginModule);
  api.register(checkTokenModule);
  api.register(watchModule);
  api.register(purgeModule);
  api.register(fileRevertModule);
  api.register(protectModule);
  api.register(logoutModule);
  for (const m of PAGE_MODULES) api.register(m);
  api.register(createUploadModule(config));

  const app = buildHttpServer(services, {
    api,
    parts: uploads.parts,
    thumbnails: new ThumbnailStore(
      dbh.db,
      blobs,
      config.thumbnails,
      () => metrics.thumbnailRenders.inc(),
      dbh.unlessRunningElsewhere,
    ),
    logger: log,
  });
  // The web interface: pages and forms over the same Action API.
  app.register(webPlugin, { services, api, parts: uploads.parts });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app.close().catch(() => {});
    await dbh.close();
    throw e;
  }
  const addr = app.server.address();
  if (addr && typeof addr === 'object' && config.port === 0) {
    config.port = addr.port;
    const h = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    if (config.server.endsWith(':0')) config.server = `http://${h.includes(':') ? `[${h}]` : h}:${addr.port}`;
  }
  const stopListening = await dbh.listen(JOBS_CHANNEL, () => jobs.wakeUp());
  metrics.gauge(
    'mwup_jobs_pending',
    'Jobs queued or running (async uploads).',
    async () => (await jobs.pending()).count,
  );
  metrics.gauge(
    'mwup_jobs_oldest_pending_seconds',
    'Age of the oldest job queued or running.',
    async () => (await jobs.pending()).oldestSeconds,
  );
  metrics.gauge('mwup_stash_entries', 'Uploads in the stash.', () => uploads.stash.count());
  jobs.start();
  const stopMaintenance = startMaintenance(
    services,
    jobs,
    config.maintenanceIntervalSeconds * 1000,
    (name, fn) => dbh.unlessRunningElsewhere(name, fn),
  );
  const stopTrimming = startMallocTrim();
  return {
    app,
    services,
    db,
    jobs,
    origin: config.server,
    api: `${config.server}${config.scriptPath}/api.php`,
    bootstrap: boot,
    async close() {
      const force = setTimeout(() => {
        log.warn(
          { seconds: config.shutdownTimeoutSeconds },
          'closing the connections of requests still running',
        );
        app.server.closeAllConnections();
      }, config.shutdownTimeoutSeconds * 1000);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
      stopTrimming();
      await stopMaintenance();
      await stopListening();
      await jobs.stop();
      await dbh.close();
    },
  };
}
