/**
 * Streaming a body into one S3 object without buffering it: one PutObject when it fits one part,
 * else a multipart upload holding at most two parts in memory (one being sent, the next gathered).
 * The object appears only when the upload completes; on error the multipart upload is aborted.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { BlobBody } from '../blob-store.js';
import type { Bucket } from './bucket.js';

export interface PartLimits {
  /** Size of the first parts; it doubles every 1000 parts. */
  partSize: number;
  /** Most parts one multipart upload may have (S3: 10000). */
  maxParts: number;
}

const toIterable = (body: BlobBody): AsyncIterable<Uint8Array> =>
  body instanceof Readable ? (body as AsyncIterable<Uint8Array>) : body;

/**
 * Stream `body` into the object `key`. With `skipEmpty`, an empty body stores nothing.
 * Resolves to the size written.
 */
export async function uploadStream(
  bucket: Bucket,
  key: string,
  body: BlobBody,
  skipEmpty: boolean,
  limits: PartLimits,
): Promise<number> {
  const it = toIterable(body)[Symbol.asyncIterator]();
  let ended = false;
  /** Read until `size` bytes are gathered or the body ends. */
  const gather = async (size: number): Promise<Buffer> => {
    const bufs: Buffer[] = [];
    let len = 0;
    while (len < size && !ended) {
      const r = await it.next();
      if (r.done) ended = true;
      else {
        const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
        bufs.push(b);
        len += b.length;
      }
    }
    return bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs, len);
  };
  const sizeOf = (n: number) => limits.partSize * 2 ** Math.floor((n - 1) / 1000);
  const { client, name: Bucket } = bucket;

  let uploadId: string | undefined;
  let inflight: Promise<void> | null = null;
  try {
    const first = await gather(sizeOf(1));
    if (ended) {
      if (first.length === 0 && skipEmpty) return 0;
      await bucket.put(key, first);
      return first.length;
    }
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
    uploadId = created.UploadId!;
    const parts: { PartNumber: number; ETag: string }[] = [];
    let total = 0;
    let buf = first;
    for (let n = 1; ; ) {
      if (n > limits.maxParts) throw new Error(`blob ${key} needs more than ${limits.maxParts} parts`);
      const partNo = n;
      const data = buf;
      total += data.length;
      // One part in flight while the next one is gathered: at most two parts in memory.
      await inflight;
      inflight = client
        .send(
          new UploadPartCommand({
            Bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNo,
            Body: data,
            ContentLength: data.length,
          }),
        )
        .then((r) => {
          parts.push({ PartNumber: partNo, ETag: r.ETag! });
        });
      // Not unhandled while the next part is gathered; awaited before anything else is sent.
      inflight.catch(() => {});
      if (ended) break;
      n++;
      buf = await gather(sizeOf(n));
      if (buf.length === 0) break;
    }
    await inflight;
    parts.sort((a, b) => a.PartNumber - b.PartNumber);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return total;
  } catch (e) {
    await it.return?.().catch(() => {});
    if (uploadId) {
      // A part still being stored would outlive the abort on some servers.
      await inflight?.catch(() => {});
      await client
        .send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
    }
    throw e;
  }
}
