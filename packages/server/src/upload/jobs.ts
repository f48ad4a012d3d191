import { randomUUID } from 'node:crypto';
import { type Identity, identityForUser } from '../auth/identity.js';
import type { GroupPermissions } from '../auth/rights.js';
import type { UserService } from '../auth/users.js';
import { MwError } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import { ASSEMBLE_JOB, type Assembler } from './assemble.js';
import { PUBLISH_JOB, type PublishJobParams, type StashSource } from './sources/stash.js';
import { URL_JOB, type UrlJobParams, type UrlSource } from './sources/url.js';
import type { StatusStore } from './stash/status.js';

export interface UploadJobDeps {
  users: Pick<UserService, 'byId'>;
  permissions: GroupPermissions;
  status: StatusStore;
  assembler: Assembler;
  stashSource: StashSource;
  urlSource: UrlSource;
}

const failure = (e: unknown, fallback: { code: string; info: string }) =>
  e instanceof MwError ? { code: e.code, info: e.info, data: e.data } : fallback;

const storeFailure = { code: 'stashfailed', info: 'Internal error: Server failed to store temporary file.' };
const publishFailure = {
  code: 'publishfailed',
  info: 'Internal error: Server failed to publish temporary file.',
};

/**
 * The async upload jobs: chunk assembly, publishing from the stash, uploads by URL. Each records its
 * stages and outcome in the upload status, and does nothing when a retried job finds it recorded.
 */
export function registerUploadJobs(jobs: JobQueue, d: UploadJobDeps): void {
  /** The identity a job acts as: the user's own rights (grants of the original session do not travel). */
  const actingAs = async (userId: number): Promise<Identity> => {
    const user = await d.users.byId(userId);
    if (!user) throw new MwError('nosuchuser', `User ${userId} no longer exists.`);
    return identityForUser(user, d.permissions);
  };
  const settled = async (key: string, userId: number) => {
    const prior = await d.status.get(key, userId);
    return prior !== null && prior.result !== 'Poll';
  };

  jobs.register(ASSEMBLE_JOB, {
    async run(params) {
      const filekey = String(params.filekey);
      const userId = Number(params.userId);
      if (await settled(filekey, userId)) return;
      const who = await actingAs(userId);
      try {
        // Nothing to do when another request or job holds the assembly (its outcome is recorded),
        // once a holder that died has lost its lease.
        await d.assembler.run(
          filekey,
          `job-${randomUUID()}`,
          who,
          () => d.status.set(filekey, userId, { result: 'Poll', stage: 'assembling' }),
          d.assembler.takeoverWaitMs,
        );
      } catch (e) {
        if (!(e instanceof MwError)) throw e;
        await d.status.set(filekey, userId, {
          result: 'Failure',
          stage: 'assembling',
          error: failure(e, storeFailure),
        });
      }
    },
    async failed(params, e) {
      await d.status.set(String(params.filekey), Number(params.userId), {
        result: 'Failure',
        stage: 'assembling',
        error: failure(e, storeFailure),
      });
    },
  });

  jobs.register(PUBLISH_JOB, {
    async run(raw) {
      const p = raw as PublishJobParams;
      if (await settled(p.filekey, p.userId)) return;
      await d.status.set(p.filekey, p.userId, { result: 'Poll', stage: 'publish' });
      await d.stashSource.publishJob(p, await actingAs(p.userId));
    },
    async failed(params, e) {
      await d.status.set(String(params.filekey), Number(params.userId), {
        result: 'Failure',
        stage: 'publish',
        error: failure(e, publishFailure),
      });
    },
  });

  jobs.register(URL_JOB, {
    async run(raw) {
      const p = raw as UrlJobParams;
      if (await settled(p.statusKey, p.userId)) return;
      await d.urlSource.job(p, await actingAs(p.userId));
    },
    async failed(params, e) {
      await d.urlSource.jobFailed(String(params.statusKey), Number(params.userId), e);
    },
  });
}
