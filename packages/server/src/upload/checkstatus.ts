import type { Identity } from '../auth/identity.js';
import { MwError } from '../errors.js';
import type { FileRepo } from '../files/repo.js';
import type { JobQueue } from '../jobs/queue.js';
import { ASSEMBLE_JOB } from './assemble.js';
import type { UploadAnswer } from './requests.js';
import { urlStatusKey } from './sources/url.js';
import { leaseLive, type StashTransitions } from './stash/state.js';
import type { StatusStore, UploadStatus } from './stash/status.js';
import type { UploadStash } from './stash/store.js';

const missingResult = () => new MwError('missingresult', 'No result in status data.');

/**
 * `checkstatus`: where an upload stands — a chunked upload in progress, an assembly, an async job's
 * stage or outcome. Reading never starts work twice: an assembly is only handed to a job when nobody
 * holds it (no lease, or its lease ran out), and that hand-over is a compare-and-set.
 */
export class StatusCheck {
  constructor(
    private readonly d: {
      stash: UploadStash;
      status: StatusStore;
      transitions: StashTransitions;
      files: FileRepo;
      jobs: JobQueue;
    },
  ) {}

  async check(who: Identity, filekey: string): Promise<UploadAnswer> {
    const user = who.user;
    if (!user) throw missingResult();
    // Each round reads the state; a compare-and-set that finds it changed means: read again.
    for (;;) {
      const st = await this.d.status.get(filekey, user.id);
      if (st && st.result !== 'Poll') return this.fromStatus(st);
      const found = await this.d.stash.peek(filekey);
      const entry = found?.userId === user.id ? found : null;
      if (entry?.state === 'assembling') {
        if (leaseLive(entry.lease)) {
          if (st) return this.fromStatus(st);
          // Being assembled (by a request, or a job): keep a status, so the outcome is recorded for us.
          const poll: UploadStatus = { result: 'Poll', stage: 'assembling' };
          if (
            await this.d.transitions.whileAssembling(filekey, 'live', (trx) =>
              this.d.status.set(filekey, user.id, poll, trx),
            )
          )
            return this.fromStatus(poll);
          continue;
        }
        // Complete, but nobody is assembling it (a server stopped during the assembly, or the job
        // is still queued): hand it to a job. The queue keeps one job per file key.
        const queued: UploadStatus = { result: 'Poll', stage: 'queued' };
        if (
          await this.d.transitions.whileAssembling(filekey, 'free', (trx) =>
            this.d.status.set(filekey, user.id, queued, trx),
          )
        ) {
          await this.d.jobs.enqueue(
            ASSEMBLE_JOB,
            { filekey, userId: user.id },
            { dedupeKey: `assemble:${filekey}` },
          );
          return this.fromStatus(queued);
        }
        continue;
      }
      if (st) return this.fromStatus(st);
      if (entry?.state === 'receiving') return { result: 'Continue', stage: 'uploading', offset: entry.size };
      throw missingResult();
    }
  }

  /** `checkstatus` of an async URL upload (keyed by its parameters, as newer MediaWiki does). */
  checkUrl(who: Identity, url: string, filename: string | undefined): Promise<UploadAnswer> {
    if (!who.user) throw missingResult();
    if (filename === undefined) throw new MwError('nofilename', 'The "filename" parameter must be set.');
    return this.check(who, urlStatusKey(who.user.id, url, filename));
  }

  private async fromStatus(st: UploadStatus): Promise<UploadAnswer> {
    if (st.result === 'Failure') {
      const e = st.error ?? { code: 'stashfailed', info: 'The upload failed.' };
      throw new MwError(e.code, e.info, e.data ?? {});
    }
    if (st.result === 'Warning')
      return { result: 'Warning', warnings: st.warnings ?? {}, filekey: st.filekey };
    if (st.result === 'Poll')
      return { result: 'Poll', stage: st.stage, ...(st.progress ? { progress: st.progress } : {}) };
    const warnings = st.warnings ?? {};
    if (st.filekey) {
      const entry = await this.d.stash.peek(st.filekey);
      const stashed = entry?.state === 'ready' ? entry : null;
      return { result: 'Success', stage: st.stage, filekey: st.filekey, warnings, stashed };
    }
    const filename = st.filename ?? '';
    return {
      result: 'Success',
      stage: st.stage,
      filename,
      warnings,
      published: await this.d.files.current(filename),
    };
  }
}
