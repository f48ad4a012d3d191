import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { assertValidKey, type BlobBody, type BlobStat, type BlobStore } from './blob-store.js';

const toReadable = (body: BlobBody): Readable => (body instanceof Readable ? body : Readable.from(body));

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
    const tmp = join(this.tmpDir, randomUUID());
    const fh = await open(tmp, 'wx');
    let size = 0;
    try {
      try {
        size = await writeStream(fh, body, 0);
        // Durable before anything can reference it.
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await this.ensureDir(dirname(dest));
      await rename(tmp, dest);
      return size;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async append(key: string, offset: number, body: BlobBody): Promise<number> {
    const path = this.path(key);
    await this.ensureDir(dirname(path));
    const fh = await open(path, offset === 0 ? 'w' : 'r+');
    try {
      const { size } = await fh.stat();
      if (size < offset) throw new Error(`append to ${key} at ${offset}, but only ${size} bytes are stored`);
      if (size > offset) await fh.truncate(offset);
      try {
        const end = await writeStream(fh, body, offset);
        await fh.datasync();
        return end;
      } catch (e) {
        await fh.truncate(offset).catch(() => {});
        throw e;
      }
    } finally {
      await fh.close();
    }
  }

  async seal(key: string, size: number): Promise<void> {
    const st = await this.stat(key);
    if (!st || st.size !== size)
      throw new Error(`cannot seal ${key}: ${st?.size ?? 'no'} bytes stored, ${size} expected`);
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
    await rm(this.path(key), { force: true });
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

/** Bytes gathered before one write: fewer, larger writes than the network's small chunks. */
const WRITE_BATCH = 1024 * 1024;

/**
 * Write a body at `position` in batches (one writev per ~1 MiB); returns the position after it.
 * One batch is written while the next one is gathered, so the network never waits for the disk.
 */
async function writeStream(fh: FileHandle, body: BlobBody, position: number): Promise<number> {
  let pos = position;
  let batch: Uint8Array[] = [];
  let batched = 0;
  let inFlight: Promise<void> = Promise.resolve();
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
    const write = writeBatch(batch, pos, batched);
    pos += batched;
    batch = [];
    batched = 0;
    inFlight = write;
    write.catch(() => {}); // observed by the next flush
  };
  try {
    for await (const chunk of toReadable(body)) {
      const buf = chunk as Uint8Array;
      if (buf.length === 0) continue;
      batch.push(buf);
      batched += buf.length;
      if (batched >= WRITE_BATCH) await flush();
    }
    await flush();
    await inFlight;
  } catch (e) {
    await inFlight.catch(() => {});
    throw e;
  }
  return pos;
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
