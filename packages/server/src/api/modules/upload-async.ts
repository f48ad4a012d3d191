import { MwError } from '../../errors.js';
import { checkTags } from '../../files/tags.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { ChunkedUploads, ReceivedChunk } from '../../upload/chunks.js';
import { ASSEMBLE_JOB } from '../../upload/chunks.js';
import { PUBLISH_JOB, type PublishJobParams } from '../../upload/jobs.js';
import { type StashEntry, stashNotFound } from '../../upload/stash.js';
import type { StatusStore } from '../../upload/status.js';
import type { ApiContext, ReceivedFile } from '../context.js';
import { checkUploadRights, type UploadExtensions, type UploadParams, watchChange } from './upload.js';

interface Deps {
  chunks: ChunkedUploads;
  status: StatusStore;
  jobs: JobQueue;
  info: Pick<UploadExtensions, 'imageInfo' | 'stashImageInfo'>;
}

const missingResult = () => new MwError('missingresult', 'No result in status data.');

/** The chunk, checkstatus and async-publish parts of action=upload. */
export function asyncUploadExtensions(
  d: Deps,
): Pick<UploadExtensions, 'chunk' | 'checkStatus' | 'asyncPublish'> {
  return {
    async chunk(ctx, p, filekey) {
      const up = ctx.services.uploads;
      const part = ctx.request.files.get('chunk') as ReceivedFile;
      const offset = p.offset ?? 0;
      if (filekey) await up.stash.get(filekey, ctx.identity);
      checkUploadRights(ctx, false);
      const max = ctx.config.uploads.maxUploadSize;
      const filesize = p.filesize ?? 0;
      if (filesize > max)
        throw new MwError('file-too-large', 'The file you submitted was too large.', { max });
      const probe = {
        blobKey: '',
        size: part.size,
        sha1: '',
        head: offset === 0 ? part.head : Buffer.alloc(0),
        sourceType: 'chunks' as const,
      };
      const name = await up.service.verifyName(probe, p.filename!);
      if (!p.stash) await up.service.checkOverwrite(name.dbKey, ctx.identity);
      const warnings = p.ignorewarnings ? {} : await up.service.warnings({ name, file: probe }, ctx.identity);
      d.chunks.checkChunk(offset, part.size, filesize);
      const chunk: ReceivedChunk = { size: part.size, head: part.head, target: part.target };
      let entry: StashEntry;
      if (offset === 0) {
        const r = await d.chunks.first(ctx.identity, chunk, p.filename!, filesize, name.finalExt);
        part.claimed = true;
        entry = r.entry;
      } else {
        entry = await d.chunks.next(
          ctx.identity,
          filekey!,
          offset,
          chunk,
          p.filename!,
          filesize,
          ctx.request.requestId,
        );
        part.claimed = true;
      }
      if (Object.keys(warnings).length) {
        ctx.result.upload = { result: 'Warning', warnings, filekey: entry.key, sessionkey: entry.key };
        return;
      }
      if (entry.size < filesize) {
        ctx.result.upload = { result: 'Continue', offset: entry.size, filekey: entry.key };
        return;
      }
      const asyncMode = p.async && ctx.config.uploads.asyncUploads;
      const outcome = await d.chunks.finish(ctx.identity, entry, asyncMode);
      if (outcome.kind === 'poll') {
        ctx.result.upload = { result: 'Poll', stage: 'queued', filekey: outcome.filekey };
        return;
      }
      if (outcome.kind === 'done') {
        const out: Record<string, unknown> = { result: 'Success', filekey: outcome.entry.key };
        if (Object.keys(outcome.warnings).length) out.warnings = outcome.warnings;
        out.imageinfo = await d.info.stashImageInfo(ctx, outcome.entry);
        ctx.result.upload = out;
      }
    },

    async checkStatus(ctx, filekey) {
      const user = ctx.user;
      if (!user) throw missingResult();
      const st = await d.status.get(filekey, user.id);
      if (st) {
        if (st.result === 'Failure') {
          const e = st.error ?? { code: 'stashfailed', info: 'The upload failed.' };
          throw new MwError(e.code, e.info, e.data ?? {});
        }
        if (st.result === 'Warning') {
          ctx.result.upload = {
            result: 'Warning',
            warnings: st.warnings ?? {},
            filekey: st.filekey,
            sessionkey: st.filekey,
          };
          return;
        }
        const out: Record<string, unknown> = { result: st.result, stage: st.stage };
        if (st.progress) out.progress = st.progress;
        if (st.result === 'Success' && st.filekey) {
          out.filekey = st.filekey;
          if (st.warnings && Object.keys(st.warnings).length) out.warnings = st.warnings;
          const entry = await ctx.services.uploads.stash.peek(st.filekey);
          if (entry) out.imageinfo = await d.info.stashImageInfo(ctx, entry);
        } else if (st.result === 'Success' && st.filename) {
          out.filename = st.filename;
          if (st.warnings && Object.keys(st.warnings).length) out.warnings = st.warnings;
          const file = await ctx.services.files.current(st.filename);
          if (file) out.imageinfo = await d.info.imageInfo(ctx, file);
        }
        ctx.result.upload = out;
        return;
      }
      const entry = await ctx.services.uploads.stash.peek(filekey);
      if (!entry || entry.userId !== user.id) throw missingResult();
      if (entry.status === 'chunks') {
        ctx.result.upload = { result: 'Continue', stage: 'uploading', offset: entry.size };
        return;
      }
      if (entry.status === 'assembling') {
        // Complete, but nobody is assembling it (the server stopped during a synchronous assembly).
        await d.status.set(filekey, user.id, { result: 'Poll', stage: 'queued' });
        await d.jobs.enqueue(
          ASSEMBLE_JOB,
          { filekey, userId: user.id },
          { dedupeKey: `assemble:${filekey}` },
        );
        ctx.result.upload = { result: 'Poll', stage: 'queued' };
        return;
      }
      throw missingResult();
    },

    async asyncPublish(ctx, p: UploadParams, entry) {
      const up = ctx.services.uploads;
      const user = ctx.user!;
      const prior = await d.status.get(entry.key, user.id);
      if (prior?.result === 'Poll')
        throw new MwError('publishfailed', 'Upload from stash already in progress.');
      // Published meanwhile by an earlier request: the key is used up.
      if (prior?.result === 'Success' && prior.stage === 'publish') throw stashNotFound(entry.key);
      const file = await up.service.fromStash(entry);
      const name = await up.service.verifyName(file, p.filename!);
      await up.service.checkOverwrite(name.dbKey, ctx.identity);
      const warnings = await up.service.warnings({ name, file }, ctx.identity);
      if (Object.keys(warnings).length && !p.ignorewarnings) {
        ctx.result.upload = { result: 'Warning', warnings, filekey: entry.key, sessionkey: entry.key };
        return;
      }
      checkTags(ctx.config, p.tags, ctx.can('applychangetags'));
      const isNew = !(await ctx.services.files.current(name.dbKey));
      await d.status.set(entry.key, user.id, { result: 'Poll', stage: 'queued' });
      const params: PublishJobParams = {
        filekey: entry.key,
        userId: user.id,
        filename: p.filename!,
        comment: p.comment ?? '',
        text: p.text ?? null,
        tags: p.tags,
        watch: watchChange(ctx, p, isNew),
      };
      await d.jobs.enqueue(PUBLISH_JOB, params, { dedupeKey: `publish:${entry.key}` });
      ctx.result.upload = { result: 'Poll', stage: 'queued', filename: name.dbKey };
    },
  };
}

export type { ApiContext };
