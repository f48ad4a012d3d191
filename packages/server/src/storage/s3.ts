import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { StorageConfig } from '../config.js';
import { assertValidKey, type BlobBody, type BlobStat, type BlobStore } from './blob-store.js';

export type S3StorageConfig = Omit<Extract<StorageConfig, { driver: 's3' }>, 'driver'>;

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
/** S3's smallest part (except the last one of an upload). */
const MIN_PART = 5 * MIB;
/** S3's largest part, and largest source of a single CopyObject. */
const MAX_PART = 5 * 1024 * MIB;
const PARTS = '~parts/';
const pad = (n: number) => String(n).padStart(16, '0');

interface Listed {
  key: string;
  size: number;
  mtimeMs: number;
}

interface Part {
  /** Object key of the part. */
  key: string;
  start: number;
  size: number;
  mtimeMs: number;
}

/** A piece of the composed object: copied on the server, or sent by us (bytes gathered from parts). */
type Segment =
  | { kind: 'copy'; key: string; start: number; end: number }
  | { kind: 'upload'; ranges: { key: string; start: number; end: number }[]; size: number };

function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? '';
}

function isNotFound(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return errorName(e) === 'NoSuchKey' || errorName(e) === 'NotFound' || status === 404;
}

function missing(key: string): Error {
  return Object.assign(new Error(`blob not found: ${key}`), { code: 'ENOENT' });
}

const toIterable = (body: BlobBody): AsyncIterable<Uint8Array> =>
  body instanceof Readable ? (body as AsyncIterable<Uint8Array>) : body;

/**
 * Blobs in an S3-compatible bucket.
 *
 * Layout under the configured prefix (`~` never occurs in blob keys):
 *
 *     <key>                        a complete blob (written, or an appendable blob once sealed)
 *     <key>~parts/<start>          bytes [start, start + size) of an appendable blob: one object per append
 *     <key>~parts/<end>.end        empty marker: a part ends at <end> (lets the next append skip a full listing)
 *
 * Offsets are zero-padded to 16 digits, so parts list in byte order. An append discards the parts and
 * markers beyond its offset, then stores its body as a new part; a failed append stores nothing, which
 * leaves the blob cut back to the offset. `seal` composes the parts into `<key>` with a multipart upload
 * in which every part of at least 5 MiB is copied on the server (UploadPartCopy) and only runs of
 * smaller parts are read and sent again, 5 MiB at a time; then it removes the parts. A blob is read
 * from `<key>` when it exists, else from its parts.
 *
 * `write` sends small bodies with one PutObject and larger ones as a multipart upload, holding at most
 * two parts in memory; the object appears only when the upload completes. Multipart uploads left behind
 * by a crash are aborted by `sweepTemp` (maintenance).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly maxParts: number;
  private readonly concurrency: number;
  private readonly listPageSize: number | undefined;

  constructor(cfg: S3StorageConfig, tuning: S3Tuning = {}) {
    this.bucket = cfg.bucket;
    this.prefix = cfg.prefix;
    this.partSize = Math.max(MIN_PART, tuning.partSize ?? 8 * MIB);
    this.maxParts = tuning.maxParts ?? 10000;
    this.concurrency = Math.max(1, tuning.concurrency ?? 4);
    this.listPageSize = tuning.listPageSize;
    this.client = new S3Client({
      region: cfg.region,
      endpoint: cfg.endpoint,
      forcePathStyle: cfg.forcePathStyle,
      credentials:
        cfg.accessKeyId && cfg.secretAccessKey
          ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
          : undefined,
      // Plain payloads only: many S3-compatible servers reject aws-chunked bodies with trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    // Multi-object delete needs Content-MD5 on servers that do not take the newer checksum headers.
    this.client.middlewareStack.add(
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

  private partsPrefix(key: string): string {
    return `${this.objectKey(key)}${PARTS}`;
  }

  // --- write ---------------------------------------------------------------------------------------

  async write(key: string, body: BlobBody): Promise<number> {
    return this.upload(this.objectKey(key), body, false);
  }

  /**
   * Stream `body` into the object `objKey`: one PutObject when it fits one part, else a multipart
   * upload (aborted on error). With `skipEmpty`, an empty body stores nothing. Resolves to the size.
   */
  private async upload(objKey: string, body: BlobBody, skipEmpty: boolean): Promise<number> {
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
    const sizeOf = (n: number) => this.partSize * 2 ** Math.floor((n - 1) / 1000);

    let uploadId: string | undefined;
    let inflight: Promise<void> | null = null;
    try {
      const first = await gather(sizeOf(1));
      if (ended) {
        if (first.length === 0 && skipEmpty) return 0;
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: objKey,
            Body: first,
            ContentLength: first.length,
          }),
        );
        return first.length;
      }
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: objKey }),
      );
      uploadId = created.UploadId!;
      const parts: { PartNumber: number; ETag: string }[] = [];
      let total = 0;
      let buf = first;
      for (let n = 1; ; ) {
        if (n > this.maxParts) throw new Error(`blob ${objKey} needs more than ${this.maxParts} parts`);
        const partNo = n;
        const data = buf;
        total += data.length;
        // One part in flight while the next one is gathered: at most two parts in memory.
        await inflight;
        inflight = this.client
          .send(
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: objKey,
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
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: objKey,
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
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objKey, UploadId: uploadId }))
          .catch(() => {});
      }
      throw e;
    }
  }

  // --- appendable blobs ----------------------------------------------------------------------------

  async append(key: string, offset: number, body: BlobBody): Promise<number> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`invalid offset ${offset}`);
    const pp = this.partsPrefix(key);
    if (offset === 0) {
      // A new appendable blob: nothing of an earlier one may remain.
      await this.deleteKeys((await this.collect(pp)).map((o) => o.key));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } else {
      const marker = `${pp}${pad(offset)}.end`;
      // Everything after the part that starts at offset - 1: the marker of `offset` (if some part ends
      // there), and whatever lies beyond the offset.
      const beyond = await this.collect(pp, `${pp}${pad(offset - 1)}.end`);
      if (beyond.some((o) => o.key === marker)) {
        await this.discard(beyond.filter((o) => o.key !== marker).map((o) => o.key));
      } else {
        await this.cutBack(key, offset);
      }
    }
    const size = await this.upload(`${pp}${pad(offset)}`, body, offset > 0);
    const end = offset + size;
    if (end > 0) await this.putMarker(pp, end);
    return end;
  }

  private async putMarker(pp: string, end: number): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${pp}${pad(end)}.end`, Body: '', ContentLength: 0 }),
    );
  }

  /** Delete markers first, then data: a marker never outlives the part it points past. */
  private async discard(keys: string[]): Promise<void> {
    await this.deleteKeys(keys.filter((k) => k.endsWith('.end')));
    await this.deleteKeys(keys.filter((k) => !k.endsWith('.end')));
  }

  /** The slow path of `append`: no part ends at `offset`. Cut the blob back to it, or fail. */
  private async cutBack(key: string, offset: number): Promise<void> {
    const pp = this.partsPrefix(key);
    const all = await this.collect(pp);
    const parts = this.dataParts(pp, all);
    const size = this.contiguousSize(key, parts);
    if (size < offset) throw new Error(`append to ${key} at ${offset}, but only ${size} bytes are stored`);
    const doomed = all.filter((o) => {
      const name = o.key.slice(pp.length);
      return name.endsWith('.end') ? Number(name.slice(0, -4)) > offset : Number(name) >= offset;
    });
    await this.discard(doomed.map((o) => o.key));
    const straddling = parts.find((p) => p.start < offset && p.start + p.size > offset);
    if (straddling) {
      // Keep the head of the part that crosses the offset (rare: a retry at an earlier offset).
      const head = this.readRanges([{ key: straddling.key, start: 0, end: offset - straddling.start - 1 }]);
      await this.upload(straddling.key, head, false);
    }
    await this.putMarker(pp, offset);
  }

  private dataParts(pp: string, listed: Listed[]): Part[] {
    return listed
      .filter((o) => !o.key.endsWith('.end'))
      .map((o) => ({ key: o.key, start: Number(o.key.slice(pp.length)), size: o.size, mtimeMs: o.mtimeMs }))
      .sort((a, b) => a.start - b.start);
  }

  /** The size of an appendable blob, checking that its parts leave no gap. */
  private contiguousSize(key: string, parts: Part[]): number {
    let pos = 0;
    for (const p of parts) {
      if (p.start !== pos) throw new Error(`appendable blob ${key} is missing bytes at ${pos}`);
      pos += p.size;
    }
    return pos;
  }

  async seal(key: string, size: number): Promise<void> {
    const pp = this.partsPrefix(key);
    const all = await this.collect(pp);
    const parts = this.dataParts(pp, all);
    if (parts.length === 0) {
      // Sealed already (a retried seal), or nothing was ever appended.
      const st = await this.head(this.objectKey(key));
      if (st && st.size === size) return;
      throw new Error(`cannot seal ${key}: ${st ? st.size : 'no'} bytes stored, ${size} expected`);
    }
    const stored = this.contiguousSize(key, parts);
    if (stored !== size) throw new Error(`cannot seal ${key}: ${stored} bytes stored, ${size} expected`);
    await this.compose(
      this.objectKey(key),
      parts.filter((p) => p.size > 0),
      size,
    );
    await this.deleteKeys(all.map((o) => o.key));
  }

  /**
   * Split the parts into the pieces of a multipart upload. Parts of at least 5 MiB (and a last part
   * of any size) are copied on the server; smaller ones are gathered, with the head of a following
   * part when needed, into uploaded pieces of `target` bytes. Every piece but the last is at least
   * 5 MiB, as S3 requires.
   */
  private segments(parts: Part[], copy: boolean, target: number): Segment[] {
    const out: Segment[] = [];
    let pending: { key: string; start: number; end: number }[] = [];
    let pendingSize = 0;
    const flush = () => {
      if (pendingSize > 0) out.push({ kind: 'upload', ranges: pending, size: pendingSize });
      pending = [];
      pendingSize = 0;
    };
    parts.forEach((p, i) => {
      const last = i === parts.length - 1;
      let pos = 0;
      while (pos < p.size) {
        const rest = p.size - pos;
        if (copy && pendingSize === 0 && (rest >= MIN_PART || last)) {
          const n = Math.ceil(rest / MAX_PART);
          const each = Math.ceil(rest / n);
          for (let s = pos; s < p.size; s += each) {
            out.push({ kind: 'copy', key: p.key, start: s, end: Math.min(p.size, s + each) - 1 });
          }
          pos = p.size;
        } else {
          const take = Math.min(rest, target - pendingSize);
          pending.push({ key: p.key, start: pos, end: pos + take - 1 });
          pendingSize += take;
          pos += take;
          if (pendingSize >= target) flush();
        }
      }
    });
    flush();
    return out;
  }

  private async compose(dest: string, parts: Part[], size: number): Promise<void> {
    let segs = this.segments(parts, true, MIN_PART);
    if (segs.length > this.maxParts) {
      segs = this.segments(parts, false, Math.max(MIN_PART, Math.ceil(size / this.maxParts)));
    }
    const only = segs[0];
    if (segs.length <= 1) {
      if (only?.kind === 'copy') {
        await this.client.send(
          new CopyObjectCommand({ Bucket: this.bucket, Key: dest, CopySource: this.copySource(only.key) }),
        );
      } else {
        const body = only ? await this.gatherRanges(only.ranges, only.size) : Buffer.alloc(0);
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: dest, Body: body, ContentLength: body.length }),
        );
      }
      return;
    }
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: dest }),
    );
    try {
      const etags: string[] = new Array(segs.length);
      let next = 0;
      const worker = async () => {
        while (next < segs.length) {
          const i = next++;
          const s = segs[i]!;
          if (s.kind === 'copy') {
            const r = await this.client.send(
              new UploadPartCopyCommand({
                Bucket: this.bucket,
                Key: dest,
                UploadId,
                PartNumber: i + 1,
                CopySource: this.copySource(s.key),
                CopySourceRange: `bytes=${s.start}-${s.end}`,
              }),
            );
            etags[i] = r.CopyPartResult!.ETag!;
          } else {
            const body = await this.gatherRanges(s.ranges, s.size);
            const r = await this.client.send(
              new UploadPartCommand({
                Bucket: this.bucket,
                Key: dest,
                UploadId,
                PartNumber: i + 1,
                Body: body,
                ContentLength: body.length,
              }),
            );
            etags[i] = r.ETag!;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, segs.length) }, worker));
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: dest,
          UploadId,
          MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
        }),
      );
    } catch (e) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: dest, UploadId }))
        .catch(() => {});
      throw e;
    }
  }

  private copySource(objKey: string): string {
    return `${this.bucket}/${objKey.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Read byte ranges of objects into one buffer of `size` bytes (a piece of at most a few MiB). */
  private async gatherRanges(ranges: { key: string; start: number; end: number }[], size: number) {
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for await (const c of this.readRanges(ranges)) {
      out.set(c, at);
      at += c.length;
    }
    if (at !== size) throw new Error(`expected ${size} bytes from parts, got ${at}`);
    return out;
  }

  // --- read ----------------------------------------------------------------------------------------

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
      const r = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: objKey,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      body = r.Body as AsyncIterable<Uint8Array>;
    } catch (e) {
      // A range starting at or past the end reads as nothing (like a file).
      if (errorName(e) === 'InvalidRange') return;
      if (!isNotFound(e)) throw e;
      yield* this.readParts(key, range);
      return;
    }
    yield* body;
  }

  /** Read an appendable blob that is not sealed yet from its parts. */
  private async *readParts(key: string, range?: { start: number; end: number }): AsyncGenerator<Uint8Array> {
    const pp = this.partsPrefix(key);
    const parts = this.dataParts(pp, await this.collect(pp));
    if (parts.length === 0) throw missing(key);
    const size = this.contiguousSize(key, parts);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const ranges: { key: string; start: number; end: number }[] = [];
    for (const p of parts) {
      const s = Math.max(start, p.start);
      const e = Math.min(end, p.start + p.size - 1);
      if (s <= e) ranges.push({ key: p.key, start: s - p.start, end: e - p.start });
    }
    yield* this.readRanges(ranges);
  }

  private async *readRanges(
    ranges: { key: string; start: number; end: number }[],
  ): AsyncGenerator<Uint8Array> {
    for (const r of ranges) {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: r.key, Range: `bytes=${r.start}-${r.end}` }),
      );
      yield* res.Body as AsyncIterable<Uint8Array>;
    }
  }

  // --- stat, delete, list --------------------------------------------------------------------------

  private async head(objKey: string): Promise<BlobStat | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objKey }));
      return { size: r.ContentLength ?? 0, mtimeMs: r.LastModified?.getTime() ?? 0 };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    const st = await this.head(this.objectKey(key));
    if (st) return st;
    const pp = this.partsPrefix(key);
    const parts = this.dataParts(pp, await this.collect(pp));
    if (parts.length === 0) return null;
    return {
      size: parts.reduce((n, p) => n + p.size, 0),
      mtimeMs: Math.max(...parts.map((p) => p.mtimeMs)),
    };
  }

  async delete(key: string): Promise<void> {
    const objKey = this.objectKey(key);
    await this.discard((await this.collect(this.partsPrefix(key))).map((o) => o.key));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objKey }));
  }

  async *list(prefix: string): AsyncIterable<{ key: string; mtimeMs: number }> {
    if (prefix.includes('~')) return;
    let group: { key: string; mtimeMs: number } | null = null;
    const flush = async () => {
      const g = group;
      group = null;
      // An appendable blob whose sealed object exists was listed under that object already.
      if (g && !(await this.head(this.prefix + g.key))) return g;
      return null;
    };
    for await (const o of this.listObjects(this.prefix + prefix)) {
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

  private async *listObjects(prefix: string, startAfter?: string): AsyncGenerator<Listed> {
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
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

  private async collect(prefix: string, startAfter?: string): Promise<Listed[]> {
    const out: Listed[] = [];
    for await (const o of this.listObjects(prefix, startAfter)) out.push(o);
    return out;
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (batch.length === 1) {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: batch[0]! }));
        continue;
      }
      const r = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = (r.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) {
        throw new Error(`cannot delete ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`);
      }
    }
  }

  /**
   * Abort multipart uploads under the prefix (left behind by crashes) that were started, and last
   * received a part, more than `olderThanMs` ago. Resolves to how many were aborted.
   */
  async sweepTemp(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let n = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const r = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: this.prefix || undefined,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const u of r.Uploads ?? []) {
        if (!u.Key || !u.UploadId || (u.Initiated?.getTime() ?? 0) >= cutoff) continue;
        // A slow upload that is still sending parts is not left over.
        if (await this.activeSince(u.Key, u.UploadId, cutoff)) continue;
        try {
          await this.client.send(
            new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }),
          );
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

  private async activeSince(objKey: string, uploadId: string, since: number): Promise<boolean> {
    let marker: string | undefined;
    for (;;) {
      const r = await this.client.send(
        new ListPartsCommand({
          Bucket: this.bucket,
          Key: objKey,
          UploadId: uploadId,
          PartNumberMarker: marker,
        }),
      );
      if ((r.Parts ?? []).some((p) => (p.LastModified?.getTime() ?? 0) >= since)) return true;
      if (!r.IsTruncated) return false;
      marker = r.NextPartNumberMarker;
    }
  }

  /** Release the HTTP connections. */
  destroy(): void {
    this.client.destroy();
  }
}
