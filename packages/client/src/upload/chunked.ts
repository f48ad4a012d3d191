/**
 * Chunked upload into the stash: strictly in order, continuing from where the server says the upload
 * stands after any ambiguous failure, never starting over; then publish. Each chunk is read once and
 * hashed while it is sent; the chunk size grows while the server is fast.
 */
import { isStashNotFound, MwClientError as MwClientErrorClass, UploadError } from '../errors.js';
import { Sha1Tracker } from '../hash.js';
import type { ImageInfo, Params, UploadResult, UploadWarnings } from '../types.js';
import { throwIfAborted } from '../util.js';
import type { Where } from './ops.js';
import { toNumber } from './ops.js';
import { PublishingEngine } from './publish.js';

export abstract class ChunkedEngine extends PublishingEngine {
  /**
   * Chunked upload into the stash, then publish (unless `stash`). `start` continues an earlier session
   * (resume): bytes [0, start.offset) are already hashed into `tracker`.
   */
  async chunked(start?: { filekey: string; offset: number; tracker: Sha1Tracker; where?: Where }) {
    const size = this.src.size;
    if (size === undefined)
      throw new UploadError({ code: 'source-size-unknown', info: 'The source size is unknown.' });
    const tracker = start?.tracker ?? new Sha1Tracker();
    await tracker.ready();
    tracker.mark();
    const sizer = this.chunkSizer();
    let filekey: string | undefined = start?.filekey;
    let offset = start?.offset ?? 0;
    // After a resume we cannot know whether the final chunk went out before the interruption.
    let sentFinal = offset >= size || start !== undefined;
    const seen = new Map<number, number>();
    let failures = 0;
    let assembled: { filekey: string; imageinfo?: ImageInfo; warnings?: UploadWarnings } | undefined;
    let published: UploadResult | undefined;
    let hint: { start: number; bytes: Uint8Array } | undefined;

    this.progress.update('uploading', offset);

    const moveTo = async (n: number) => {
      await this.hashUpTo(n, size, tracker, hint);
      offset = n;
      if (filekey && n < size) {
        await this.emitToken({ stage: 'uploading', filekey, offset: n, sha1: await tracker.hex() });
      }
    };

    /** Applies what the server said about the session. Returns true when the upload can go on. */
    const apply = async (w: Where): Promise<void> => {
      switch (w.kind) {
        case 'continue':
          if (w.offset !== offset) await moveTo(w.offset);
          return;
        case 'poll': {
          await moveTo(size);
          this.progress.update('assembling', size);
          await this.emitToken({
            stage: 'assembling',
            filekey: filekey as string,
            offset: size,
            sha1: await tracker.hex(),
          });
          return apply(await this.pollSettled(filekey as string, w.stage));
        }
        case 'assembled':
          await moveTo(size);
          assembled = { filekey: w.filekey, imageinfo: w.imageinfo, warnings: w.warnings };
          return;
        case 'published':
          await moveTo(size);
          published = {
            result: 'Success',
            filename: w.filename,
            ...(w.imageinfo ? { imageinfo: w.imageinfo } : {}),
            sha1: await tracker.hex(),
          };
          return;
        case 'gone': {
          // After a synchronous assembly the chunk key is removed; the assembled file has a new key we
          // may have missed. Look for it in the stash by size and SHA-1.
          if (sentFinal) {
            await moveTo(size);
            const sha1 = await tracker.hex();
            const key = await this.ops.findStashed(size, sha1, this.signal);
            if (key) {
              assembled = { filekey: key };
              return;
            }
          }
          throw new UploadError({
            code: 'upload-session-lost',
            info: `The server no longer knows the upload session ${filekey} (${w.error.code}: ${w.error.info}). The stash may have expired; the upload has to be started again.`,
            data: { filekey, cause: w.error.code },
            cause: w.error,
          });
        }
      }
    };

    if (start?.where) await apply(start.where);

    while (!assembled && !published) {
      throwIfAborted(this.signal);
      if (offset >= size) {
        // Every byte is in but the state is unknown: ask.
        if (!filekey)
          throw new UploadError({ code: 'bad-offset', info: 'No upload session for a complete file.' });
        await apply(await this.ops.whereIs(filekey, this.signal));
        if (!assembled && !published && offset >= size) {
          throw new UploadError({
            code: 'badresponse',
            info: 'The server has every byte but reports no assembly.',
          });
        }
        continue;
      }
      const end = Math.min(offset + sizer.size, size);
      const body = await this.hashedBody(offset, end, tracker, 'chunk');
      hint = body.hint;
      const isLast = end === size;
      const params: Params = {
        action: 'upload',
        stash: true,
        filename: this.filename,
        filesize: size,
        offset,
        filekey: offset > 0 ? filekey : undefined,
        ignorewarnings: true,
        async: this.opts.async === true,
      };
      const began = performance.now();
      try {
        const r = await this.sendHashed(params, 'chunk', body);
        sizer.accepted(end - offset, performance.now() - began);
        if (isLast) sentFinal = true;
        failures = 0;
        const up = r.upload ?? {};
        if (up.result === 'Continue') {
          filekey = String(up.filekey ?? filekey);
          const n = toNumber(up.offset);
          if (!(n > offset)) {
            throw new UploadError({
              code: 'bad-offset',
              info: `The server answered offset ${up.offset} after ${end}.`,
            });
          }
          await moveTo(n);
        } else if (up.result === 'Success') {
          await moveTo(size);
          assembled = { filekey: String(up.filekey), imageinfo: up.imageinfo, warnings: up.warnings };
        } else if (up.result === 'Poll') {
          filekey = String(up.filekey ?? filekey);
          await apply({ kind: 'poll', stage: String(up.stage ?? 'queued') });
        } else if (up.result === 'Warning') {
          const fk = (up.filekey ?? filekey) as string | undefined;
          return {
            result: 'Warning',
            filename: this.filename,
            warnings: (up.warnings ?? {}) as UploadWarnings,
            ...(fk ? { filekey: fk } : {}),
          } as UploadResult;
        } else {
          throw new UploadError({
            code: 'badresponse',
            info: `Unexpected chunk answer: ${JSON.stringify(up)}`,
          });
        }
      } catch (e) {
        if (!(e instanceof MwClientErrorClass)) throw e;
        // The server says where it is (a repeated or skipped chunk): continue from there.
        if (e.code === 'stashfailed' && e.data.offset !== undefined && e.data.offset !== null) {
          const n = toNumber(e.data.offset);
          if (!Number.isSafeInteger(n) || n === offset || n < 0 || n > size) throw e;
          const times = (seen.get(n) ?? 0) + 1;
          seen.set(n, times);
          if (times > 3) {
            throw new UploadError({
              code: 'offset-loop',
              info: `The server keeps sending the upload back to offset ${n}; giving up to avoid a loop.`,
              data: { offset: n, filekey },
              cause: e,
            });
          }
          if (isLast && n === size) sentFinal = true;
          await moveTo(n);
          continue;
        }
        const sessionQuestion =
          isStashNotFound(e) ||
          e.code === 'missingresult' ||
          (e.code === 'stashfailed' && /already completed|check status/i.test(e.info));
        if (sessionQuestion && filekey && offset > 0) {
          if (isLast) sentFinal = true;
          await apply(await this.ops.whereIs(filekey, this.signal));
          continue;
        }
        // A chunk larger than the configured size may be what failed (a limit on request bodies):
        // the same bytes go again in chunks of the configured size.
        if (isLast && e.ambiguous) sentFinal = true;
        if (sizer.failed(end - offset) && !e.retryable) continue;
        if (!e.retryable) throw e;
        failures++;
        if (failures > this.maxRetries) throw e;
        if (isLast && e.ambiguous) sentFinal = true;
        await this.backoff(failures, e);
        if (filekey && offset > 0) {
          // Ask before re-sending: the chunk may have been stored although the answer was lost.
          let w: Where | undefined;
          try {
            w = await this.ops.whereIs(filekey, this.signal, 'none');
          } catch (qe) {
            if (!(qe instanceof MwClientErrorClass) || !qe.retryable) throw qe;
          }
          if (w) await apply(w);
        }
      }
    }

    if (published) {
      this.progress.update('done', size);
      return published;
    }
    const done = assembled as { filekey: string; imageinfo?: ImageInfo; warnings?: UploadWarnings };
    await tracker.advanceTo(size, this.src, hint, this.signal);
    const sha1 = await tracker.hex();
    let remoteSha1 = done.imageinfo?.sha1;
    if (!remoteSha1 && this.opts.verifySha1 !== false) {
      remoteSha1 = (await this.ops.stashImageInfo(done.filekey, this.signal).catch(() => undefined))?.sha1;
    }
    this.checkSha1(sha1, remoteSha1, done.filekey);
    await this.emitToken({ stage: 'stashed', filekey: done.filekey, offset: size, sha1 });
    if (this.opts.stash) {
      this.progress.update('done', size);
      return {
        result: 'Stashed' as const,
        filekey: done.filekey,
        filename: this.filename,
        ...(done.imageinfo ? { imageinfo: done.imageinfo } : {}),
        ...(done.warnings ? { warnings: done.warnings } : {}),
        sha1,
      };
    }
    return this.publish(done.filekey, sha1);
  }
}
