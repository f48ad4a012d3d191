/**
 * Streaming a body into one S3 object without buffering it: one PutObject when it fits one part,
 * else a multipart upload holding at most two parts in memory (one being sent, the next gathered).
 * Every part but the last has exactly its size. The object appears only when the upload completes;
 * on error the multipart upload is aborted. A body read from its socket copies itself into the part
 * buffers, hashed on the way by the socket's own thread ({@link uploadFilled}): its bytes are never
 * handled by JavaScript, and the JavaScript thread only sends full parts.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { type BlobBody, BodyTooLarge, type FillableBody } from '../blob-store.js';
import type { Bucket } from './bucket.js';

export interface PartLimits {
  /** Size of the first parts; it doubles every 1000 parts. */
  partSize: number;
  /** Most parts one multipart upload may have (S3: 10000). */
  maxParts: number;
}

/**
 * Part buffers are used again, by the next part and by the next upload: a new buffer of megabytes
 * for every part cost more than sending it (3 ms per MiB on a 2-core machine, in the garbage
 * collections that so much memory outside the heap sets off). Two are kept between uploads.
 */
const KEPT_BUFFERS = 2;
const kept: Buffer[] = [];
/** Bodies smaller than this are gathered into a buffer of their own. */
const SMALL = 1024 * 1024;

function takeBuffer(size: number, atLeast: number): Buffer {
  const i = kept.findIndex((b) => b.length >= size);
  return i >= 0 ? kept.splice(i, 1)[0]! : Buffer.allocUnsafe(Math.max(size, atLeast));
}

function keepBuffers(...bufs: (Buffer | undefined)[]): void {
  for (const b of bufs)
    if (b && b.length >= SMALL && kept.length < KEPT_BUFFERS && !kept.includes(b)) kept.push(b);
}

const toIterable = (body: BlobBody): AsyncIterable<Uint8Array> =>
  body instanceof Readable ? (body as AsyncIterable<Uint8Array>) : body;

/**
 * The object a body goes to: a key, or the key for a body of a given size, known when it fits one
 * PutObject (null: a multipart upload, begun before the size is known).
 */
export type ObjectKey = string | ((size: number | null) => string);
const keyFor = (key: ObjectKey, size: number | null) => (typeof key === 'string' ? key : key(size));

/** Gathers the next part: the buffer used (`into` when it is large enough) and the part of it filled. */
type Gather = (size: number, into?: Buffer) => Promise<[Buffer, Buffer]>;

/**
 * Stream `body` into the object `key`. With `skipEmpty`, an empty body stores nothing.
 * Resolves to the size written.
 */
export async function uploadStream(
  bucket: Bucket,
  key: ObjectKey,
  body: BlobBody,
  skipEmpty: boolean,
  limits: PartLimits,
): Promise<number> {
  const it = toIterable(body)[Symbol.asyncIterator]();
  let ended = false;
  /** Read ahead but not in a part yet. */
  const pending: Buffer[] = [];
  /** The next piece of the body itself. */
  const next = async (): Promise<Buffer | null> => {
    if (ended) return null;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return null;
    }
    const v = r.value;
    return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  };
  const read = (): Promise<Buffer | null> | Buffer => pending.shift() ?? next();
  /** Copy what follows until the part holds `size` bytes or the body ends. */
  const gather: Gather = async (size, into) => {
    const buf = into && into.length >= size ? into : takeBuffer(size, limits.partSize);
    let at = 0;
    for (let b = await read(); b; b = at < size ? await read() : null) {
      const take = Math.min(b.length, size - at);
      buf.set(take < b.length ? b.subarray(0, take) : b, at);
      at += take;
      if (take < b.length) pending.unshift(b.subarray(take));
    }
    return [buf, buf.subarray(0, at)];
  };
  let buf: Buffer | undefined;
  try {
    // Read ahead until the body is known to need more than one part.
    let ahead = 0;
    for (let b = await next(); b; b = ahead > limits.partSize ? null : await next()) {
      pending.push(b);
      ahead += b.length;
    }
    if (ended) {
      if (ahead === 0 && skipEmpty) return 0;
      if (pending.length === 1 || ahead < SMALL) {
        const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, ahead);
        await bucket.put(keyFor(key, ahead), data);
        return ahead;
      }
      let data: Buffer;
      [buf, data] = await gather(ahead);
      await bucket.put(keyFor(key, ahead), data);
      return ahead;
    }
    const first = await gather(limits.partSize);
    buf = undefined; // the parts' now
    const more = () => !ended || pending.length > 0;
    return await uploadParts(bucket, keyFor(key, null), first, gather, more, limits);
  } catch (e) {
    await it.return?.().catch(() => {});
    throw e;
  } finally {
    keepBuffers(buf);
  }
}

/**
 * A body that copies itself into the part buffers (a request body read from its socket): one PutObject
 * when it fits one part, else a multipart upload. Its size, SHA-1 and the SHA-1's state; more than
 * `limit` bytes: {@link BodyTooLarge}, and nothing is stored. With `skipEmpty`, an empty body stores
 * nothing.
 */
export async function uploadFilled(
  bucket: Bucket,
  key: ObjectKey,
  body: FillableBody,
  limit: number,
  skipEmpty: boolean,
  limits: PartLimits,
): Promise<{ size: number; sha1: string; state: Uint8Array }> {
  /** The body's SHA-1 and its state once it has ended. */
  const got = { size: 0, sha1: null as string | null, state: null as Uint8Array | null };
  const gather: Gather = async (want, into) => {
    const buf = into && into.length >= want ? into : takeBuffer(want, limits.partSize);
    let at = 0;
    while (got.sha1 === null && at < want) {
      const r = await body.fillInto(buf.subarray(at, want));
      at += r.length;
      got.sha1 = r.sha1;
      got.state = r.state;
    }
    got.size += at;
    if (got.size > limit) throw new BodyTooLarge();
    return [buf, buf.subarray(0, at)];
  };
  const first = await gather(limits.partSize);
  if (got.sha1 === null) {
    await uploadParts(bucket, keyFor(key, null), first, gather, () => got.sha1 === null, limits);
  } else {
    try {
      if (got.size > 0 || !skipEmpty) await bucket.put(keyFor(key, got.size), first[1]);
    } finally {
      keepBuffers(first[0]);
    }
  }
  if (got.sha1 === null || got.state === null) throw new Error('the body ended without its SHA-1');
  return { size: got.size, sha1: got.sha1, state: got.state };
}

/**
 * A multipart upload of the parts `gather` gathers, from `first` on, while `more()` says the body
 * goes on: one part in flight while the next is gathered, so at most two parts in memory. Every part
 * but the last has its full size (`partSize`, doubling every 1000 parts). On error the multipart
 * upload is aborted. Resolves to the size written.
 */
async function uploadParts(
  bucket: Bucket,
  key: string,
  first: [Buffer, Buffer],
  gather: Gather,
  more: () => boolean,
  limits: PartLimits,
): Promise<number> {
  const sizeOf = (n: number) => limits.partSize * 2 ** Math.floor((n - 1) / 1000);
  const { client, name: Bucket } = bucket;
  let uploadId: string | undefined;
  let inflight: Promise<void> | null = null;
  /** The buffers of the part in flight, of the one gathered, and of the part sent before. */
  let sending: Buffer | undefined;
  let [buf, data] = first as [Buffer | undefined, Buffer];
  let spare: Buffer | undefined;
  try {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: key }));
    uploadId = created.UploadId!;
    const parts: { PartNumber: number; ETag: string }[] = [];
    let total = 0;
    for (let n = 1; ; ) {
      if (n > limits.maxParts) throw new Error(`blob ${key} needs more than ${limits.maxParts} parts`);
      const partNo = n;
      const body = data;
      total += body.length;
      // One part in flight while the next one is gathered: at most two parts in memory.
      await inflight;
      // The part sent before is stored: its buffer gathers the next one.
      spare = sending;
      sending = buf;
      buf = undefined;
      inflight = bucket.uploadPart(key, uploadId, partNo, body).then((ETag) => {
        parts.push({ PartNumber: partNo, ETag });
      });
      // Not unhandled while the next part is gathered; awaited before anything else is sent.
      inflight.catch(() => {});
      if (!more()) break;
      n++;
      [buf, data] = await gather(sizeOf(n), spare);
      if (buf === spare) spare = undefined;
      if (data.length === 0) break;
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
    if (uploadId) {
      // A part still being stored would outlive the abort on some servers.
      await inflight?.catch(() => {});
      await client
        .send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
    }
    throw e;
  } finally {
    // Nothing is in flight any more (awaited above, whether the upload completed or failed). The
    // spare buffer too: an upload of two parts that dropped it cost every such upload (a chunk of
    // more than a part) a new 8 MiB buffer.
    keepBuffers(sending, buf, spare);
  }
}
