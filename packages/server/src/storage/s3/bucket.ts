/**
 * One S3 bucket as the blob store uses it: the client (set up for S3-compatible servers), and the
 * object operations the store is built from: put, head, ranged reads, listing and batched deletes.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '../../config.js';
import type { BlobStat } from '../blob-store.js';
import { SignedRequests, xmlAll, xmlOne } from './signed-requests.js';

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

/**
 * Object operations on one bucket. Keys here are full object keys (prefix included). The frequent
 * ones (put, head, listing, deleting one object, a multipart upload's parts and part copies) are
 * {@link SignedRequests}; the rest are the client's commands.
 */
export class Bucket {
  readonly requests: SignedRequests;
  readonly name: string;

  constructor(
    readonly client: S3Client,
    cfg: Pick<S3StorageConfig, 'bucket' | 'endpoint' | 'region' | 'forcePathStyle'>,
    /** Keys asked for per listing request (S3: at most 1000; default: the server's). */
    private readonly listPageSize?: number,
  ) {
    this.name = cfg.bucket;
    this.requests = new SignedRequests(client, cfg);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.requests.send({
      method: 'PUT',
      key,
      body: typeof body === 'string' ? Buffer.from(body) : body,
    });
  }

  /** Size and modification time of an object, or null when it does not exist. */
  async head(key: string): Promise<BlobStat | null> {
    try {
      const r = await this.requests.send({ method: 'HEAD', key });
      return {
        size: Number(r.headers['content-length'] ?? 0),
        mtimeMs: Date.parse(r.headers['last-modified'] ?? '') || 0,
      };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  /** Store `body` as part `partNumber` of a multipart upload; its ETag. */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
    const r = await this.requests.send({
      method: 'PUT',
      key,
      query: { partNumber: String(partNumber), uploadId },
      body,
    });
    return r.headers.etag ?? '';
  }

  /** Copy the byte range `[start, end]` of an object as part `partNumber` of a multipart upload; its ETag. */
  async uploadPartCopy(
    key: string,
    uploadId: string,
    partNumber: number,
    from: { key: string; start: number; end: number },
  ): Promise<string> {
    const r = await this.requests.send({
      method: 'PUT',
      key,
      query: { partNumber: String(partNumber), uploadId },
      headers: {
        'x-amz-copy-source': this.copySource(from.key),
        'x-amz-copy-source-range': `bytes=${from.start}-${from.end}`,
      },
      errorIn200: true,
    });
    return xmlOne(r.body, 'ETag') ?? '';
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
      const query: Record<string, string> = { 'list-type': '2', prefix };
      if (token) query['continuation-token'] = token;
      else if (startAfter) query['start-after'] = startAfter;
      if (this.listPageSize) query['max-keys'] = String(this.listPageSize);
      const { body } = await this.requests.send({ method: 'GET', key: '', query });
      for (const o of xmlAll(body, 'Contents')) {
        yield {
          key: xmlOne(o, 'Key') ?? '',
          size: Number(xmlOne(o, 'Size') ?? 0),
          mtimeMs: Date.parse(xmlOne(o, 'LastModified') ?? '') || 0,
        };
      }
      token = xmlOne(body, 'IsTruncated') === 'true' ? xmlOne(body, 'NextContinuationToken') : undefined;
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
    await this.requests.send({ method: 'DELETE', key });
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
