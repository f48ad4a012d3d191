import { type Identity, identityForUser } from '../auth/identity.js';
import { MwError } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Services } from '../services.js';
import { ASSEMBLE_JOB, type ChunkedUploads } from './chunks.js';
import type { StatusStore } from './status.js';

export const PUBLISH_JOB = 'PublishStashedFile';

export interface PublishJobParams {
  filekey: string;
  userId: number;
  filename: string;
  comment: string;
  text: string | null;
  tags: string[];
  watch: { watch: boolean; expiry: string | null } | null;
  [k: string]: unknown;
}

/** The identity a job acts as: the user's own rights (grants of the original session do not travel). */
async function actingAs(services: Services, userId: number): Promise<Identity> {
  const user = await services.users.byId(userId);
  if (!user) throw new MwError('nosuchuser', `User ${userId} no longer exists.`);
  return identityForUser(user, services.permissions);
}

const failure = (e: unknown) =>
  e instanceof MwError
    ? { code: e.code, info: e.info, data: e.data }
    : { code: 'stashfailed', info: 'Internal error: Server failed to store temporary file.' };

/** Register the async upload jobs: chunk assembly and publishing from the stash. */
export function registerUploadJobs(
  services: Services,
  jobs: JobQueue,
  chunks: ChunkedUploads,
  status: StatusStore,
): void {
  jobs.register(ASSEMBLE_JOB, {
    async run(params) {
      const filekey = String(params.filekey);
      const userId = Number(params.userId);
      const prior = await status.get(filekey, userId);
      if (prior && prior.result !== 'Poll') return; // already finished (a retried job)
      await status.set(filekey, userId, { result: 'Poll', stage: 'assembling' });
      const who = await actingAs(services, userId);
      try {
        await chunks.assemble(filekey, who, (trx, entry, warnings) =>
          status.set(
            filekey,
            userId,
            { result: 'Success', stage: 'assembling', filekey: entry.key, warnings },
            trx,
          ),
        );
      } catch (e) {
        if (!(e instanceof MwError)) throw e;
        await status.set(filekey, userId, { result: 'Failure', stage: 'assembling', error: failure(e) });
      }
    },
    async failed(params, e) {
      await status.set(String(params.filekey), Number(params.userId), {
        result: 'Failure',
        stage: 'assembling',
        error: failure(e),
      });
    },
  });

  jobs.register(PUBLISH_JOB, {
    async run(raw) {
      const p = raw as PublishJobParams;
      const prior = await status.get(p.filekey, p.userId);
      if (prior && prior.result !== 'Poll') return;
      await status.set(p.filekey, p.userId, { result: 'Poll', stage: 'publish' });
      const who = await actingAs(services, p.userId);
      const { service, stash } = services.uploads;
      try {
        const entry = await stash.get(p.filekey, who);
        const file = await service.fromStash(entry);
        const v = await service.verify(file, p.filename);
        const cur = await services.files.current(v.name.dbKey);
        if (cur && cur.sha1 === file.sha1 && cur.userId === p.userId && cur.blobKey === file.blobKey) {
          // Published by an earlier attempt that died before recording it.
          await stash.remove(p.filekey, { keepBlob: true });
        } else {
          await service.publish(v, { comment: p.comment, text: p.text, tags: p.tags, watch: p.watch }, who);
        }
        await status.set(p.filekey, p.userId, {
          result: 'Success',
          stage: 'publish',
          filename: v.name.dbKey,
        });
      } catch (e) {
        if (!(e instanceof MwError)) throw e;
        await status.set(p.filekey, p.userId, { result: 'Failure', stage: 'publish', error: failure(e) });
      }
    },
    async failed(params, e) {
      const err =
        e instanceof MwError
          ? failure(e)
          : { code: 'publishfailed', info: 'Internal error: Server failed to publish temporary file.' };
      await status.set(String(params.filekey), Number(params.userId), {
        result: 'Failure',
        stage: 'publish',
        error: err,
      });
    },
  });
}
