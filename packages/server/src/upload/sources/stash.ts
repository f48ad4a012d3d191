import type { Identity } from '../../auth/identity.js';
import type { Config } from '../../config.js';
import { MwError } from '../../errors.js';
import { checkTags } from '../../files/tags.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { UploadChecks } from '../checks.js';
import type { UploadFile } from '../file.js';
import type { PublishOptions, UploadPipeline } from '../pipeline.js';
import { HEAD_BYTES, readHead, readTail } from '../read-back.js';
import { type Caller, outcomeAnswer, processOptions, type Target, type UploadAnswer } from '../requests.js';
import { type ReadyEntry, stashNotFound } from '../stash/state.js';
import type { StatusStore } from '../stash/status.js';
import type { UploadStash } from '../stash/store.js';

export const PUBLISH_JOB = 'PublishStashedFile';

export interface PublishJobParams extends PublishOptions {
  filekey: string;
  userId: number;
  filename: string;
  [k: string]: unknown;
}

/** The file behind a ready stash entry (its head and tail read back for verification). */
export async function fileFromStash(blobs: BlobStore, e: ReadyEntry): Promise<UploadFile> {
  const head = await readHead(blobs, e.blobKey, e.size);
  return {
    blobKey: e.blobKey,
    size: e.size,
    sha1: e.sha1,
    head,
    ...(e.size > HEAD_BYTES ? { tail: await readTail(blobs, e.blobKey, e.size) } : {}),
    sourceType: 'stash',
    stashKey: e.key,
  };
}

/** Uploads of a file from the stash (`filekey`): published now, or by a job (`async`). */
export class StashSource {
  constructor(
    private readonly d: {
      config: Config;
      blobs: BlobStore;
      stash: UploadStash;
      status: StatusStore;
      jobs: JobQueue;
      checks: UploadChecks;
      pipeline: UploadPipeline;
    },
  ) {}

  async upload(caller: Caller, filekey: string, target: Target): Promise<UploadAnswer> {
    const e = await this.d.stash.get(filekey, caller.who);
    caller.authorize(false);
    if (e.state !== 'ready') {
      throw new MwError('stashfailed', 'The chunked upload of this file key is not complete.');
    }
    const file = await fileFromStash(this.d.blobs, e);
    if (target.async) return this.publishLater(caller.who, e, file, target);
    return outcomeAnswer(await this.d.pipeline.process(file, processOptions(target), caller.who));
  }

  /** `async`: check what can be checked now, then leave the publishing to a job (answer Poll). */
  private async publishLater(
    who: Identity,
    e: ReadyEntry,
    file: UploadFile,
    t: Target,
  ): Promise<UploadAnswer> {
    const { checks, status } = this.d;
    const name = await checks.verifyName(file, t.filename);
    const user = who.user!;
    const prior = await status.get(e.key, user.id);
    if (prior?.result === 'Poll')
      throw new MwError('publishfailed', 'Upload from stash already in progress.');
    // Published meanwhile by an earlier request: the key is used up.
    if (prior?.result === 'Success' && prior.stage === 'publish') throw stashNotFound(e.key);
    const state = await checks.checkOverwrite(name.dbKey, who);
    const warnings = await checks.warnings({ name, file }, who, state);
    if (Object.keys(warnings).length && !t.ignoreWarnings) {
      return { result: 'Warning', warnings, filekey: e.key };
    }
    checkTags(this.d.config, t.tags, who.rights.has('applychangetags'));
    const params: PublishJobParams = {
      filekey: e.key,
      userId: user.id,
      filename: t.filename,
      comment: t.comment,
      text: t.text,
      tags: t.tags,
      watch: t.watch(),
    };
    await status.set(e.key, user.id, { result: 'Poll', stage: 'queued' });
    await this.d.jobs.enqueue(PUBLISH_JOB, params, { dedupeKey: `publish:${e.key}` });
    return { result: 'Poll', stage: 'queued', filename: name.dbKey };
  }

  /**
   * The publish job: verify again and publish, recording the outcome in the same transaction (a
   * retried job finds it there). Errors with MediaWiki codes are recorded as the outcome.
   */
  async publishJob(p: PublishJobParams, who: Identity): Promise<void> {
    const { status } = this.d;
    try {
      const e = await this.d.stash.get(p.filekey, who);
      if (e.state !== 'ready') throw stashNotFound(p.filekey);
      const file = await fileFromStash(this.d.blobs, e);
      const v = await this.d.checks.verify(file, p.filename);
      await this.d.pipeline.publish(v, p, who, (trx) =>
        status.set(p.filekey, p.userId, { result: 'Success', stage: 'publish', filename: v.name.dbKey }, trx),
      );
    } catch (e) {
      if (!(e instanceof MwError)) throw e;
      await status.set(p.filekey, p.userId, {
        result: 'Failure',
        stage: 'publish',
        error: { code: e.code, info: e.info, data: e.data },
      });
    }
  }
}
