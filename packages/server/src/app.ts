import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { ApiMain } from './api/main.js';
import { loginModule, logoutModule } from './api/modules/login.js';
import { PAGE_MODULES } from './api/modules/pages-index.js';
import { createQueryModule } from './api/modules/query.js';
import { createUploadModule, type UploadExtensions } from './api/modules/upload.js';
import { asyncUploadExtensions } from './api/modules/upload-async.js';
import { urlUploadExtensions } from './api/modules/upload-url.js';
import { QUERY_SUBMODULES } from './api/query/index.js';
import { createUploadPlanner } from './api/upload-planner.js';
import { generatePassword } from './auth/password.js';
import { buildGroupPermissions } from './auth/rights.js';
import { SessionService } from './auth/sessions.js';
import { UserService } from './auth/users.js';
import type { Config } from './config.js';
import { openDatabase } from './db/index.js';
import { stashImageInfo, uploadImageInfo } from './files/imageinfo.js';
import { FileRepo } from './files/repo.js';
import { ThumbnailStore } from './files/thumbnails.js';
import { buildHttpServer } from './http/server.js';
import { JobQueue } from './jobs/queue.js';
import { createLogger } from './log.js';
import { startMaintenance } from './maintenance.js';
import type { Services } from './services.js';
import type { BlobStore } from './storage/blob-store.js';
import { LocalBlobStore } from './storage/local.js';
import { ChunkedUploads } from './upload/chunks.js';
import { registerUploadJobs } from './upload/jobs.js';
import { StashLocks } from './upload/locks.js';
import { UploadService } from './upload/service.js';
import { UploadStash } from './upload/stash.js';
import { StatusStore } from './upload/status.js';
import { registerUrlJobs } from './upload/url-jobs.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
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
}

export interface BootstrapInfo {
  admin: string;
  password: string | null;
  botName: string;
  botPassword: string;
}

/** Grants of the bot password created for the first administrator. */
export const BOOTSTRAP_GRANTS = [
  'basic',
  'highvolume',
  'editpage',
  'createeditmovepage',
  'uploadfile',
  'uploadeditmovefile',
  'delete',
  'viewmywatchlist',
  'editmywatchlist',
];

async function openBlobStore(cfg: Config): Promise<BlobStore> {
  if (cfg.storage.driver === 'local') return new LocalBlobStore(cfg.storage.dir);
  if (cfg.storage.driver === 's3') {
    // Loaded only when used: the AWS SDK is large.
    const { S3BlobStore } = await import('./storage/s3.js');
    return new S3BlobStore(cfg.storage);
  }
  throw new Error(`storage driver ${(cfg.storage as { driver: string }).driver} is not available`);
}

/** Create the first administrator (and a bot password for it) when the wiki has no users. */
async function bootstrap(services: Services): Promise<BootstrapInfo | null> {
  const { users, config } = services;
  if ((await users.count()) > 0) return null;
  const password = config.admin.password ?? generatePassword(20);
  const admin = await users.create(config.admin.name, password, ['sysop', 'bureaucrat', 'interface-admin']);
  const botPassword = await users.createBotPassword(admin.id, 'bot', BOOTSTRAP_GRANTS);
  return {
    admin: admin.name,
    password: config.admin.password ? null : password,
    botName: `${admin.name}@bot`,
    botPassword,
  };
}

/** Composition root: config → database → storage → services → HTTP. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const dbh = await openDatabase(config.database);
  const blobs = await openBlobStore(config);
  const files = new FileRepo(dbh.db, dbh.dialect);
  const stash = new UploadStash(dbh.db, blobs, config);
  const services: Services = {
    config,
    db: dbh.db,
    dialect: dbh.dialect,
    blobs,
    users: new UserService(dbh.db),
    sessions: new SessionService(dbh.db, config.sessions.maxAgeSeconds),
    permissions: buildGroupPermissions(config.groupPermissions),
    files,
    uploads: { stash, service: new UploadService({ config, db: dbh.db, blobs, files, stash }) },
    log,
  };
  const boot = await bootstrap(services);

  const jobs = new JobQueue(dbh.db, config.jobs, services.log);
  const status = new StatusStore(dbh.db);
  const chunks = new ChunkedUploads({
    config,
    db: dbh.db,
    blobs,
    stash,
    service: services.uploads.service,
    status,
    locks: new StashLocks(dbh.db),
    jobs,
  });
  registerUploadJobs(services, jobs, chunks, status);
  registerUrlJobs(services, jobs, status);
  const info = { imageInfo: uploadImageInfo, stashImageInfo };

  const api = new ApiMain(services);
  api.register(createQueryModule(QUERY_SUBMODULES));
  api.register(loginModule);
  api.register(logoutModule);
  for (const m of PAGE_MODULES) api.register(m);
  const asyncExt = asyncUploadExtensions({ chunks, status, jobs, info });
  const ext: UploadExtensions = {
    ...info,
    ...asyncExt,
    ...urlUploadExtensions({ jobs, status, checkStatus: asyncExt.checkStatus! }, () => ext),
  };
  api.register(createUploadModule(config, ext));

  const app = buildHttpServer(services, {
    api,
    planPart: createUploadPlanner(services, chunks),
    thumbnails: new ThumbnailStore(dbh.db, blobs, config.thumbnails),
    logger: log,
  });
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
  jobs.start();
  const stopMaintenance = startMaintenance(services, jobs, config.maintenanceIntervalSeconds * 1000);
  return {
    app,
    services,
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
      await stopMaintenance();
      await jobs.stop();
      await dbh.close();
    },
  };
}
