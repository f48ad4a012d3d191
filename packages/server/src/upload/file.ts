import { TAIL_BYTES } from '../mime/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { ContentSource } from './analyze.js';
import { readRange } from './read-back.js';
import { HEAD_BYTES } from './receive.js';

/** The bytes of an upload, wherever they came from, already in blob storage. */
export interface UploadFile {
  blobKey: string;
  size: number;
  sha1: string;
  head: Buffer;
  /** The last bytes (up to TAIL_BYTES), when known. */
  tail?: Buffer;
  sourceType: 'file' | 'url' | 'stash' | 'chunks';
  /** Set when the bytes come from (or were put into) the stash. */
  stashKey?: string;
}

/** The first bytes of a stored blob (for files that come from the stash). */
export function readHead(blobs: BlobStore, blobKey: string, size: number): Promise<Buffer> {
  if (size === 0) return Promise.resolve(Buffer.alloc(0));
  return readRange(blobs, blobKey, 0, Math.min(size, HEAD_BYTES) - 1);
}

/** The last bytes of a stored blob (what ZIP-based type detection needs); none for small files. */
export function readTail(blobs: BlobStore, blobKey: string, size: number): Promise<Buffer> {
  if (size <= HEAD_BYTES) return Promise.resolve(Buffer.alloc(0));
  return readRange(blobs, blobKey, Math.max(0, size - TAIL_BYTES), size - 1);
}

/** The bytes of an upload as the analysis steps read them. */
export function contentOf(
  blobs: BlobStore,
  file: Pick<UploadFile, 'blobKey' | 'size' | 'head' | 'tail'>,
): ContentSource {
  return {
    size: file.size,
    head: file.head,
    ...(file.tail ? { tail: file.tail } : {}),
    open: () => blobs.read(file.blobKey),
    openFrom: (offset: number) => blobs.read(file.blobKey, { start: offset, end: file.size - 1 }),
  };
}
