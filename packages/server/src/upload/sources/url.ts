import { pipeline, type Readable, Transform } from 'node:stream';
import type { Identity } from '../../auth/identity.js';
import type { Config } from '../../config.js';
import { MwError } from '../../errors.js';
import { checkTags } from '../../files/tags.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { sha1Hex } from '../../util/sha1.js';
import type { UploadFile } from '../file.js';
import type { ProcessOptions, UploadPipeline } from '../pipeline.js';
import { receivePart } from '../receive.js';
import { type Caller, outcomeAnswer, processOptions, type Target, type UploadAnswer } from '../requests.js';
import type { StatusStore, UploadStatus } from '../stash/status.js';
import { isAllowedCopyUploadDomain } from '../url/domains.js';
import { openUrl } from '../url/fetch.js';

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
  return `url:${sha1Hex(`${userId}\n${url}\n${filename}`)}`;
}

/** MediaWiki's early domain check (copyuploadbaddomain), made before permissions are checked. */
export function checkCopyUploadDomain(config: Config, url: string): void {
  const domains = config.copyUploads.domains;
  if (!domains.length) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MwError('copyuploadbaddomain', 'Uploads by URL are not allowed from this domain.');
  }
  if (!isAllowedCopyUploadDomain(parsed, domains)) {
    throw new MwError('copyuploadbaddomain', 'Uploads by URL are not allowed from this domain.');
  }
}

/**
 * Fetch a URL into a new blob (streamed, hashed and sized as it arrives; refused addresses, redirects,
 * size and time limits enforced by the fetcher). `onProgress` is told the bytes received so far.
 */
export async function fetchToBlob(
  deps: { config: Config; blobs: BlobStore },
  url: string,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number, total: number | undefined) => void } = {},
): Promise<UploadFile> {
  const c = deps.config.copyUploads;
  const max = deps.config.uploads.maxUploadSize;
  const res = await openUrl(url, {
    maxBytes: max,
    timeoutMs: c.timeoutSeconds * 1000,
    maxRedirects: c.maxRedirects + 1,
    domains: c.domains,
    policy: { allowCidrs: c.allowAddresses },
    signal: opts.signal,
  });
  let body: Readable = res.body;
  if (opts.onProgress) {
    // Counted on the way (a 'data' listener would take the bytes from the one who stores them).
    const report = opts.onProgress;
    let n = 0;
    let last = 0;
    const counter = new Transform({
      transform(b: Buffer, _enc, done) {
        n += b.length;
        if (Date.now() - last > 1000) {
          last = Date.now();
          report(n, res.contentLength);
        }
        done(null, b);
      },
    });
    pipeline(res.body, counter, () => {}); // a failure of either reaches the other
    body = counter;
  }
  const part = await receivePart(
    deps.blobs,
    { field: 'url', partName: '', stream: body },
    { kind: 'blob' },
    max,
  );
  if (part.stored.kind !== 'blob') throw new Error('unexpected receive target');
  return {
    blobKey: part.stored.blobKey,
    size: part.size,
    sha1: part.stored.sha1,
    head: part.head,
    tail: part.stored.tail,
    sourceType: 'url',
  };
}

const failure = (e: MwError): UploadStatus => ({
  result: 'Failure',
  stage: 'publish',
  error: { code: e.code, info: e.info, data: e.data },
});

/** Uploads from a URL: synchronous, or (with `async`) a job polled with checkstatus + the same url. */
export class UrlSource {
  constructor(
    private readonly d: {
      config: Config;
      blobs: BlobStore;
      status: StatusStore;
      jobs: JobQueue;
      pipeline: UploadPipeline;
    },
  ) {}

  async upload(caller: Caller, url: string, t: Target): Promise<UploadAnswer> {
    checkCopyUploadDomain(this.d.config, url);
    caller.authorize(true);
    if (t.async) return this.later(caller.who, url, t);
    const file = await fetchToBlob(this.d, url);
    let options: ProcessOptions;
    try {
      options = processOptions(t);
    } catch (e) {
      await this.d.blobs.delete(file.blobKey);
      throw e;
    }
    return outcomeAnswer(await this.d.pipeline.process(file, options, caller.who));
  }

  private async later(who: Identity, url: string, t: Target): Promise<UploadAnswer> {
    const user = who.user!;
    const key = urlStatusKey(user.id, url, t.filename);
    const prior = await this.d.status.get(key, user.id);
    if (prior?.result === 'Poll')
      throw new MwError('publishfailed', 'Upload from stash already in progress.');
    checkTags(this.d.config, t.tags, who.rights.has('applychangetags'));
    const params: UrlJobParams = { statusKey: key, userId: user.id, url, options: processOptions(t) };
    await this.d.status.set(key, user.id, { result: 'Poll', stage: 'queued' });
    await this.d.jobs.enqueue(URL_JOB, params, { dedupeKey: key });
    return { result: 'Poll', stage: 'queued', filename: t.filename };
  }

  /** The job: fetch (reporting progress), then the same pipeline as a synchronous upload. */
  async job(p: UrlJobParams, who: Identity): Promise<void> {
    const { status } = this.d;
    await status.set(p.statusKey, p.userId, { result: 'Poll', stage: 'fetching' });
    try {
      const file = await fetchToBlob(this.d, p.url, {
        onProgress: (bytes, total) =>
          void status
            .set(p.statusKey, p.userId, { result: 'Poll', stage: 'fetching', progress: { bytes, total } })
            .catch(() => {}),
      });
      await status.set(p.statusKey, p.userId, { result: 'Poll', stage: 'publish' });
      // A published file and its Success are one transaction: a job retried after a crash between
      // them would otherwise find the file there already and answer fileexists-no-change.
      const o = await this.d.pipeline.process(file, p.options, who, (trx, published) =>
        status.set(
          p.statusKey,
          p.userId,
          { result: 'Success', stage: 'publish', warnings: published.warnings, filename: published.name },
          trx,
        ),
      );
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
  }

  /** When the job failed for good (not with a MediaWiki error). */
  async jobFailed(statusKey: string, userId: number, e: unknown): Promise<void> {
    const err =
      e instanceof MwError
        ? e
        : new MwError('http-request-error', 'HTTP request failed due to unknown error.');
    await this.d.status.set(statusKey, userId, failure(err));
  }
}
