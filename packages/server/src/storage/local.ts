import { randomUUID } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, ftruncateSync, openSync } from 'node:fs';
import { type FileHandle, mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { dropPageCache } from '../util/page-cache.js';
import {
  assertValidKey,
  type BlobBody,
  type BlobStat,
  type BlobStore,
  type FileSinkBody,
  missingBlob,
  sealMismatch,
} from './blob-store.js';
import {
  counted,
  type FirstBatch,
  fdatasync,
  firstBatch,
  syncEveryBytes,
  writeAllSync,
  writeStream,
  writeWhole,
} from './local-writes.js';

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

  write(key: string, body: BlobBody): Promise<number> {
    return counted(() => this.writeNow(key, body));
  }

  private async writeNow(key: string, body: BlobBody): Promise<number> {
    const { tmp, dest } = await this.newTemporary(key);
    // The first batch is gathered before the file is opened (it would be before the first write
    // anyway): a body that ends within it is written whole.
    const start = await firstBatch(body);
    if (!start.rest) return writeWhole(tmp, dest, start.head, start.size);
    const rest = start.rest;
    return this.writeFile(tmp, dest, (fh) => writeStream(fh, rest, 0));
  }

  writeSunk(key: string, body: FileSinkBody, limit: number): Promise<{ size: number; sha1: string }> {
    return counted(async () => {
      const { tmp, dest } = await this.newTemporary(key);
      return this.writeFile(tmp, dest, (fh) =>
        body.sinkInto(fh.fd, 0, { limit, syncEvery: syncEveryBytes(1) }),
      );
    });
  }

  private async newTemporary(key: string): Promise<{ tmp: string; dest: string }> {
    const dest = this.path(key);
    await this.ensureDir(this.tmpDir);
    await this.ensureDir(dirname(dest));
    return { tmp: join(this.tmpDir, randomUUID()), dest };
  }

  /** `fill` a new temporary file, make it durable, then put it in place; nothing stays on failure. */
  private async writeFile<T>(tmp: string, dest: string, fill: (fh: FileHandle) => Promise<T>): Promise<T> {
    const fh = await open(tmp, 'wx');
    try {
      let result: T;
      try {
        result = await fill(fh);
        // Durable before anything can reference it; then out of the page cache (util/page-cache.ts).
        await fh.datasync();
        dropPageCache(fh.fd, 0, 0);
      } finally {
        await fh.close();
      }
      await rename(tmp, dest);
      return result;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Flushes of appended bytes still running, by key, and the failures of finished ones (reported by
   * the next append or the seal). An append is answered once its bytes are written; they reach the
   * disk while the next chunk is on its way (and then leave the page cache: util/page-cache.ts), and
   * a blob is durable once sealed. (Bytes lost with the machine before that show as a shorter file to
   * the next append, which then refuses the offset.)
   */
  private readonly flushing = new Map<string, Promise<void>>();
  private readonly flushFailed = new Map<string, Error>();

  /** Flush an appended file (`flush`) after the key's earlier flushes, then `close` it. */
  private flushInBackground(key: string, flush: () => Promise<void>, close: () => Promise<void>): void {
    const before = this.flushing.get(key) ?? Promise.resolve();
    const run = before
      .then(flush)
      .catch((e: Error) => void this.flushFailed.set(key, e))
      .finally(() => {
        if (this.flushing.get(key) === run) this.flushing.delete(key);
        return close().catch(() => {});
      });
    this.flushing.set(key, run);
  }

  private throwIfFlushFailed(key: string): void {
    const e = this.flushFailed.get(key);
    if (!e) return;
    this.flushFailed.delete(key);
    throw e;
  }

  append(key: string, offset: number, body: BlobBody): Promise<number> {
    return counted(() => this.appendNow(key, offset, body));
  }

  private async appendNow(key: string, offset: number, body: BlobBody): Promise<number> {
    const path = this.path(key);
    this.throwIfFlushFailed(key);
    await this.ensureDir(dirname(path));
    // As in `write`: a body that ends within the first batch (most chunks of clients that send 1 MiB
    // or less) is written whole, with a system call per step on this thread.
    let start: FirstBatch;
    try {
      start = await firstBatch(body);
    } catch (e) {
      cutBack(path, offset);
      throw e;
    }
    if (!start.rest) return this.appendWhole(key, path, offset, start.head, start.size);
    const fh = await open(path, offset === 0 ? 'w' : 'r+');
    let end: number;
    try {
      const { size } = await fh.stat();
      if (size < offset) throw appendGap(key, offset, size);
      if (size > offset) await fh.truncate(offset);
      try {
        end = await writeStream(fh, start.rest, offset);
      } catch (e) {
        await fh.truncate(offset).catch(() => {});
        throw e;
      }
    } catch (e) {
      await fh.close();
      throw e;
    }
    this.flushInBackground(
      key,
      async () => {
        await fh.datasync();
        dropPageCache(fh.fd, offset, end - offset);
      },
      () => fh.close(),
    );
    return end;
  }

  /** {@link append} of a body that is all here. */
  private appendWhole(key: string, path: string, offset: number, bufs: Uint8Array[], size: number): number {
    const fd = openSync(path, offset === 0 ? 'w' : 'r+');
    try {
      const stored = fstatSync(fd).size;
      if (stored < offset) throw appendGap(key, offset, stored);
      if (stored > offset) ftruncateSync(fd, offset);
      try {
        writeAllSync(fd, bufs, size, offset);
      } catch (e) {
        try {
          ftruncateSync(fd, offset);
        } catch {}
        throw e;
      }
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.flushInBackground(
      key,
      async () => {
        await fdatasync(fd);
        dropPageCache(fd, offset, size);
      },
      async () => closeSync(fd),
    );
    return offset + size;
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
    for await (const key of this.keys(prefix)) {
      // Any file found there (not only valid keys: files put there by hand) is listed, as before.
      const s = await stat(join(this.dir, ...key.split('/'))).catch(() => null);
      if (s) yield { key, mtimeMs: s.mtimeMs };
    }
  }

  async *keys(prefix: string): AsyncIterable<string> {
    const walk = async function* (this: LocalBlobStore, dir: string): AsyncGenerator<string> {
      let handle: Awaited<ReturnType<typeof opendir>>;
      try {
        // Entries in batches of 1,024 (Node's default of 32 took a trip to the thread pool each).
        handle = await opendir(dir, { bufferSize: 1024 });
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
          if (key.startsWith(prefix)) yield key;
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

const appendGap = (key: string, offset: number, stored: number) =>
  missingBlob(`append to ${key} at ${offset}, but only ${stored} bytes are stored`);

/** A blob longer than `offset` cut back to it: an append that failed leaves nothing of itself. */
function cutBack(path: string, offset: number): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return; // not there: nothing to cut
  }
  try {
    if (fstatSync(fd).size > offset) ftruncateSync(fd, offset);
  } finally {
    closeSync(fd);
  }
}
