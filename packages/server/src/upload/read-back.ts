/**
 * Reading the start or end of a stored upload back into memory (the checks need up to 1 MiB of its
 * start; ZIP-based type detection its end). Each read fills one buffer of the range's size as the
 * pieces arrive (no second copy), and only a few run at once in the process: uploads of one size
 * sent together finish together, and fifty heads of 1 MiB read at one moment were tens of MB of
 * buffers that malloc then kept.
 */
import pLimit from 'p-limit';
import { TAIL_BYTES } from '../mime/index.js';
import type { BlobStore } from '../storage/blob-store.js';

/** How many leading bytes of each upload are kept in memory for type detection and verification. */
export const HEAD_BYTES = 1024 * 1024;

/** Reads back at once in this process. */
export const READS_AT_ONCE = 4;
const limit = pLimit(READS_AT_ONCE);

/** Bytes `start`..`end` (inclusive) of a stored blob; fewer if the blob is shorter. */
export function readRange(blobs: BlobStore, blobKey: string, start: number, end: number): Promise<Buffer> {
  if (end < start) return Promise.resolve(Buffer.alloc(0));
  return limit(async () => {
    const out = Buffer.allocUnsafe(end - start + 1);
    let got = 0;
    for await (const piece of blobs.read(blobKey, { start, end })) {
      const b = piece as Buffer;
      const n = Math.min(b.length, out.length - got);
      b.copy(out, got, 0, n);
      got += n;
    }
    return got === out.length ? out : out.subarray(0, got);
  });
}

/** The first bytes of a stored blob (up to HEAD_BYTES). */
export function readHead(blobs: BlobStore, blobKey: string, size: number): Promise<Buffer> {
  return readRange(blobs, blobKey, 0, Math.min(size, HEAD_BYTES) - 1);
}

/** The last bytes of a stored blob (what ZIP-based type detection needs); none for small files. */
export function readTail(blobs: BlobStore, blobKey: string, size: number): Promise<Buffer> {
  if (size <= HEAD_BYTES) return Promise.resolve(Buffer.alloc(0));
  return readRange(blobs, blobKey, Math.max(0, size - TAIL_BYTES), size - 1);
}
