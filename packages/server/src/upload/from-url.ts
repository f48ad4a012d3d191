import type { Config } from '../config.js';
import { MwError } from '../errors.js';
import type { BlobStore } from '../storage/blob-store.js';
import { receivePart } from './receive.js';
import type { UploadFile } from './service.js';
import { isAllowedCopyUploadDomain } from './url/domains.js';
import { openUrl } from './url/fetch.js';

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
  if (opts.onProgress) {
    let n = 0;
    let last = 0;
    res.body.on('data', (b: Buffer) => {
      n += b.length;
      if (Date.now() - last > 1000) {
        last = Date.now();
        opts.onProgress!(n, res.contentLength);
      }
    });
  }
  const part = await receivePart(deps.blobs, 'url', '', res.body, { kind: 'blob' }, max);
  if (part.target.kind !== 'blob') throw new Error('unexpected receive target');
  return {
    blobKey: part.target.blobKey,
    size: part.size,
    sha1: part.sha1,
    head: part.head,
    ...(part.tail ? { tail: part.tail } : {}),
    sourceType: 'url',
  };
}
