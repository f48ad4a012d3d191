/** Requests about uploads that the engine and the client share: status, imageinfo, the stash. */
import type { MwApi } from '../api.js';
import {
  ApiError,
  isStashNotFound,
  type MwClientError,
  MwClientError as MwClientErrorClass,
  UploadError,
} from '../errors.js';
import type {
  ApiResponse,
  ImageInfo,
  Params,
  PublishOptions,
  UploadStatus,
  UploadWarnings,
} from '../types.js';
import { backoffDelay, sleep, throwIfAborted } from '../util.js';

export type Where =
  | { kind: 'continue'; offset: number }
  | { kind: 'poll'; stage: string }
  | { kind: 'assembled'; filekey: string; imageinfo?: ImageInfo; warnings?: UploadWarnings }
  | { kind: 'published'; filename: string; imageinfo?: ImageInfo; warnings?: UploadWarnings }
  | { kind: 'gone'; error: MwClientError };

export const tagsParam = (t: string | readonly string[] | undefined) =>
  t === undefined ? undefined : typeof t === 'string' ? t : [...t];

export function publishParams(filename: string, o: PublishOptions): Params {
  return {
    action: 'upload',
    filename,
    comment: o.comment,
    text: o.text,
    tags: tagsParam(o.tags),
    watchlist: o.watchlist,
    watchlistexpiry: o.watchlistexpiry,
  };
}

/** An ASCII name for the multipart part (the server ignores it; non-ASCII names upset some stacks). */
export const partName = (filename: string) =>
  filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file';

export const toNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

// ---------------------------------------------------------------------------------------------------

/** Requests about uploads shared by the engine and the client class. */
export class UploadOps {
  constructor(readonly api: MwApi) {}

  /** `action=upload&checkstatus=1` for a file key. Failure states come back as thrown ApiErrors. */
  async checkStatus(
    filekey: string,
    signal?: AbortSignal,
    retry: 'all' | 'none' = 'all',
  ): Promise<UploadStatus> {
    const r = await this.api.write({ action: 'upload', filekey, checkstatus: true }, { signal, retry });
    const up = r.upload ?? {};
    if (up.result === 'Continue')
      return { result: 'Continue', stage: 'uploading', offset: toNumber(up.offset) };
    return up as UploadStatus;
  }

  /** Where a file key stands, as the engine needs it. */
  async whereIs(filekey: string, signal?: AbortSignal, retry: 'all' | 'none' = 'all'): Promise<Where> {
    let st: UploadStatus;
    try {
      st = await this.checkStatus(filekey, signal, retry);
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'missingresult' || isStashNotFound(e)))
        return { kind: 'gone', error: e };
      throw e;
    }
    if (st.result === 'Continue') return { kind: 'continue', offset: st.offset };
    if (st.result === 'Poll') return { kind: 'poll', stage: st.stage };
    if (st.result === 'Success') {
      const s = st as {
        stage?: string;
        filekey?: string;
        filename?: string;
        imageinfo?: ImageInfo;
        warnings?: UploadWarnings;
      };
      if (s.stage === 'publish' || (s.filename && !s.filekey)) {
        return {
          kind: 'published',
          filename: String(s.filename),
          imageinfo: s.imageinfo,
          warnings: s.warnings,
        };
      }
      if (s.filekey)
        return { kind: 'assembled', filekey: s.filekey, imageinfo: s.imageinfo, warnings: s.warnings };
    }
    throw new UploadError({
      code: 'badresponse',
      info: `Unexpected checkstatus answer: ${JSON.stringify(st)}`,
    });
  }

  /**
   * Polls `checkstatus` until the state is no longer `Poll`, with growing intervals and no time limit.
   * Transient failures of the poll itself are retried; only the signal stops it.
   */
  async pollUntilSettled(
    filekey: string,
    signal: AbortSignal | undefined,
    onPoll?: (stage: string) => void,
  ): Promise<Exclude<Where, { kind: 'poll' }>> {
    let interval = this.api.options.pollIntervalMs ?? 1000;
    const max = this.api.options.pollMaxIntervalMs ?? 30_000;
    let failures = 0;
    for (;;) {
      throwIfAborted(signal);
      let w: Where;
      try {
        w = await this.whereIs(filekey, signal);
        failures = 0;
      } catch (e) {
        if (e instanceof MwClientErrorClass && e.retryable) {
          failures++;
          await sleep(backoffDelay(failures, this.api.options.backoff, e.retryAfter), signal);
          continue;
        }
        throw e;
      }
      if (w.kind !== 'poll') return w;
      onPoll?.(w.stage);
      await sleep(interval, signal);
      interval = Math.min(max, interval * 1.5);
    }
  }

  /** The current version's imageinfo, or undefined when the file does not exist. */
  async imageInfo(filename: string, signal?: AbortSignal): Promise<ImageInfo | undefined> {
    await this.api.ensureLogin(signal);
    const title = /^file:/i.test(filename) ? filename : `File:${filename}`;
    const r = await this.api.request(
      {
        action: 'query',
        titles: title,
        prop: 'imageinfo',
        iiprop: [
          'timestamp',
          'user',
          'userid',
          'size',
          'dimensions',
          'sha1',
          'mime',
          'url',
          'comment',
          'canonicaltitle',
        ],
      },
      { signal },
    );
    const pages = r.query?.pages;
    const page = Array.isArray(pages) ? pages[0] : pages ? Object.values(pages)[0] : undefined;
    const ii = (page as { imageinfo?: ImageInfo[] } | undefined)?.imageinfo?.[0];
    return ii;
  }

  /** `prop=stashimageinfo` for a stashed file (size, sha1, mime…), or undefined if the server does not know it. */
  async stashImageInfo(filekey: string, signal?: AbortSignal): Promise<ImageInfo | undefined> {
    await this.api.ensureLogin(signal);
    try {
      const r = await this.api.request(
        {
          action: 'query',
          prop: 'stashimageinfo',
          siifilekey: filekey,
          siiprop: ['size', 'sha1', 'mime', 'timestamp'],
        },
        { signal },
      );
      const list = r.query?.stashimageinfo;
      return Array.isArray(list) ? (list[0] as ImageInfo | undefined) : undefined;
    } catch (e) {
      if (isStashNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Looks through the user's stash for a file with this size and SHA-1 (`list=mystashedfiles`), e.g. the
   * result of a synchronous assembly whose answer was lost.
   */
  async findStashed(size: number, sha1: string, signal?: AbortSignal): Promise<string | undefined> {
    const entries: { filekey: string; size?: number }[] = [];
    let cont: Record<string, string> = {};
    for (let page = 0; page < 20; page++) {
      let r: ApiResponse;
      try {
        r = await this.api.request(
          { action: 'query', list: 'mystashedfiles', msfprop: ['size', 'type'], msflimit: 'max', ...cont },
          { signal },
        );
      } catch (e) {
        if (e instanceof ApiError) return undefined;
        throw e;
      }
      entries.push(...((r.query?.mystashedfiles ?? []) as { filekey: string; size?: number }[]));
      if (!r.continue) break;
      cont = r.continue as Record<string, string>;
    }
    // Newest last: look at the most recent candidates first.
    const candidates = entries.filter((e) => toNumber(e.size) === size).map((e) => e.filekey);
    for (const key of candidates.reverse()) {
      const info = await this.stashImageInfo(key, signal).catch(() => undefined);
      if (info?.sha1 && info.sha1.toLowerCase() === sha1) return key;
    }
    return undefined;
  }
}
