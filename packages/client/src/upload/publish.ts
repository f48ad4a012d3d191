import { isStashNotFound, MwClientError as MwClientErrorClass, UploadError } from '../errors.js';
import type { ApiResponse, ImageInfo, Params, UploadResult, UploadWarnings } from '../types.js';
import { timeoutSignal } from '../util.js';
import { warningsIgnorable } from '../warnings.js';
import { EngineBase } from './engine-base.js';
import { publishParams, type Where } from './ops.js';

export abstract class PublishingEngine extends EngineBase {
  /** When this upload first waited for the wiki's background work (the `waitTimeoutMs` clock). */
  #waitStarted: number | undefined;

  /**
   * Polls `checkstatus` until the wiki has finished its background work on `filekey`, reporting each
   * stage in the progress; after `waitTimeoutMs` of waiting in all, gives up with `wait-timeout`.
   */
  protected async pollSettled(filekey: string, stage?: string): Promise<Exclude<Where, { kind: 'poll' }>> {
    let last = stage;
    this.progress.stage(stage);
    const onPoll = (s: string) => {
      last = s;
      this.progress.stage(s);
    };
    const limit = this.opts.waitTimeoutMs;
    if (limit === undefined) return this.ops.pollUntilSettled(filekey, this.signal, onPoll);
    this.#waitStarted ??= Date.now();
    const t = timeoutSignal(this.signal, Math.max(1, this.#waitStarted + limit - Date.now()));
    try {
      return await this.ops.pollUntilSettled(filekey, t.signal, onPoll);
    } catch (e) {
      if (!t.timedOut() || this.signal?.aborted) throw e;
      const seconds = Math.round((Date.now() - this.#waitStarted) / 1000);
      throw new UploadError({
        code: 'wait-timeout',
        info: `The wiki has not finished after ${seconds} s of waiting (stage ${last ?? 'unknown'}); it goes on in the background. Ask later with checkstatus for filekey ${filekey}.`,
        data: { filekey, ...(last ? { stage: last } : {}), seconds },
      });
    } finally {
      t.dispose();
    }
  }

  /** Publishes a stashed file (`filekey`), applying the ignore-warnings policy and async polling. */
  async publish(filekey: string, sha1: string | undefined, forceIgnore = false): Promise<UploadResult> {
    this.progress.update('publishing', this.src.size);
    const ignoreAll = forceIgnore || this.opts.ignoreWarnings === true;
    const params: Params = {
      ...publishParams(this.filename, this.opts),
      filekey,
      ignorewarnings: ignoreAll,
      async: this.opts.async === true,
    };
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.api.write(params, { signal: this.signal, retry: 'none' });
        const up = r.upload ?? {};
        if (up.result === 'Poll') {
          await this.emitToken({
            stage: 'publishing',
            filekey,
            offset: this.src.size ?? 0,
            sha1: sha1 ?? '',
          });
          return await this.finishPublishPoll(filekey, sha1, up.stage);
        }
        return await this.handleAnswer(up, sha1, ambiguous);
      } catch (e) {
        if (!(e instanceof MwClientErrorClass)) throw e;
        if (e.code === 'publishfailed' && /in progress/i.test(e.info)) {
          return this.finishPublishPoll(filekey, sha1);
        }
        if ((isStashNotFound(e) || e.code === 'fileexists-no-change') && ambiguous && sha1) {
          // The earlier attempt went through: the key was used up / the bytes are the current version.
          const done = await this.alreadyUploaded(sha1);
          if (done) return done;
        }
        if (!e.retryable || attempt > this.maxRetries) throw e;
        ambiguous ||= e.ambiguous;
        await this.backoff(attempt, e);
        if (this.opts.async) {
          // An async publish may have been queued before the answer was lost.
          const w = await this.ops.whereIs(filekey, this.signal, 'none').catch(() => undefined);
          if (w?.kind === 'poll' || w?.kind === 'published') return this.finishPublishPoll(filekey, sha1);
        }
      }
    }
  }

  protected async finishPublishPoll(
    filekey: string,
    sha1: string | undefined,
    stage?: string,
  ): Promise<UploadResult> {
    this.progress.update('publishing', this.src.size);
    const w = await this.pollSettled(filekey, stage);
    if (w.kind === 'published') {
      this.checkSha1(sha1, w.imageinfo?.sha1, undefined);
      this.progress.update('done', this.src.size);
      return {
        result: 'Success',
        filename: w.filename,
        ...(w.imageinfo ? { imageinfo: w.imageinfo } : {}),
        ...(w.warnings ? { warnings: w.warnings } : {}),
        ...(sha1 ? { sha1 } : {}),
      };
    }
    if (w.kind === 'gone' && sha1) {
      const done = await this.alreadyUploaded(sha1);
      if (done) return done;
    }
    if (w.kind === 'gone') throw w.error;
    throw new UploadError({ code: 'badresponse', info: `Unexpected publish status: ${JSON.stringify(w)}` });
  }

  /** If the current version of the target already has these bytes, the upload is done. */
  protected async alreadyUploaded(sha1: string): Promise<UploadResult | undefined> {
    const info = await this.ops.imageInfo(this.filename, this.signal).catch(() => undefined);
    if (info?.sha1 && info.sha1.toLowerCase() === sha1) {
      this.progress.update('done', this.src.size);
      return { result: 'Success', filename: this.filename, imageinfo: info, sha1, alreadyUploaded: true };
    }
    return undefined;
  }

  /** Interprets an `upload` object answered to a direct upload or a publish. */
  protected async handleAnswer(
    up: ApiResponse,
    sha1: string | undefined,
    ambiguous: boolean,
  ): Promise<UploadResult> {
    const warnings = up.warnings as UploadWarnings | undefined;
    if (up.result === 'Success') {
      if (typeof up.filename === 'string') {
        const ii = up.imageinfo as ImageInfo | undefined;
        this.checkSha1(sha1, ii?.sha1, undefined);
        this.progress.update('done', this.src.size);
        return {
          result: 'Success',
          filename: up.filename,
          ...(ii ? { imageinfo: ii } : {}),
          ...(warnings ? { warnings } : {}),
          ...(sha1 ? { sha1 } : {}),
        };
      }
      const filekey = String(up.filekey ?? up.sessionkey);
      const ii = up.imageinfo as ImageInfo | undefined;
      this.checkSha1(sha1, ii?.sha1, filekey);
      this.progress.update('done', this.src.size);
      await this.emitToken({
        stage: 'stashed',
        filekey,
        offset: this.src.size ?? 0,
        sha1: sha1 ?? '',
      });
      return {
        result: 'Stashed',
        filekey,
        filename: this.filename,
        ...(ii ? { imageinfo: ii } : {}),
        ...(warnings ? { warnings } : {}),
        ...(sha1 ? { sha1 } : {}),
      };
    }
    if (up.result === 'Warning') {
      const w = (warnings ?? {}) as UploadWarnings;
      const filekey = (up.filekey ?? up.sessionkey) as string | undefined;
      if (ambiguous && w.nochange !== undefined && sha1) {
        const done = await this.alreadyUploaded(sha1);
        if (done) return done;
      }
      if (filekey && warningsIgnorable(w, this.opts.ignoreWarnings)) {
        return this.publish(filekey, sha1, true);
      }
      return {
        result: 'Warning',
        filename: this.filename,
        warnings: w,
        ...(filekey ? { filekey } : {}),
        ...(up.stasherrors ? { stasherrors: up.stasherrors } : {}),
        ...(sha1 ? { sha1 } : {}),
      };
    }
    if (up.result === 'Poll') {
      return this.finishPublishPoll(String(up.filekey ?? ''), sha1, up.stage);
    }
    throw new UploadError({ code: 'badresponse', info: `Unexpected upload answer: ${JSON.stringify(up)}` });
  }
}
