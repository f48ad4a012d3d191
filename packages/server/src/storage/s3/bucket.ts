/**
 * One S3 bucket as the blob store uses it: the client (set up for S3-compatible servers), and the
 * object operations the store is built from: put, head, ranged reads, listing and batched deletes.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { StorageConfig } from '../../config.js';
import type { BlobStat } from '../blob-store.js';

type S3Keys = Omit<Extract<StorageConfig, { driver: 's3' }>, 'driver'>;
/** An S3 store's settings (the retry settings have defaults). */
export type S3StorageConfig = Omit<S3Keys, 'maxAttempts' | 'requestTimeoutSeconds'> &
  Partial<Pick<S3Keys, 'maxAttempts' | 'requestTimeoutSeconds'>>;

/** An object as listed. */
export interface Listed {
  key: string;
  size: number;
  mtimeMs: number;
}

/** The inclusive byte range `[start, end]` of an object. */
export interface ObjectRange {
  key: string;
  start: number;
  end: number;
}

export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? '';
}

export function isNotFound(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return errorName(e) === 'NoSuchKey' || errorName(e) === 'NotFound' || status === 404;
}

/** The commands that carry the bytes of blobs. */
const UNSIGNED_BODIES = new Set(['PutObjectCommand', 'UploadPartCommand']);

/** An S3 client that speaks to S3-compatible servers as well as to AWS. */
export function createS3Client(cfg: S3StorageConfig): S3Client {
  const client = new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: cfg.forcePathStyle,
    credentials:
      cfg.accessKeyId && cfg.secretAccessKey
        ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
        : undefined,
    // The SDK's standard retries: exponential backoff with jitter, throttling told apart.
    retryMode: 'standard',
    maxAttempts: cfg.maxAttempts ?? 5,
    requestHandler: {
      connectionTimeout: 5000,
      requestTimeout: (cfg.requestTimeoutSeconds ?? 30) * 1000,
      throwOnRequestTimeout: true,
    },
    // Plain payloads only: many S3-compatible servers reject aws-chunked bodies with trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Swift answers a request that waited for `100 Continue` with `Connection: close`: every part
    // would cost a new connection and a round trip before its body.
    expectContinueHeader: false,
  });
  // The bytes of blobs go unhashed (`UNSIGNED-PAYLOAD`, what the SDK sends for any streamed body):
  // signing them costs a SHA-256 of every byte here and another on the server (Swift checks it),
  // about a third of the CPU of sending a part. Their integrity on the way rests on TCP (TLS with an
  // https endpoint); the upload's SHA-1, computed from the bytes the client sent, is what
  // `mwup-admin check --sha1` checks stored blobs against.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      if (UNSIGNED_BODIES.has(context.commandName ?? '') && req.headers) {
        req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    { step: 'build', name: 'mwupUnsignedPayload' },
  );
  // Multi-object delete needs Content-MD5 on servers that do not take the newer checksum headers.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const req = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === 'DeleteObjectsCommand' && req.headers && req.body !== undefined) {
        const body = req.body;
        if (typeof body === 'string' || body instanceof Uint8Array) {
          req.headers['content-md5'] = createHash('md5').update(body).digest('base64');
        }
      }
      return next(args);
    },
    { step: 'build', name: 'mwupContentMd5' },
  );
  return client;
}

/** Object operations on one bucket. Keys here are full object keys (prefix included). */
export class Bucket {
  constructor(
    readonly client: S3Client,
    readonly name: string,
    /** Keys asked for per listing request (S3: at most 1000; default: the server's). */
    private readonly listPageSize?: number,
  ) {}

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    await this.client.send(
      new PutObjectCommand({ Bucket: this.name, Key: key, Body: body, ContentLength: length }),
    );
  }

  /** Size and modification time of an object, or null when it does not exist. */
  async head(key: string): Promise<BlobStat | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key }));
      return { size: r.ContentLength ?? 0, mtimeMs: r.LastModified?.getTime() ?? 0 };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** An object's body, or the inclusive byte range `[start, end]` of it. */
  async get(key: string, range?: { start: number; end: number }): Promise<AsyncIterable<Uint8Array>> {
    const r = await this.client.send(
      new GetObjectCommand({
        Bucket: this.name,
        Key: key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    return r.Body as AsyncIterable<Uint8Array>;
  }

  /** The bytes of several object ranges, one after the other. */
  async *readRanges(ranges: ObjectRange[]): AsyncGenerator<Uint8Array> {
    for (const r of ranges) yield* await this.get(r.key, r);
  }

  /** Read byte ranges of objects into one buffer of `size` bytes (a piece of at most a few MiB). */
  async gatherRanges(ranges: ObjectRange[], size: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for await (const c of this.readRanges(ranges)) {
      out.set(c, at);
      at += c.length;
    }
    if (at !== size) throw new Error(`expected ${size} bytes from parts, got ${at}`);
    return out;
  }

  /** The `CopySource` naming an object of this bucket. */
  copySource(key: string): string {
    return `${this.name}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Objects whose key starts with `prefix` (after `startAfter`, when given), in key order. */
  async *list(prefix: string, startAfter?: string): AsyncGenerator<Listed> {
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.name,
          Prefix: prefix,
          StartAfter: token ? undefined : startAfter,
          ContinuationToken: token,
          MaxKeys: this.listPageSize,
        }),
      );
      for (const o of r.Contents ?? []) {
        yield { key: o.Key!, size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0 };
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  /** {@link list}, collected. */
  async collect(prefix: string, startAfter?: string): Promise<Listed[]> {
    const out: Listed[] = [];
    for await (const o of this.list(prefix, startAfter)) out.push(o);
    return out;
  }

  /** Delete one object (deleting a missing object is not an error). */
  async deleteOne(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.name, Key: key }));
  }

  /** Delete objects, up to 1000 per request. */
  async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (batch.length === 1) {
        await this.deleteOne(batch[0]!);
        continue;
      }
      const r = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.name,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = (r.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) {
        throw new Error(`cannot delete ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`);
      }
    }
  }
}
