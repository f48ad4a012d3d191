import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  assertValidKey,
  type BlobBody,
  type BlobStat,
  type BlobStore,
  type FillableBody,
} from './blob-store.js';
import { AppendableParts, PARTS } from './s3/appendable.js';
import { Bucket, createS3Client, errorName, isNotFound, type S3StorageConfig } from './s3/bucket.js';
import { MIN_PART } from './s3/compose.js';
import { uploadFilled, uploadStream } from './s3/stream-upload.js';
import { sweepMultipartUploads } from './s3/sweep.js';

export type { S3StorageConfig } from './s3/bucket.js';

export interface S3Tuning {
  /** Part size of multipart writes (grows ×2 every 1000 parts). Default 8 MiB, at least 5 MiB. */
  partSize?: number;
  /** Most parts one multipart upload may have (S3: 10000). */
  maxParts?: number;
  /** Parts composed or uploaded at once when sealing. */
  concurrency?: number;
  /** Keys asked for per listing request (S3: at most 1000). */
  listPageSize?: number;
}

const MIB = 1024 * 1024;

/**
 * Blobs in an S3-compatible bucket.
 *
 * Layout under the configured prefix (`~` never occurs in blob keys):
 *
 *     <key>                        a complete blob (written, or an appendable blob once sealed)
 *     <key>~parts/…                the parts of an appendable blob that is not sealed yet (s3/appendable.ts)
 *
 * `write` streams a body into `<key>` (s3/stream-upload.ts): small bodies with one PutObject, larger
 * ones as a multipart upload holding at most two parts in memory; the object appears only when the
 * upload completes. `writeFilled` does the same for a large request body read from its socket, which
 * copies itself into the part buffers. `seal` composes an appendable blob's parts into `<key>` (s3/compose.ts), copying
 * parts of at least 5 MiB on the server. A blob is read from `<key>` when it exists, else from its
 * parts. Multipart uploads left behind by a crash are aborted by `sweepTemp` (maintenance).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly bucket: Bucket;
  private readonly prefix: string;
  private readonly parts: AppendableParts;
  private readonly limits: { partSize: number; maxParts: number; concurrency: number };

  constructor(cfg: S3StorageConfig, tuning: S3Tuning = {}) {
    this.prefix = cfg.prefix;
    this.bucket = new Bucket(createS3Client(cfg), cfg, tuning.listPageSize);
    this.limits = {
      partSize: Math.max(MIN_PART, tuning.partSize ?? 8 * MIB),
      maxParts: tuning.maxParts ?? 10000,
      concurrency: Math.max(1, tuning.concurrency ?? 4),
    };
    this.parts = new AppendableParts(this.bucket, this.limits);
  }

  /** The S3 client (tests watch the commands it sends). */
  get client(): S3Client {
    return this.bucket.client;
  }

  localPath(key: string): null {
    assertValidKey(key);
    return null;
  }

  /** The object key of a blob. */
  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  async write(key: string, body: BlobBody): Promise<number> {
    return uploadStream(this.bucket, this.objectKey(key), body, false, this.limits);
  }

  async writeFilled(key: string, body: FillableBody, limit: number): Promise<{ size: number; sha1: string }> {
    const { size, sha1 } = await uploadFilled(
      this.bucket,
      this.objectKey(key),
      body,
      limit,
      false,
      this.limits,
    );
    return { size, sha1 };
  }

  async appendFilled(
    key: string,
    offset: number,
    body: FillableBody,
    limit: number,
  ): Promise<{ size: number; state: Uint8Array }> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`invalid offset ${offset}`);
    return this.parts.appendFilled(key, this.objectKey(key), offset, body, limit);
  }

  async append(key: string, offset: number, body: BlobBody): Promise<number> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`invalid offset ${offset}`);
    return this.parts.append(key, this.objectKey(key), offset, body);
  }

  async seal(key: string, size: number): Promise<void> {
    await this.parts.seal(key, this.objectKey(key), size);
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    const objKey = this.objectKey(key);
    return Readable.from(this.readBlob(key, objKey, range), { objectMode: false });
  }

  private async *readBlob(
    key: string,
    objKey: string,
    range?: { start: number; end: number },
  ): AsyncGenerator<Uint8Array> {
    if (range && range.end < range.start) return;
    let body: AsyncIterable<Uint8Array>;
    try {
      body = await this.bucket.get(objKey, range);
    } catch (e) {
      // A range starting at or past the end reads as nothing (like a file).
      if (errorName(e) === 'InvalidRange') return;
      if (!isNotFound(e)) throw e;
      yield* this.parts.read(key, objKey, range);
      return;
    }
    yield* body;
  }

  async stat(key: string): Promise<BlobStat | null> {
    const objKey = this.objectKey(key);
    return (await this.bucket.head(objKey)) ?? (await this.parts.stat(objKey));
  }

  async delete(key: string): Promise<void> {
    const objKey = this.objectKey(key);
    await this.parts.removeAll(objKey);
    await this.bucket.deleteOne(objKey);
  }

  async *list(prefix: string): AsyncIterable<{ key: string; mtimeMs: number }> {
    if (prefix.includes('~')) return;
    let group: { key: string; mtimeMs: number } | null = null;
    const flush = async () => {
      const g = group;
      group = null;
      // An appendable blob whose sealed object exists was listed under that object already.
      if (g && !(await this.bucket.head(this.prefix + g.key))) return g;
      return null;
    };
    for await (const o of this.bucket.list(this.prefix + prefix)) {
      const rel = o.key.slice(this.prefix.length);
      const i = rel.indexOf(PARTS);
      if (i < 0) {
        const g = await flush();
        if (g) yield g;
        yield { key: rel, mtimeMs: o.mtimeMs };
        continue;
      }
      const logical = rel.slice(0, i);
      const cur = group as { key: string; mtimeMs: number } | null;
      if (cur && cur.key === logical) cur.mtimeMs = Math.max(cur.mtimeMs, o.mtimeMs);
      else {
        const g = await flush();
        if (g) yield g;
        group = { key: logical, mtimeMs: o.mtimeMs };
      }
    }
    const g = await flush();
    if (g) yield g;
  }

  async *keys(prefix: string): AsyncIterable<string> {
    // A listing gives the times with the keys.
    for await (const b of this.list(prefix)) yield b.key;
  }

  /**
   * Abort multipart uploads under the prefix (left behind by crashes) that were started, and last
   * received a part, more than `olderThanMs` ago. Resolves to how many were aborted.
   */
  async sweepTemp(olderThanMs: number): Promise<number> {
    return sweepMultipartUploads(this.bucket, this.prefix, olderThanMs);
  }

  /** Release the HTTP connections. */
  destroy(): void {
    this.bucket.client.destroy();
  }
}
