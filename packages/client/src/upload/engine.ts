/**
 * The upload engine: direct, chunked (stash), tus, async with checkstatus polling, publish from
 * stash, recovery after lost answers, and resume from a token. Isomorphic.
 *
 * Invariants:
 * - Chunks go strictly in order. After any ambiguous failure the engine asks the server where the upload
 *   stands (checkstatus, or the `offset` of a `stashfailed`) and continues from there; it never starts over.
 * - The SHA-1 of the bytes the server confirmed is kept incrementally, fed with each chunk as it is read to
 *   be sent (bytes hashed ahead of the server are dropped back to its offset); the assembled file's SHA-1
 *   must match the local one before anything is published.
 * - Progress only moves forward.
 */
import {
  isStashNotFound,
  type MwClientError,
  MwClientError as MwClientErrorClass,
  UploadError,
} from '../errors.js';
import { Sha1Tracker } from '../hash.js';
import type { Params, ResumeToken, UploadResult } from '../types.js';
import { partName, publishParams } from './ops.js';
import { TusEngine } from './tus.js';

export class UploadEngine extends TusEngine {
  /** Continues from a resume token after checking the local bytes against it. */
  async resume(token: ResumeToken): Promise<UploadResult> {
    const size = this.src.size;
    if (token.v !== 1)
      throw new UploadError({ code: 'resume-badtoken', info: 'Unknown resume token version.' });
    if (new URL(token.api).toString() !== this.api.api) {
      throw new UploadError({
        code: 'resume-wrong-wiki',
        info: `The resume token belongs to ${token.api}, not ${this.api.api}.`,
      });
    }
    if (size !== token.filesize) {
      throw new UploadError({
        code: 'resume-file-changed',
        info: `The local file has ${size ?? 'an unknown number of'} bytes, but the interrupted upload had ${token.filesize}; refusing to resume.`,
        data: { expectedSize: token.filesize, actualSize: size },
      });
    }
    if (!this.src.seekable) {
      throw new UploadError({
        code: 'source-not-seekable',
        info: 'Resuming needs a file or Blob, not a stream.',
      });
    }
    this.progress.update('preparing', 0);
    const tracker = new Sha1Tracker();
    await tracker.advanceTo(token.offset, this.src, undefined, this.signal);
    const localSha1 = await tracker.hex();
    if (localSha1 !== token.sha1.toLowerCase()) {
      throw new UploadError({
        code: 'resume-file-changed',
        info: `The first ${token.offset} bytes of the local file differ from those already uploaded (SHA-1 ${localSha1}, expected ${token.sha1}); refusing to resume.`,
        data: { offset: token.offset, expected: token.sha1, actual: localSha1 },
      });
    }
    this.progress.resumed(token.offset);
    if (token.stage === 'stashed') {
      if (this.opts.stash) {
        return {
          result: 'Stashed' as const,
          filekey: token.filekey,
          filename: this.filename,
          sha1: localSha1,
        };
      }
      try {
        return await this.publish(token.filekey, localSha1);
      } catch (e) {
        if (!isStashNotFound(e)) throw e;
        const code = (e as MwClientError).code;
        throw new UploadError({
          code: 'upload-session-lost',
          info: `The stashed file ${token.filekey} is no longer on the server (${code}); the upload has to be started again.`,
          data: { filekey: token.filekey, cause: code },
          cause: e,
        });
      }
    }
    if (token.stage === 'publishing') {
      return this.finishPublishPoll(token.filekey, localSha1);
    }
    if (token.tusUrl) return this.tus({ url: token.tusUrl, offset: token.offset, tracker });
    const where = await this.ops.whereIs(token.filekey, this.signal);
    // What the wiki has already is not this run's transfer.
    this.progress.resumed(where.kind === 'continue' ? where.offset : token.offset);
    return this.chunked({ filekey: token.filekey, offset: token.offset, tracker, where });
  }

  /** One request with the whole file (small files), hashed while it is sent. */
  async direct(): Promise<UploadResult> {
    const size = this.src.size ?? 0;
    this.progress.update('uploading', 0);
    const tracker = new Sha1Tracker();
    let hint: { start: number; bytes: Uint8Array } | undefined;
    const sha1 = async () => {
      await tracker.advanceTo(size, this.src, hint, this.signal);
      return tracker.hex();
    };
    const params: Params = {
      ...publishParams(this.filename, this.opts),
      ignorewarnings: this.opts.ignoreWarnings === true,
      stash: this.opts.stash === true,
    };
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const body = await this.hashedBody(0, size, tracker, partName(this.filename));
        hint = body.hint;
        const r = await this.sendHashed(params, 'file', body);
        this.progress.update('uploading', size);
        return await this.handleAnswer(r.upload ?? {}, await sha1(), ambiguous);
      } catch (e) {
        if (!(e instanceof MwClientErrorClass)) throw e;
        if (e.code === 'fileexists-no-change' && ambiguous) {
          const done = await this.alreadyUploaded(await sha1());
          if (done) return done;
        }
        if (!e.retryable || attempt > this.maxRetries) throw e;
        ambiguous ||= e.ambiguous;
        await this.backoff(attempt, e);
      }
    }
  }
}
