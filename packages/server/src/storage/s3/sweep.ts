/** Aborting the multipart uploads that crashed writers left behind (maintenance). */
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
} from '@aws-sdk/client-s3';
import { type Bucket, errorName } from './bucket.js';

/**
 * Abort multipart uploads under `prefix` that were started, and last received a part, more than
 * `olderThanMs` ago. Resolves to how many were aborted.
 */
export async function sweepMultipartUploads(
  bucket: Bucket,
  prefix: string,
  olderThanMs: number,
): Promise<number> {
  const { client, name: Bucket } = bucket;
  const cutoff = Date.now() - olderThanMs;
  let n = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const r = await client.send(
      new ListMultipartUploadsCommand({
        Bucket,
        Prefix: prefix || undefined,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const u of r.Uploads ?? []) {
      if (!u.Key || !u.UploadId || (u.Initiated?.getTime() ?? 0) >= cutoff) continue;
      // A slow upload that is still sending parts is not left over.
      if (await activeSince(bucket, u.Key, u.UploadId, cutoff)) continue;
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket, Key: u.Key, UploadId: u.UploadId }));
        n++;
      } catch (e) {
        if (errorName(e) !== 'NoSuchUpload') throw e;
      }
    }
    if (!r.IsTruncated) break;
    keyMarker = r.NextKeyMarker;
    uploadIdMarker = r.NextUploadIdMarker;
  }
  return n;
}

/** Whether a multipart upload received a part at or after `since`. */
async function activeSince(bucket: Bucket, key: string, uploadId: string, since: number): Promise<boolean> {
  let marker: string | undefined;
  for (;;) {
    const r = await bucket.client.send(
      new ListPartsCommand({ Bucket: bucket.name, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
    );
    if ((r.Parts ?? []).some((p) => (p.LastModified?.getTime() ?? 0) >= since)) return true;
    if (!r.IsTruncated) return false;
    marker = r.NextPartNumberMarker;
  }
}
