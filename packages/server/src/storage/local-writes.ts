/**
 * How local storage writes a blob's bytes: gathered into batches written while the next one is
 * gathered, flushed in the background as they pile up; a body that ends within its first batch
 * written whole by one job on the thread pool.
 */
import { closeSync, fdatasync as fdatasyncCallback, openSync, renameSync, rmSync, writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { errnoError, type WholeFileAddon, wholeFileAddon } from '../util/native.js';
import { dropPageCache } from '../util/page-cache.js';
import type { BlobBody } from './blob-store.js';

/** `fdatasync(2)` on the thread pool (`node:fs`'s own at each call: tests make it fail). */
export const fdatasync = (fd: number) =>
  new Promise<void>((resolve, reject) => fdatasyncCallback(fd, (e) => (e ? reject(e) : resolve())));

/** Write all of `bufs` (`size` bytes) at `position`, one `writev` per step on this thread. */
export function writeAllSync(fd: number, bufs: Uint8Array[], size: number, position: number): void {
  for (let left = size, at = position; left > 0; ) {
    const n = writevSync(fd, bufs, at);
    at += n;
    left -= n;
    if (left > 0) bufs = dropBytes(bufs, n);
  }
}

/** Writes of blobs in progress in this process, from their first byte read to their last written. */
let writing = 0;

/** Runs one write or append of a blob, counted in {@link writing} while it runs. */
export async function counted<T>(write: () => Promise<T>): Promise<T> {
  writing++;
  try {
    return await write();
  } finally {
    writing--;
  }
}

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
 * then wait for the whole file to reach the disk (half the time of a large upload). Flushed bytes
 * then leave the page cache (util/page-cache.ts). One flush at a time per write: on a slower disk
 * they simply follow each other. A lone write flushes every 8 MiB (the final flush of a 256 MiB
 * upload waited 25–28 ms at 32, 1–8 at 8; no slower in paired runs; 4 no better than 8); many at
 * once every 32 MiB, as each flush holds a thread of the pool their writes share.
 */
export function syncEveryBytes(writesInProgress: number): number {
  return (writesInProgress <= 2 ? 8 : 32) * 1024 * 1024;
}

/**
 * Write a body at `position` in batches (one writev per {@link writeBatchBytes}); returns the position
 * after it.
 * One batch is written while the next one is gathered, so the network never waits for the disk;
 * written bytes are flushed to disk in the background as they pile up (the caller's own final flush
 * then has little left to do).
 */
export async function writeStream(fh: FileHandle, body: BlobBody, position: number): Promise<number> {
  let pos = position;
  let batch: Uint8Array[] = [];
  let batched = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let unsynced = 0;
  let syncing: Promise<void> | null = null;
  /** Where the bytes not yet dropped from the page cache start. */
  let cachedFrom = position;
  /** Flush what is written up to `end` once `write` is done, then drop it from the page cache (one flush at a time). */
  const syncAfter = (write: Promise<void>, end: number) => {
    unsynced = 0;
    const run: Promise<void> = write
      .then(() => fh.datasync())
      .then(() => {
        dropPageCache(fh.fd, cachedFrom, end - cachedFrom);
        cachedFrom = end;
      })
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
    if (unsynced >= syncEveryBytes(writing) && !syncing) syncAfter(write, pos);
  };
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
  }
  return pos;
}

export interface FirstBatch {
  head: Uint8Array[];
  size: number;
  /** The whole body (the head again, then what follows), or null when the head is all of it. */
  rest: AsyncIterable<Uint8Array> | null;
}

/** Read `body` until it ends or holds more than a batch (of the moment: see {@link writeBatchBytes}). */
export async function firstBatch(body: BlobBody): Promise<FirstBatch> {
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
 * A whole body that is already here, created, written, flushed and renamed into place by one job on
 * the thread pool (native/whole-file.c): creating a file waits for the file system's journal while
 * other files are flushed (0.67 ms per small upload on average in a profile of the JavaScript
 * thread, up to tens of ms), and on this thread that wait held up every other request.
 * Without the addon: one system call per step on this thread (a trip to the pool for each step cost
 * the main thread more than the calls; small uploads 8–15 % faster so), the flush on the pool.
 */
export async function writeWhole(
  tmp: string,
  dest: string,
  bufs: Uint8Array[],
  size: number,
  addon: WholeFileAddon | null = wholeFileAddon(),
): Promise<number> {
  if (addon) {
    await new Promise<void>((resolve, reject) =>
      addon.write(tmp, dest, bufs, (err) => (err === 0 ? resolve() : reject(errnoError(err, tmp)))),
    );
    return size;
  }
  const fd = openSync(tmp, 'wx');
  try {
    writeAllSync(fd, bufs, size, 0);
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
