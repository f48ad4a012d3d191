import { MwError } from '../../errors.js';
import { checkTags } from '../../files/tags.js';
import type { JobQueue } from '../../jobs/queue.js';
import { fetchToBlob } from '../../upload/from-url.js';
import type { StatusStore } from '../../upload/status.js';
import { URL_JOB, type UrlJobParams, urlStatusKey } from '../../upload/url-jobs.js';
import { runUpload, type UploadExtensions, watchChange } from './upload.js';

/** Uploads from a URL: synchronous, or (with `async`) a job polled with checkstatus + the same url. */
export function urlUploadExtensions(
  d: { jobs: JobQueue; status: StatusStore; checkStatus: NonNullable<UploadExtensions['checkStatus']> },
  ext: () => UploadExtensions,
): Pick<UploadExtensions, 'fromUrl' | 'checkUrlStatus'> {
  return {
    async fromUrl(ctx, p, url) {
      const asyncMode = p.async && ctx.config.uploads.asyncUploads;
      if (!asyncMode) {
        const file = await fetchToBlob(ctx.services, url);
        return runUpload(ctx, p, file, ext());
      }
      const user = ctx.user!;
      const key = urlStatusKey(user.id, url, p.filename!);
      const prior = await d.status.get(key, user.id);
      if (prior?.result === 'Poll')
        throw new MwError('publishfailed', 'Upload from stash already in progress.');
      checkTags(ctx.config, p.tags, ctx.can('applychangetags'));
      const params: UrlJobParams = {
        statusKey: key,
        userId: user.id,
        url,
        options: {
          filename: p.filename!,
          stash: p.stash,
          ignoreWarnings: p.ignorewarnings,
          comment: p.comment ?? '',
          text: p.text ?? null,
          tags: p.tags,
          watch: watchChange(ctx, p, true),
        },
      };
      await d.status.set(key, user.id, { result: 'Poll', stage: 'queued' });
      await d.jobs.enqueue(URL_JOB, params, { dedupeKey: key });
      ctx.result.upload = { result: 'Poll', stage: 'queued', filename: p.filename! };
    },
    async checkUrlStatus(ctx, p, url) {
      if (!ctx.user) throw new MwError('missingresult', 'No result in status data.');
      if (p.filename === undefined) throw new MwError('nofilename', 'The "filename" parameter must be set.');
      return d.checkStatus(ctx, urlStatusKey(ctx.user.id, url, p.filename));
    },
  };
}
