import type { Readable } from 'node:stream';
import type { MediaSource } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * Forward-only reader over a MediaSource with PHP file-handle semantics where MediaWiki's parsers
 * depend on them: `eof` becomes true only after a read asked for more bytes than were left, and a
 * seek clears it (like feof()/fseek() on a plain file). Bytes come from `head` first; the file is
 * streamed only when a parser reads past it, so memory stays bounded by the largest single read.
 */
export class SequentialReader {
  /** Bytes kept behind the read position for seekBack(). */
  static readonly LOOKBACK = 1024;
  /** Skipping further ahead than this reopens the source at the new position (when it can). */
  static readonly REOPEN_GAP = 4 * 1024 * 1024;
  /** Current position in the file (may exceed the size after a seek, like fseek). */
  pos = 0;
  /** PHP's feof(). */
  eof = false;
  private chunks: Buffer[] = [];
  private avail = 0;
  /** File offset of the first byte of `chunks`. */
  private chunkStart = 0;
  private stream: Readable | null = null;
  private iter: AsyncIterator<Buffer> | null = null;
  private ended = false;

  constructor(private readonly src: MediaSource) {
    const head = src.head.subarray(0, Math.min(src.head.length, src.size));
    if (head.length > 0) {
      this.chunks.push(head);
      this.avail = head.length;
    }
    if (head.length >= src.size) this.ended = true;
  }

  /** Bytes are available without I/O up to this offset. */
  private get bufferedEnd(): number {
    return this.chunkStart + this.avail;
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    if (this.iter && this.src.openFrom && this.pos - this.bufferedEnd > SequentialReader.REOPEN_GAP) {
      // A long forward seek (a big chunk's data skipped): start over at the position instead of
      // reading everything in between.
      this.stream?.destroy();
      this.stream = null;
      this.iter = null;
    }
    if (!this.iter) {
      const from = Math.max(this.bufferedEnd, this.pos);
      if (from >= this.src.size) {
        this.ended = true;
        return false;
      }
      if (from > this.bufferedEnd) {
        // A seek went past everything buffered: start the stream where it is needed.
        this.chunks = [];
        this.avail = 0;
        this.chunkStart = from;
      }
      if (this.src.openFrom) {
        this.stream = this.src.openFrom(from);
        this.iter = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      } else {
        this.stream = this.src.open();
        this.iter = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        // Discard what we already have from the head.
        let toDrop = from;
        while (toDrop > 0) {
          const r = await this.iter.next();
          if (r.done) {
            this.ended = true;
            return false;
          }
          const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
          if (c.length <= toDrop) {
            toDrop -= c.length;
          } else {
            this.push(c.subarray(toDrop));
            toDrop = 0;
          }
        }
        if (this.bufferedEnd > from) return true;
      }
    }
    const r = await this.iter.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    const c = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    this.push(c);
    return true;
  }

  private push(c: Buffer): void {
    // Never go past the declared size.
    const room = this.src.size - this.bufferedEnd;
    if (room <= 0) return;
    const b = c.length > room ? c.subarray(0, room) : c;
    this.chunks.push(b);
    this.avail += b.length;
  }

  /** Drop buffered chunks that end more than LOOKBACK bytes before the current position. */
  private trim(): void {
    const keepFrom = this.pos - SequentialReader.LOOKBACK;
    while (this.chunks.length > 0 && this.chunkStart + this.chunks[0]!.length <= keepFrom) {
      const c = this.chunks.shift()!;
      this.avail -= c.length;
      this.chunkStart += c.length;
    }
  }

  /** fread(): up to n bytes; a short read sets eof. */
  async read(n: number): Promise<Buffer> {
    if (n <= 0) return EMPTY;
    if (this.pos < this.chunkStart) throw new Error('reader: position behind buffer');
    this.trim();
    while (this.bufferedEnd < this.pos + n && (await this.more())) this.trim();
    const have = Math.max(0, Math.min(n, this.bufferedEnd - this.pos));
    let out: Buffer = EMPTY;
    if (have > 0) {
      let skip = this.pos - this.chunkStart;
      const parts: Buffer[] = [];
      let need = have;
      for (const c of this.chunks) {
        if (skip >= c.length) {
          skip -= c.length;
          continue;
        }
        const take = c.subarray(skip, Math.min(c.length, skip + need));
        parts.push(take);
        need -= take.length;
        skip = 0;
        if (need === 0) break;
      }
      out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    }
    this.pos += have;
    if (have < n) this.eof = true;
    return out;
  }

  /** fread() of n bytes whose content is not needed: advances, and sets eof if fewer were left. */
  skip(n: number): void {
    if (n <= 0) return;
    const left = Math.max(0, this.src.size - this.pos);
    if (n > left) {
      this.pos += left;
      this.eof = true;
    } else {
      this.pos += n;
    }
  }

  /** fseek($fh, n, SEEK_CUR) forward: never fails, clears eof, may move past the end. */
  seekForward(n: number): void {
    this.pos += n;
    this.eof = false;
  }

  /** fseek($fh, -n, SEEK_CUR) for small n (up to LOOKBACK bytes behind the furthest read). */
  seekBack(n: number): void {
    const to = this.pos - n;
    if (to < 0) return; // fseek fails and the position stays
    if (to < this.chunkStart) throw new Error('reader: cannot seek that far back');
    this.pos = to;
    this.eof = false;
  }

  /** Stop reading; releases the underlying stream. */
  close(): void {
    this.stream?.destroy();
    this.stream = null;
    this.iter = null;
    this.chunks = [];
    this.avail = 0;
  }
}

/**
 * Random-access reads for formats that point into the file (TIFF). Served from `head` when
 * possible, otherwise from a small cache of 64 KiB blocks fetched by streaming.
 */
export class RandomReader {
  private static readonly BLOCK = 65536;
  private static readonly MAX_BLOCKS = 64;
  private readonly cache = new Map<number, Buffer>();

  constructor(private readonly src: MediaSource) {}

  get size(): number {
    return this.src.size;
  }

  /** Up to `length` bytes at `offset` (fewer at the end of the file). */
  async readAt(offset: number, length: number): Promise<Buffer> {
    if (offset < 0 || length <= 0 || offset >= this.src.size) return EMPTY;
    const end = Math.min(this.src.size, offset + length);
    if (end <= this.src.head.length) return this.src.head.subarray(offset, end);
    const B = RandomReader.BLOCK;
    const parts: Buffer[] = [];
    for (let b = Math.floor(offset / B); b * B < end; b++) {
      const block = await this.block(b);
      const s = Math.max(offset, b * B) - b * B;
      const e = Math.min(end, (b + 1) * B) - b * B;
      parts.push(block.subarray(s, e));
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  private async block(index: number): Promise<Buffer> {
    const hit = this.cache.get(index);
    if (hit) return hit;
    const B = RandomReader.BLOCK;
    const start = index * B;
    const r = new SequentialReader(this.src);
    try {
      r.seekForward(start);
      const data = Buffer.from(await r.read(Math.min(B, this.src.size - start)));
      if (this.cache.size >= RandomReader.MAX_BLOCKS) {
        const first = this.cache.keys().next().value;
        if (first !== undefined) this.cache.delete(first);
      }
      this.cache.set(index, data);
      return data;
    } finally {
      r.close();
    }
  }
}
