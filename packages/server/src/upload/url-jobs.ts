import { createHash } from 'node:crypto';
import { identityForUser } from '../auth/identity.js';
import { MwError } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Services } from '../services.js';
import { fetchToBlob } from './from-url.js';
import type { ProcessOptions } from './service.js';
import type { StatusStore, UploadStatus } from './status.js';

export const URL_JOB = 'UploadFromUrl';

export interface UrlJobParams {
  statusKey: string;
  userId: number;
  url: string;
  options: ProcessOptions;
  [k: string]: unknown;
}

/** The status key of an async URL upload: its user, URL and target name (as newer MediaWiki keys it). */
export function urlStatusKey(userId: number, url: string, filename: string): string {
  return `url:${createHash('sha1').update(`${userId}\n${url}\n${filename}`).digest('hex')}`;
}

const failure = (e: MwError): UploadStatus => ({
  result: 'Failure',
  stage: 'publish',
  error: { code: e.code, info: e.info, data: e.data },
});

/** Fetch-and-upload jobs for `url` + `async`: fetch, then the same pipeline as a synchronous upload. */
export function registerUrlJobs(services: Services, jobs: JobQueue, status: StatusStore): void {
  jobs.register(URL_JOB, {
    async run(raw) {
      const p = raw as UrlJobParams;
      const prior = await status.get(p.statusKey, p.userId);
      if (prior && prior.result !== 'Poll') return;
      const user = await services.users.byId(p.userId);
      if (!user) throw new MwError('nosuchuser', `User ${p.userId} no longer exists.`);
      const who = identityForUser(user, services.permissions);
      await status.set(p.statusKey, p.userId, { result: 'Poll', stage: 'fetching' });
      try {
        const file = await fetchToBlob(services, p.url, {
          onProgress: (bytes, total) =>
            void status
              .set(p.statusKey, p.userId, { result: 'Poll', stage: 'fetching', progress: { bytes, total } })
              .catch(() => {}),
        });
        await status.set(p.statusKey, p.userId, { result: 'Poll', stage: 'publish' });
        const o = await services.uploads.service.process(file, p.options, who);
        const st: UploadStatus =
          o.kind === 'warning'
            ? { result: 'Warning', stage: 'publish', warnings: o.warnings, filekey: o.filekey }
            : o.kind === 'stashed'
              ? { result: 'Success', stage: 'stash', warnings: o.warnings, filekey: o.entry.key }
              : { result: 'Success', stage: 'publish', warnings: o.warnings, filename: o.result.file.name };
        await status.set(p.statusKey, p.userId, st);
      } catch (e) {
        if (!(e instanceof MwError)) throw e;
        await status.set(p.statusKey, p.userId, failure(e));
      }
    },
    async failed(params, e) {
      const err =
        e instanceof MwError
          ? e
          : new MwError('http-request-error', 'HTTP request failed due to unknown error.');
      await status.set(String(params.statusKey), Number(params.userId), failure(err));
    },
  });
}
