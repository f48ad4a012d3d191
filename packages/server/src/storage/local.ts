import { randomUUID } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  fdatasync as fdatasyncCallback,
  openSync,
  renameSync,
  rmSync,
  writevSync,
} from 'node:fs';
import { type FileHandle, mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  assertValidKey,
  type BlobBody,
  type BlobStat,
  type BlobStore,
  missingBlob,
  sealMismatch,
} from './blob-store.js';

/** Blobs as files under one directory. Writes go to `.tmp/` first and are renamed into place. */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  private readonly tmpDir: string;

  constructor(private readonly dir: string) {
    this.tmpDir = join(dir, '.tmp');
  }

  private path(key: string): string {
    assertValidKey(key);
    return join(this.dir, ...key.split('/'));
  }

  localPath(key: string): string {
    return this.path(key);
  }

  /** Directories known to exist (saves a mkdir per write). */
  private readonly dirs = new Set<string>();

  private async ensureDir(dir: string): Promise<void> {
    if (this.dirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.dirs.add(dir);
  }

  async write(key: string, body: BlobBody): Promise<number> {
    const dest = this.path(key);
    await this.ensureDir(this.tmpDir);
    await this.ensureDir(dirname(dest));
    const tmp = join(this.tmpDir, randomUUID());
    // The first batch is gathered before the file is opened (it would be before the first write
    // anyway): a body that ends within it is written whole.
    writing++;
    let start: FirstBatch;
    try {
      start = await firstBatch(body);
    } finally {
      writing--;
    }
    if (!start.rest) return writeWhole(tmp, dest, start.head, start.size);
    const fh = await open(tmp, 'wx');
    let size = 0;
    try {
      try {
        size = await writeStream(fh, start.rest, 0);
        // Durable before anything can reference it.
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await rename(tmp, dest);
      return size;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Flushes of appended bytes still running, by key, and the failures of finished ones (reported by
   * the next append or the seal). An append is answered once its bytes are written; they reach the
   * disk while the next chunk is on its way, and a blob is durable once sealed. (Bytes lost with the
   * machine before that show as a shorter file to the next append, which then refuses the offset.)
   */
  private readonly flushing = new Map<string, Promise<void>>();
  private readonly flushFailed = new Map<string, Error>();

  private flushInBackground(key: string, fh: FileHandle): void {
    const before = this.flushing.get(key) ?? Promise.resolve();
    const run = before
      .then(() => fh.datasync())
      .catch((e: Error) => void this.flushFailed.set(key, e))
      .finally(() => {
        if (this.flushing.get(key) === run) this.flushing.delete(key);
        return fh.close().catch(() => {});
      });
    this.flushing.set(key, run);
  }

  private throwIfFlushFailed(key: string): void {
    const e = this.flushFailed.get(key);
    if (!e) return;
    this.flushFailed.delete(key);
    throw e;
  }

  async append(key: string, offset: number, body: BlobBody): Promise<number> {
    const path = this.path(key);
    this.throwIfFlushFailed(key);
    await this.ensureDir(dirname(path));
    const fh = await open(path, offset === 0 ? 'w' : 'r+');
    let end: number;
    try {
      const { size } = await fh.stat();
      if (size < offset)
        throw missingBlob(`append to ${key} at ${offset}, but only ${size} bytes are stored`);
      if (size > offset) await fh.truncate(offset);
      try {
        end = await writeStream(fh, body, offset);
      } catch (e) {
        await fh.truncate(offset).catch(() => {});
        throw e;
      }
    } catch (e) {
      await fh.close();
      throw e;
    }
    this.flushInBackground(key, fh);
    return end;
  }

  async seal(key: string, size: number): Promise<void> {
    await this.flushing.get(key);
    this.throwIfFlushFailed(key);
    const st = await this.stat(key);
    if (st?.size !== size) throw sealMismatch(key, st?.size ?? null, size);
    // Durable before anything can reference it, whichever process wrote the bytes.
    const fh = await open(this.path(key), 'r');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    // An empty range (end before start) reads nothing, as S3 stores are made to behave.
    if (range && range.end < range.start) return Readable.from([]);
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const s = await stat(this.path(key));
      return { size: s.size, mtimeMs: s.mtimeMs };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await this.flushing.get(key);
    this.flushFailed.delete(key);
    await rm(path, { force: true });
  }

  async *list(prefix: string): AsyncIterable<{ key: string; mtimeMs: number }> {
    const walk = async function* (
      this: LocalBlobStore,
      dir: string,
    ): AsyncGenerator<{ key: string; mtimeMs: number }> {
      let handle: Awaited<ReturnType<typeof opendir>>;
      try {
        handle = await opendir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for await (const ent of handle) {
        const full = join(dir, ent.name);
        if (full === this.tmpDir) continue;
        if (ent.isDirectory()) yield* walk.call(this, full);
        else if (ent.isFile()) {
          const key = relative(this.dir, full).split(sep).join('/');
          if (key.startsWith(prefix)) {
            const s = await stat(full).catch(() => null);
            if (s) yield { key, mtimeMs: s.mtimeMs };
          }
        }
      }
    };
    // Walk only the directory that can hold the prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash >= 0 ? join(this.dir, ...prefix.slice(0, slash).split('/')) : this.dir;
    yield* walk.call(this, base);
  }

  /** Remove temporary files of writes that never finished (e.g. after a crash). */
  async sweepTemp(olderThanMs: number): Promise<number> {
    let n = 0;
    let handle: Awaited<ReturnType<typeof opendir>>;
    try {
      handle = await opendir(this.tmpDir);
    } catch {
      return 0;
    }
    const cutoff = Date.now() - olderThanMs;
    for await (const ent of handle) {
      const full = join(this.tmpDir, ent.name);
      const s = await stat(full).catch(() => null);
      if (s && s.mtimeMs < cutoff) {
        await rm(full, { force: true });
        n++;
      }
    }
    return n;
  }
}

const fdatasync = promisify(fdatasyncCallback);

/** Writes of blobs in progress in this process. */
let writing = 0;

/**
 * Bytes gathered before one write: fewer, larger writes than the network's small chunks. Each write
 * in progress holds up to two batches, so the size goes down as writes go up: a lone upload writes
 * 1 MiB at a time (each write wakes a thread of the pool: measured, 6 % less CPU per MiB than
 * 256 KiB, 6 % faster), fifty at once 64 KiB each (6 MiB in all, where 1 MiB would hold 100).
 */
export function writeBatchBytes(writesInProgress: number): number {
  if (writesInProgress <= 2) return 1024 * 1024;
  if (writesInProgress <= 8) return 256 * 1024;
  return 64 * 1024;
}

/**
 * While a blob is written, a flush to disk (fdatasync) is started in the background after every this
 * many bytes: the kernel would otherwise keep them all in memory until the final flush, which would
 * then wait for the whole file to reach the disk (half the time of a large upload).
 */
const SYNC_EVERY = 32 * 1024 * 1024;

/**
 * Write a body at `position` in batches (one writev per {@link writeBatchBytes}); returns the position
 * after it.
 * One batch is written while the next one is gathered, so the network never waits for the disk;
 * written bytes are flushed to disk in the background as they pile up (the caller's own final flush
 * then has little left to do).
 */
async function writeStream(fh: FileHandle, body: BlobBody, position: number): Promise<number> {
  let pos = position;
  let batch: Uint8Array[] = [];
  let batched = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let unsynced = 0;
  let syncing: Promise<void> | null = null;
  /** Flush what is written once `write` is done (one flush at a time). */
  const syncAfter = (write: Promise<void>) => {
    unsynced = 0;
    const run: Promise<void> = write
      .then(() => fh.datasync())
      .finally(() => {
        if (syncing === run) syncing = null;
      });
    run.catch(() => {}); // observed at the end
    syncing = run;
  };
  const writeBatch = async (bufs: Uint8Array[], at: number, length: number) => {
    let left = length;
    let where = at;
    while (left > 0) {
      const { bytesWritten } = await fh.writev(bufs, where);
      where += bytesWritten;
      left -= bytesWritten;
      if (left > 0) bufs = dropBytes(bufs, bytesWritten);
    }
  };
  const flush = async () => {
    await inFlight;
    if (batched === 0) return;
    const length = batched;
    const write = writeBatch(batch, pos, batched);
    pos += batched;
    batch = [];
    batched = 0;
    inFlight = write;
    write.catch(() => {}); // observed by the next flush
    unsynced += length;
    if (unsynced >= SYNC_EVERY && !syncing) syncAfter(write);
  };
  writing++;
  try {
    // A Readable or any async iterable (a generator adds no buffering of its own, as Readable.from would).
    for await (const chunk of body) {
      const buf = chunk as Uint8Array;
      if (buf.length === 0) continue;
      batch.push(buf);
      batched += buf.length;
      if (batched >= writeBatchBytes(writing)) await flush();
    }
    await flush();
    await inFlight;
    await syncing;
  } catch (e) {
    await inFlight.catch(() => {});
    await (syncing as Promise<void> | null)?.catch(() => {});
    throw e;
  } finally {
    writing--;
  }
  return pos;
}

interface FirstBatch {
  head: Uint8Array[];
  size: number;
  /** The whole body (the head again, then what follows), or null when the head is all of it. */
  rest: AsyncIterable<Uint8Array> | null;
}

/** Read `body` until it ends or holds more than a batch (of the moment: see {@link writeBatchBytes}). */
async function firstBatch(body: BlobBody): Promise<FirstBatch> {
  const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  while (size <= writeBatchBytes(writing)) {
    const r = await it.next();
    if (r.done) return { head, size, rest: null };
    head.push(r.value);
    size += r.value.length;
  }
  return { head, size, rest: chained(head, it) };
}

async function* chained(head: Uint8Array[], it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    // Taken out one by one: the array lives as long as the generator (and the caller's FirstBatch),
    // and a batch of up to 1 MiB held to the end of every upload in progress is memory.
    for (let b = head.shift(); b; b = head.shift()) yield b;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  } finally {
    await it.return?.();
  }
}

/**
 * A whole body that is already here, written with one system call per step on this thread (a few
 * microseconds each on a local disk) instead of a trip to the thread pool each, which costs the
 * main thread more than the call itself; only the flush, which waits for the device, goes there.
 * Small uploads: 8–15 % more uploads per second, 2–9 % less server CPU per upload (A/B).
 */
async function writeWhole(tmp: string, dest: string, bufs: Uint8Array[], size: number): Promise<number> {
  const fd = openSync(tmp, 'wx');
  try {
    for (let left = size, at = 0; left > 0; ) {
      const n = writevSync(fd, bufs, at);
      at += n;
      left -= n;
      if (left > 0) bufs = dropBytes(bufs, n);
    }
    await fdatasync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return size;
}

/** The buffers without their first `n` bytes (after a short write). */
function dropBytes(bufs: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = n;
  for (const b of bufs) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
