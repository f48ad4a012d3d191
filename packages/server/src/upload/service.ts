import type { GroupPermissions } from '../auth/rights.js';
import type { SessionService } from '../auth/sessions.js';
import type { UserService } from '../auth/users.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { LogEvents } from '../files/logs.js';
import type { FileRepo } from '../files/repo.js';
import type { JobQueue } from '../jobs/queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { LockWaitObserver } from '../util/metrics.js';
import { Assembler } from './assemble.js';
import { UploadChecks } from './checks.js';
import { StatusCheck } from './checkstatus.js';
import { ForeignRepos } from './foreign/group.js';
import type { UploadHooks } from './hooks.js';
import { registerUploadJobs } from './jobs.js';
import { PartReceiver } from './parts.js';
import { UploadPipeline } from './pipeline.js';
import type { Caller, UploadAnswer, UploadRequest } from './requests.js';
import { ChunkSource } from './sources/chunk.js';
import { uploadFile } from './sources/file.js';
import { StashSource } from './sources/stash.js';
import { UrlSource } from './sources/url.js';
import { StashLeases } from './stash/locks.js';
import { StashTransitions } from './stash/state.js';
import { StatusStore } from './stash/status.js';
import { UploadStash } from './stash/store.js';
import { TusUploads } from './tus/store.js';

/** What the upload layer is built from (given by the composition root). */
export interface UploadDeps {
  config: Config;
  db: Db;
  blobs: BlobStore;
  files: FileRepo;
  jobs: JobQueue;
  users: Pick<UserService, 'byId'>;
  sessions: Pick<SessionService, 'load'>;
  permissions: GroupPermissions;
  hooks?: UploadHooks;
  /** Told how long stash leases were waited for (metrics). */
  lockWaited?: LockWaitObserver;
  /** The foreign file repositories (built from `config` when not given). */
  foreign?: ForeignRepos;
}

/**
 * The upload layer as the layers above use it: one call per upload request (`run`), the receiver of
 * file parts for the HTTP layer (`parts`), and the stash for reading (`stash`).
 */
export class Uploads {
  readonly stash: UploadStash;
  readonly parts: PartReceiver;
  /** Resumable uploads (tus, the IETF draft) into the same stash. */
  readonly tus: TusUploads;
  private readonly pipeline: UploadPipeline;
  private readonly chunks: ChunkSource;
  private readonly fromStash: StashSource;
  private readonly fromUrl: UrlSource;
  private readonly status: StatusCheck;

  constructor(d: UploadDeps) {
    const { config, db, blobs, files, jobs } = d;
    this.stash = new UploadStash(db, blobs, config, files);
    const stash = this.stash;
    const leases = new StashLeases(db, config.uploads.stashLeaseSeconds * 1000, d.lockWaited);
    const transitions = new StashTransitions(db, () => stash.expiry(), leases.leaseMs);
    const status = new StatusStore(db);
    const checks = new UploadChecks({
      config,
      blobs,
      files,
      logs: new LogEvents(db),
      foreign: d.foreign ?? new ForeignRepos(config),
    });
    this.pipeline = new UploadPipeline({ config, blobs, files, stash, transitions, checks, hooks: d.hooks });
    const pipeline = this.pipeline;
    const assembler = new Assembler({
      db,
      blobs,
      stash,
      leases,
      transitions,
      status,
      checks,
      hooks: d.hooks,
    });
    this.chunks = new ChunkSource({
      config,
      blobs,
      stash,
      leases,
      transitions,
      status,
      jobs,
      checks,
      assembler,
    });
    this.fromStash = new StashSource({ config, blobs, stash, status, jobs, checks, pipeline });
    this.fromUrl = new UrlSource({ config, blobs, status, jobs, pipeline });
    this.status = new StatusCheck({ stash, status, transitions, files, jobs });
    this.parts = new PartReceiver({ config, blobs, chunks: this.chunks });
    this.tus = new TusUploads({ config, db, blobs, stash, leases, transitions, status, checks, assembler });
    registerUploadJobs(jobs, {
      users: d.users,
      permissions: d.permissions,
      status,
      assembler,
      stashSource: this.fromStash,
      urlSource: this.fromUrl,
    });
  }

  /** One `action=upload` request, after the API decoded its parameters. */
  run(caller: Caller, r: UploadRequest): Promise<UploadAnswer> {
    switch (r.kind) {
      case 'file':
        return uploadFile(this.pipeline, caller, r.part, r.target);
      case 'stash':
        return this.fromStash.upload(caller, r.filekey, r.target);
      case 'chunk':
        return this.chunks.upload(caller, r, r.target);
      case 'url':
        return this.fromUrl.upload(caller, r.url, r.target);
      case 'status':
        return this.status.check(caller.who, r.filekey);
      case 'url-status':
        return this.status.checkUrl(caller.who, r.url, r.filename);
    }
  }
}
